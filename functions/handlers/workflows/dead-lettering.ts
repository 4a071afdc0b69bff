import type { SQSRecord } from 'aws-lambda';
import { JobNotFoundError, TransitionConflictError, type categoryOf } from '../../core/errors';
import { ATTEMPT_OUTCOME, JOB_STATUS, MAX_HISTORY_MESSAGE_LENGTH, shortMessage, type JobMessage, type JobRecord } from '../../core/job';
import type { ConsumerDeps } from './consumer-deps';
import { HOUR_MS, type Disposition } from './disposition';

/** A failure as the consumer reports it: category, reason, and how long the attempt ran (when one ran). */
export interface FailureReport {
  readonly category: ReturnType<typeof categoryOf>;
  readonly message: string;
  readonly durationMs?: number;
}

/**
 * The letter's FIFO deduplication id: one per failure (run, attempt count and
 * failure time), so a re-send of the same letter is swallowed by a FIFO DLQ
 * within its window, while a redriven job that fails again is a new letter.
 */
function letterDeduplicationId(runId: string, attempts: number, failedAt: Date): string {
  return `${runId}.${attempts}.${failedAt.getTime()}`;
}

/**
 * Sends a job's dead letter (the message body unchanged, the failure as
 * attributes) and then clears the record's `letter_pending`. The clearing is
 * best effort: left set, it costs at most a second letter if another copy of
 * the message arrives, which a redrive reopens only once.
 */
async function sendLetter(
  deps: ConsumerDeps,
  record: SQSRecord,
  message: JobMessage,
  failure: { readonly reason: string; readonly category: FailureReport['category']; readonly attempts: number; readonly failedAt: Date },
): Promise<void> {
  await deps.queues.moveToDeadLetter(deps.deadLetterUrl, [
    {
      body: record.body,
      jobId: message.jobId,
      groupId: message.groupId,
      deduplicationId: letterDeduplicationId(message.runId, failure.attempts, failure.failedAt),
      failure: { reason: failure.reason, category: failure.category, attempts: failure.attempts, sourceQueue: deps.definition.name, failedAt: failure.failedAt },
    },
  ]);
  try {
    await deps.store.markLettered(message.jobId, message.runId, failure.failedAt);
  } catch (error) {
    deps.logger.warn('dead letter sent, but its record still says pending', { job_id: message.jobId, error: error as Error });
  }
}

/**
 * Fails a job and dead-letters its message, record first: the record becomes
 * `failed` (in the failed index, with `letter_pending`), then the letter is
 * sent. A failed record write sends nothing (the message comes back and the
 * claim sorts it out); a failed send leaves the record saying the letter is
 * pending, and the next copy of the message sends it (see {@link sendPendingLetter}).
 * Once the letter is sent, a job that asked for `notify` gets its
 * `job.failed` event.
 */
export async function deadLetter(
  deps: ConsumerDeps,
  record: SQSRecord,
  message: JobMessage,
  job: Pick<JobRecord, 'attempts'>,
  failure: FailureReport,
): Promise<Disposition> {
  const now = deps.clock.now();
  const failed = await deps.store.fail(
    { jobId: message.jobId, runId: message.runId, attempt: job.attempts },
    {
      now,
      error: { category: failure.category, message: failure.message },
      entry:
        failure.durationMs === undefined
          ? undefined
          : { attempt: job.attempts, at: now.toISOString(), outcome: ATTEMPT_OUTCOME.failed, category: failure.category, message: shortMessage(failure.message, MAX_HISTORY_MESSAGE_LENGTH), durationMs: failure.durationMs },
      expiresAt: new Date(now.getTime() + deps.definition.retention.failedHours * HOUR_MS),
      letterPending: true,
    },
  );
  await sendLetter(deps, record, message, { reason: failure.message, category: failure.category, attempts: job.attempts, failedAt: now });
  deps.logger.warn('job dead-lettered', { job_id: message.jobId, attempt: job.attempts, category: failure.category, reason: failure.message });
  await deps.notifier?.jobFinished(failed);
  return { kind: 'delete', outcome: 'failed', durationMs: failure.durationMs };
}

/**
 * A copy of a failed job's message whose letter was never confirmed sent:
 * sends it from the record (its reason, category, attempts and failure time,
 * so it is the same letter), then the message can go.
 */
export async function sendPendingLetter(deps: ConsumerDeps, record: SQSRecord, message: JobMessage, job: JobRecord): Promise<Disposition> {
  const failedAt = job.failedAt === undefined ? deps.clock.now() : new Date(job.failedAt);
  await sendLetter(deps, record, message, {
    reason: job.error?.message ?? 'failed',
    category: job.error?.category ?? 'non_retryable',
    attempts: job.attempts,
    failedAt,
  });
  deps.logger.warn('pending dead letter sent', { job_id: message.jobId, attempt: job.attempts, category: job.error?.category });
  // The consumer that failed the job stopped before its event, if it asked for one: added now, once.
  await deps.notifier?.jobFinished(job);
  return { kind: 'delete', outcome: 'dropped' };
}

/**
 * Dead-letters a job whose message cannot go back to a FIFO queue: one more
 * receive would reach SQS's `maxReceiveCount`, and SQS would move it to the
 * DLQ bare, with its record left unfinished. The record fails first (from
 * whatever unfinished state it is in), then the letter goes. A record that is
 * final, gone or of another run just lets the message go; one held by another
 * consumer is answered `return` (the caller sets the visibility: its holder settles it).
 */
export async function deadLetterAtReceiveLimit(
  deps: ConsumerDeps,
  record: SQSRecord,
  message: JobMessage,
  failure: { readonly category: FailureReport['category']; readonly receiveCount: number; readonly limit: number; readonly returnSeconds: number },
): Promise<Disposition> {
  const now = deps.clock.now();
  const reason =
    `received ${failure.receiveCount} times, and SQS moves it without its record after ${failure.limit}: ` +
    'dead-lettered by the consumer while waiting (rate limit, its group, or errors)';
  let job: JobRecord;
  try {
    job = await deps.store.abandon(message.jobId, message.runId, {
      now,
      error: { category: failure.category, message: reason },
      expiresAt: new Date(now.getTime() + deps.definition.retention.failedHours * HOUR_MS),
    });
  } catch (error) {
    if (!(error instanceof TransitionConflictError || error instanceof JobNotFoundError)) throw error;
    const current = await deps.store.get(message.jobId);
    if (current?.status === JOB_STATUS.active && current.runId === message.runId) {
      deps.logger.error('message at the receive limit, and its job is held by another consumer: returned', { job_id: message.jobId });
      return { kind: 'return', outcome: 'held', visibilitySeconds: failure.returnSeconds };
    }
    deps.logger.info('message at the receive limit dropped: its job is final or gone', { job_id: message.jobId, status: current?.status });
    return { kind: 'delete', outcome: 'dropped' };
  }
  await sendLetter(deps, record, message, { reason, category: failure.category, attempts: job.attempts, failedAt: now });
  deps.logger.error('job dead-lettered at the receive limit', { job_id: message.jobId, receive_count: failure.receiveCount, limit: failure.limit });
  await deps.notifier?.jobFinished(job);
  return { kind: 'delete', outcome: 'failed' };
}
