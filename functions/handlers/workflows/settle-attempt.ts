import type { SQSRecord } from 'aws-lambda';
import { backoffDelayMs, toVisibilitySeconds } from '../../core/backoff';
import { categoryOf, JobFailedError } from '../../core/errors';
import { isRetryableCategory } from '../../core/failure';
import { ATTEMPT_OUTCOME, MAX_HISTORY_MESSAGE_LENGTH, shortMessage, type JobMessage, type JobRecord } from '../../core/job';
import type { ConsumerDeps } from './consumer-deps';

/** What became of a message, for logs and metrics. */
export type Outcome = 'completed' | 'failed' | 'dropped' | 'retrying' | 'deferred' | 'held' | 'error';

/**
 * What happens to a message: `delete` (the event source mapping deletes it) or
 * `return` (it goes back to the queue, visible again after `visibilitySeconds`,
 * or after the queue's own visibility timeout when that is left out).
 */
export interface Disposition {
  readonly kind: 'delete' | 'return';
  readonly outcome: Outcome;
  readonly visibilitySeconds?: number;
  /** How long the processor ran, for an attempt that ran. */
  readonly durationMs?: number;
  /** How long the message had waited since it was sent when its attempt started. */
  readonly queueWaitMs?: number;
}

const HOUR_MS = 3_600_000;

/** Moves a job's message to the dead-letter queue and marks its record failed. */
export async function deadLetter(
  deps: ConsumerDeps,
  record: SQSRecord,
  message: JobMessage,
  job: Pick<JobRecord, 'attempts'>,
  failure: { readonly category: ReturnType<typeof categoryOf>; readonly message: string; readonly durationMs?: number },
): Promise<Disposition> {
  const now = deps.clock.now();
  await deps.queues.moveToDeadLetter(deps.deadLetterUrl, [
    {
      body: record.body,
      jobId: message.jobId,
      groupId: message.groupId,
      // The failure time keeps a redriven FIFO job that fails again within the dedup window from being swallowed.
      deduplicationId: `${message.runId}.${job.attempts}.${now.getTime()}`,
      failure: { reason: failure.message, category: failure.category, attempts: job.attempts, sourceQueue: deps.definition.name, failedAt: now },
    },
  ]);
  await deps.store.fail(
    { jobId: message.jobId, runId: message.runId, attempt: job.attempts },
    {
      now,
      error: { category: failure.category, message: failure.message },
      entry:
        failure.durationMs === undefined
          ? undefined
          : { attempt: job.attempts, at: now.toISOString(), outcome: ATTEMPT_OUTCOME.failed, category: failure.category, message: shortMessage(failure.message, MAX_HISTORY_MESSAGE_LENGTH), durationMs: failure.durationMs },
      expiresAt: new Date(now.getTime() + deps.definition.retention.failedHours * HOUR_MS),
    },
  );
  deps.logger.warn('job dead-lettered', { job_id: message.jobId, attempt: job.attempts, category: failure.category, reason: failure.message });
  return { kind: 'delete', outcome: 'failed', durationMs: failure.durationMs };
}

/**
 * Records the outcome of one attempt and decides the message's fate: completed;
 * a retryable failure with attempts left waits out its backoff (or the target's
 * `Retry-After`) as the message's visibility; anything else goes to the
 * dead-letter queue with its reason, category and attempt count.
 */
export async function settleAttempt(
  deps: ConsumerDeps,
  record: SQSRecord,
  laneUrl: string,
  job: JobRecord,
  message: JobMessage,
  result: { readonly ok: true; readonly value: unknown; readonly durationMs: number } | { readonly ok: false; readonly error: unknown; readonly durationMs: number },
): Promise<Disposition> {
  const now = deps.clock.now();
  const ref = { jobId: job.jobId, runId: job.runId, attempt: job.attempts };
  const fields = { job_id: job.jobId, attempt: job.attempts, max_attempts: job.maxAttempts, duration_ms: result.durationMs };

  if (result.ok) {
    await deps.store.complete(ref, {
      now,
      result: result.value,
      entry: { attempt: job.attempts, at: now.toISOString(), outcome: ATTEMPT_OUTCOME.completed, durationMs: result.durationMs },
      expiresAt: new Date(now.getTime() + deps.definition.retention.completedHours * HOUR_MS),
    });
    deps.logger.info('job completed', fields);
    return { kind: 'delete', outcome: 'completed', durationMs: result.durationMs };
  }

  const category = categoryOf(result.error);
  const reason = shortMessage(result.error instanceof Error ? result.error.message : String(result.error));
  if (!isRetryableCategory(category) || job.attempts >= job.maxAttempts) {
    return deadLetter(deps, record, message, job, { category, message: reason, durationMs: result.durationMs });
  }

  const retryAfterMs = result.error instanceof JobFailedError ? result.error.retryAfterMs : undefined;
  const waitMs = retryAfterMs ?? backoffDelayMs(deps.definition.backoff, job.attempts, deps.random);
  const visibilitySeconds = toVisibilitySeconds(waitMs);
  await deps.store.retry(ref, {
    now,
    error: { category, message: reason },
    entry: { attempt: job.attempts, at: now.toISOString(), outcome: ATTEMPT_OUTCOME.retrying, category, message: shortMessage(reason, MAX_HISTORY_MESSAGE_LENGTH), durationMs: result.durationMs, retryInMs: visibilitySeconds * 1000 },
  });
  await deps.queues.changeVisibility(laneUrl, [{ receiptHandle: record.receiptHandle, seconds: visibilitySeconds }]);
  deps.logger.info('job retrying', { ...fields, category, retry_in_ms: visibilitySeconds * 1000 });
  return { kind: 'return', outcome: 'retrying', visibilitySeconds, durationMs: result.durationMs };
}
