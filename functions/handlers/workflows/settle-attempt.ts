import { backoffDelayMs, toVisibilitySeconds } from '../../core/backoff';
import { categoryOf, JobFailedError } from '../../core/errors';
import { isRetryableCategory } from '../../core/failure';
import { ATTEMPT_OUTCOME, MAX_HISTORY_MESSAGE_LENGTH, shortMessage, type JobRecord } from '../../core/job';
import type { ConsumerDeps, LaneEndpoint } from './consumer-deps';
import { deadLetter } from './dead-lettering';
import { HOUR_MS, type Disposition } from './disposition';
import { putBack, type ReceivedJob } from './put-back';

export type { Disposition, Outcome } from './disposition';

/**
 * The `retry_at` fence sits this much before the message's own return, so a
 * small clock difference between consumers (Lambda's clocks are kept within
 * milliseconds) does not refuse the real return as early. It is small next to
 * the shortest wait (1 s), so that wait keeps nine tenths of its fence.
 */
const RETRY_FENCE_SLACK_MS = 100;
export { deadLetter } from './dead-lettering';

/** What one attempt came to: a value, or the error it threw, and how long it ran. */
export type AttemptResult =
  | { readonly ok: true; readonly value: unknown; readonly durationMs: number }
  | { readonly ok: false; readonly error: unknown; readonly durationMs: number };

/**
 * Records the outcome of one attempt and decides the message's fate: completed;
 * a retryable failure with attempts left waits out its backoff (the job's own
 * when its request set one, else its queue's; or the target's
 * `Retry-After`) as the message's visibility, and the record is fenced until
 * then (`retry_at`), so an early copy of the message cannot start it sooner;
 * anything else goes to the dead-letter queue with its reason, category and
 * attempt count, record first. A job that asked for `notify` gets its
 * `job.completed` / `job.failed` event added once it is final.
 */
export async function settleAttempt(
  deps: ConsumerDeps,
  lane: LaneEndpoint,
  received: ReceivedJob,
  job: JobRecord,
  result: AttemptResult,
): Promise<Disposition> {
  const now = deps.clock.now();
  const ref = { jobId: job.jobId, runId: job.runId, attempt: job.attempts };
  const fields = { job_id: job.jobId, queue: job.queue, attempt: job.attempts, duration_ms: result.durationMs, correlation_id: received.message.correlationId };

  if (result.ok) {
    const completed = await deps.store.complete(ref, {
      now,
      result: result.value,
      entry: { attempt: job.attempts, at: now.toISOString(), outcome: ATTEMPT_OUTCOME.completed, durationMs: result.durationMs },
      expiresAt: new Date(now.getTime() + deps.definition.retention.completedHours * HOUR_MS),
    });
    // After the record, never instead of it: a failure to add the event is the notifier's to log.
    await deps.notifier?.jobFinished(completed);
    // No line of its own: the batch names its completed jobs in one INFO line (every logged byte is paid for per job).
    return { kind: 'delete', outcome: 'completed', durationMs: result.durationMs, finished: { jobId: job.jobId, attempt: job.attempts, correlationId: received.message.correlationId } };
  }

  const category = categoryOf(result.error);
  const reason = shortMessage(result.error instanceof Error ? result.error.message : String(result.error));
  if (!isRetryableCategory(category) || job.attempts >= job.maxAttempts) {
    return deadLetter(deps, received.record, received.message, job, { category, message: reason, durationMs: result.durationMs });
  }

  const retryAfterMs = result.error instanceof JobFailedError ? result.error.retryAfterMs : undefined;
  // A job's own backoff (type and first wait) replaces its queue's; the queue's jitter still applies.
  const backoff = job.backoff === undefined ? deps.definition.backoff : { ...deps.definition.backoff, ...job.backoff };
  const waitMs = retryAfterMs ?? backoffDelayMs(backoff, job.attempts, deps.random);
  const visibilitySeconds = toVisibilitySeconds(waitMs);
  await deps.store.retry(ref, {
    now,
    error: { category, message: reason },
    entry: { attempt: job.attempts, at: now.toISOString(), outcome: ATTEMPT_OUTCOME.retrying, category, message: shortMessage(reason, MAX_HISTORY_MESSAGE_LENGTH), durationMs: result.durationMs, retryInMs: visibilitySeconds * 1000 },
    retryAt: new Date(now.getTime() + Math.max(visibilitySeconds * 1000 - RETRY_FENCE_SLACK_MS, 0)),
  });
  const returned = await putBack(deps, lane, received, visibilitySeconds, 'retrying', category);
  deps.logger.info('job retrying', { ...fields, max_attempts: job.maxAttempts, category, reason, retry_in_ms: visibilitySeconds * 1000 });
  return { ...returned, durationMs: result.durationMs };
}
