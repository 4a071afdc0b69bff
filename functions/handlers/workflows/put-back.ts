import type { SQSRecord } from 'aws-lambda';
import type { FailureCategory } from '../../core/failure';
import type { JobMessage } from '../../core/job';
import { maxReceiveCount } from '../../core/lanes';
import type { ConsumerDeps, LaneEndpoint } from './consumer-deps';
import { deadLetterAtReceiveLimit } from './dead-lettering';
import type { Disposition, Outcome } from './disposition';
import type { ReceivedMessage } from './received-message';

/** SQS's longest `DelaySeconds`: a re-sent copy waits at most this long (the `retry_at` fence covers the rest). */
const MAX_DELAY_SECONDS = 900;

/** A received job message, with what its record's attributes say. */
export interface ReceivedJob {
  readonly record: SQSRecord;
  readonly message: JobMessage;
  readonly received: ReceivedMessage;
}

/**
 * Whether returning the message would let SQS move it to the DLQ bare: its
 * next receive would pass the lane's `maxReceiveCount` (the same pure function
 * the stack sizes the redrive policy with, from the consumer's own settings).
 */
export function atReceiveLimit(deps: Pick<ConsumerDeps, 'definition'>, received: ReceivedMessage): boolean {
  return received.receiveCount >= maxReceiveCount(deps.definition);
}

/**
 * Puts a message back to be received again after `seconds`, without ever
 * letting SQS's redrive take it: while the message has receives left, its
 * visibility is set and it is reported failed to the event source mapping. At
 * the limit, a standard queue gets a fresh copy (delayed up to 15 minutes,
 * carrying its first enqueue time; a claim before a retry's `retry_at` is
 * refused, so a shorter delay is harmless) and the original is deleted; a
 * FIFO queue cannot re-send without breaking its group's order, so the job is
 * dead-lettered with its record failed (see `deadLetterAtReceiveLimit`).
 *
 * @param category - the category a FIFO dead-letter at the limit reports
 */
export async function putBack(
  deps: ConsumerDeps,
  lane: LaneEndpoint,
  job: ReceivedJob,
  seconds: number,
  outcome: Outcome,
  category: FailureCategory,
): Promise<Disposition> {
  const wait = Math.max(Math.ceil(seconds), 0);
  if (!atReceiveLimit(deps, job.received)) {
    await deps.queues.changeVisibility(lane.url, [{ receiptHandle: job.record.receiptHandle, seconds: wait }]);
    return { kind: 'return', outcome, visibilitySeconds: wait };
  }
  if (deps.definition.fifo) {
    const limit = maxReceiveCount(deps.definition);
    const settled = await deadLetterAtReceiveLimit(deps, job.record, job.message, { category, receiveCount: job.received.receiveCount, limit, returnSeconds: wait });
    if (settled.kind === 'return') {
      await deps.queues.changeVisibility(lane.url, [{ receiptHandle: job.record.receiptHandle, seconds: wait }]);
    }
    return settled;
  }
  // The copy's receive count starts over: without the unindexed mark, its first claim writes the
  // schedule entry, as a later receive of the original would have (see `JobMessage.unindexed`).
  const { unindexed: _mark, ...message } = job.message;
  await resend(deps, lane, { ...job, message }, wait);
  deps.logger.info('message at the receive limit re-sent as a fresh copy', { job_id: job.message.jobId, receive_count: job.received.receiveCount });
  return { kind: 'delete', outcome };
}

/**
 * Sends a fresh copy of a standard-queue message, delayed by up to 15
 * minutes, carrying the job's first enqueue time and, for a redriven dead
 * letter, the letter's marks (so the copy still reopens its failed job); the
 * caller deletes the original. Used for deferrals (which then spend no
 * receive) and at the receive limit.
 */
export async function resend(deps: ConsumerDeps, lane: LaneEndpoint, job: ReceivedJob, seconds: number): Promise<void> {
  const { firstEnqueuedAt, letter } = job.received;
  await deps.queues.send(lane.url, {
    message: job.message,
    delaySeconds: Math.min(Math.max(Math.ceil(seconds), 0), MAX_DELAY_SECONDS),
    ...(firstEnqueuedAt === undefined ? {} : { firstEnqueuedAt }),
    ...(letter === undefined ? {} : { letter: { jobId: job.message.jobId, ...letter } }),
  });
}
