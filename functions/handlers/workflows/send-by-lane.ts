import type { OutgoingJob, QueueClient } from '../../adapters/queue-client';
import { groupBy } from '../../core/group-by';

/** A job to send, and the URL of its lane. */
export interface LaneSend {
  readonly url: string;
  readonly job: OutgoingJob;
}

/**
 * Sends jobs to their lanes, batched per lane (the lanes at once); answers
 * the jobs not sent, by their position in `sends`, with why: SQS's code, or
 * the error of a call that failed as a whole (the same error for each of its
 * jobs). The ingest, the sweeper and the reconciler send through it.
 *
 * @example
 * const unsent = await sendByLane(deps, sends); // Map { 3 => 'InternalError' }
 */
export async function sendByLane(deps: { readonly queues: Pick<QueueClient, 'sendBatch'> }, sends: readonly LaneSend[]): Promise<Map<number, string | Error>> {
  const unsent = new Map<number, string | Error>();
  const byUrl = groupBy(
    sends.map((send, position) => ({ send, position })),
    (entry) => entry.send.url,
  );
  await Promise.all(
    [...byUrl].map(async ([url, group]) => {
      try {
        for (const failure of await deps.queues.sendBatch(url, group.map((entry) => entry.send.job))) {
          const entry = group[failure.index];
          if (entry !== undefined) unsent.set(entry.position, failure.code);
        }
      } catch (error) {
        for (const entry of group) unsent.set(entry.position, error as Error);
      }
    }),
  );
  return unsent;
}

/**
 * A job's reason for not being sent, as log fields: the call's error, or SQS's code.
 *
 * @example
 * logger.error('send failed', { job_id: jobId, ...unsentFields(reason) });
 */
export function unsentFields(reason: string | Error): { error: Error } | { code: string } {
  return reason instanceof Error ? { error: reason } : { code: reason };
}
