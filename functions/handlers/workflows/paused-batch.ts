import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { OutgoingJob } from '../../adapters/queue-client';
import { decodeJobMessage } from '../../core/job-message';
import type { JobMessage } from '../../core/job';
import type { ConsumerDeps } from './consumer-deps';
import { readReceived } from './received-message';

/**
 * A copy of a paused standard queue's message comes back after this long (a
 * redriven letter, which is not copied, after as long by its visibility). Short,
 * because a job handed back just as the pause began (a batch the mapping had
 * already received) must not wait long once the queue resumes; cheap, because
 * the consumer disables its mappings again, so few batches are handed back.
 */
export const PAUSED_DELAY_SECONDS = 30;

/**
 * A paused FIFO queue's message comes back after this long. Each return
 * spends one of its receives (a FIFO message cannot be copied without losing
 * its place), so it is longer: with the FIFO receive limit (260) that is over
 * eight hours behind a mapping that could not be disabled.
 */
export const PAUSED_FIFO_VISIBILITY_SECONDS = 120;

/** The consumer tries to disable its own mappings again at most this often per container. */
export const STOP_MAPPINGS_EVERY_MS = 60_000;

/** What a consumer knows of its queue's pause. */
export interface PauseGuard {
  /** Whether the queue is paused: its pause item, read at most every few seconds per container. */
  isPaused(): Promise<boolean>;
  /**
   * Disables the consumer's own event source mappings again (best effort):
   * those of the function as it was invoked, `invokedFunctionArn` (an alias's
   * ARN when the mappings invoke an alias), else of its own name.
   */
  stopMappings?(invokedFunctionArn?: string): Promise<void>;
}

/** What {@link pausedBatch} needs: the consumer's own dependencies and, where the runtime wires it, the pause guard. */
export type PausedBatchDeps = Pick<ConsumerDeps, 'definition' | 'lanes' | 'queues' | 'clock' | 'logger'> & { readonly pause?: PauseGuard };

/**
 * The consumer's first step: a batch of a paused queue (a deploy replaced a
 * mapping, enabled as the template says; or batches were in flight when the
 * pause began) is handed back without touching a job, and the consumer
 * disables its mappings again. Resolves to the batch response then, or to
 * `undefined` when the queue runs and the batch is the processor's.
 *
 * On a standard queue each job message is sent again with SQS's longest
 * delay and the received copy is deleted (the batch reports it done), so a
 * pause of any length spends none of its receives; a redriven letter is not
 * copied, since the copy would lose the attributes its claim needs: it comes
 * back by its visibility, as every FIFO message does.
 *
 * A failure to read the pause state lets the batch run (a job runs rather
 * than waits on a failing read: the mappings are off anyway while paused).
 *
 * @example
 * const paused = await pausedBatch(deps, event);
 * if (paused !== undefined) return { ...paused, tally };
 */
export async function pausedBatch(deps: PausedBatchDeps, event: SQSEvent, invokedFunctionArn?: string): Promise<SQSBatchResponse | undefined> {
  const first = event.Records[0];
  if (deps.pause === undefined || first === undefined) return undefined;
  try {
    if (!(await deps.pause.isPaused())) return undefined;
  } catch (error) {
    deps.logger.warn('pause state unreadable; the batch runs', { error: error as Error });
    return undefined;
  }
  const laneName = first.eventSourceARN.slice(first.eventSourceARN.lastIndexOf(':') + 1);
  const lane = deps.lanes.find((candidate) => candidate.name === laneName);
  const copied = lane === undefined || deps.definition.fifo ? new Set<string>() : await copyLater(deps, lane.url, event.Records);
  const returned = event.Records.filter((record) => !copied.has(record.messageId));
  if (lane !== undefined && returned.length > 0) {
    const seconds = deps.definition.fifo ? PAUSED_FIFO_VISIBILITY_SECONDS : PAUSED_DELAY_SECONDS;
    try {
      await deps.queues.changeVisibility(lane.url, returned.map((record) => ({ receiptHandle: record.receiptHandle, seconds })));
    } catch (error) {
      // They come back after the lane's visibility timeout instead: later, still untouched.
      deps.logger.warn('paused batch: visibility not changed', { error: error as Error });
    }
  }
  deps.logger.info('queue paused: batch handed back untouched', { lane: laneName, copied: copied.size, returned: returned.length });
  await deps.pause.stopMappings?.(invokedFunctionArn).catch((error: unknown) => deps.logger.warn('paused queue: mappings not disabled', { error: error as Error }));
  return { batchItemFailures: returned.map((record) => ({ itemIdentifier: record.messageId })) };
}

/** Sends delayed copies of the plain job messages; resolves to the message ids copied. */
async function copyLater(deps: PausedBatchDeps, laneUrl: string, records: readonly SQSRecord[]): Promise<Set<string>> {
  const copies: { id: string; job: OutgoingJob }[] = [];
  for (const record of records) {
    const received = readReceived(record);
    // A redriven letter is never copied: the copy would lose the marks its claim needs.
    if (received.letter !== undefined) continue;
    let message: JobMessage;
    try {
      message = decodeJobMessage(record.body);
    } catch {
      continue;
    }
    // The copy keeps the job's first enqueue time, so its queue age still counts from the ingest.
    const firstEnqueuedAt = received.firstEnqueuedAt;
    copies.push({ id: record.messageId, job: { message, delaySeconds: PAUSED_DELAY_SECONDS, ...(firstEnqueuedAt === undefined ? {} : { firstEnqueuedAt }) } });
  }
  if (copies.length === 0) return new Set();
  try {
    const refused = new Set((await deps.queues.sendBatch(laneUrl, copies.map((copy) => copy.job))).map((failure) => failure.index));
    return new Set(copies.filter((_, index) => !refused.has(index)).map((copy) => copy.id));
  } catch (error) {
    deps.logger.warn('paused batch: copies not sent; messages return by visibility', { error: error as Error });
    return new Set();
  }
}

/**
 * A {@link PauseGuard}'s `stopMappings` that runs `disable` at most once per
 * `everyMs`: a paused queue's consumer disables its mappings again when a
 * batch reaches it, without a Lambda call per batch.
 */
export function throttledStop(
  disable: (invokedFunctionArn?: string) => Promise<void>,
  now: () => number,
  everyMs = STOP_MAPPINGS_EVERY_MS,
): (invokedFunctionArn?: string) => Promise<void> {
  let lastMs: number | undefined;
  return async (invokedFunctionArn) => {
    const at = now();
    if (lastMs !== undefined && at - lastMs < everyMs) return;
    lastMs = at;
    await disable(invokedFunctionArn);
  };
}
