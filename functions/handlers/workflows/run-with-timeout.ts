import { JobTimeoutError } from '../../core/errors';
import type { JobMessage } from '../../core/job';
import type { Processor, ProcessorLogger } from '../../processors/processor';

/**
 * Runs a processor with an `AbortSignal` that fires after `timeoutMs`. A
 * processor that ignores the signal is not waited for: the attempt fails with a
 * {@link JobTimeoutError} the moment the timeout passes. The attempt's
 * progress URL, when it has one, reaches the processor in its context.
 */
export async function runWithTimeout(
  processor: Processor,
  message: JobMessage,
  options: { readonly attempt: number; readonly timeoutMs: number; readonly logger: ProcessorLogger; readonly progressUrl?: string },
): Promise<unknown> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new JobTimeoutError(options.timeoutMs, { context: { jobId: message.jobId } });
      controller.abort(error);
      reject(error);
    }, options.timeoutMs);
  });
  try {
    return await Promise.race([
      processor(message, {
        signal: controller.signal,
        attempt: options.attempt,
        logger: options.logger,
        ...(options.progressUrl === undefined ? {} : { progressUrl: options.progressUrl }),
      }),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
