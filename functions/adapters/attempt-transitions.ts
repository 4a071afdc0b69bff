import { JOB_STATUS, storableResult, type AttemptRecord, type JobError } from '../core/job';
import { SCHEDULE_KEY_ATTRIBUTES } from './job-keys';
import type { FinishSpec } from './finish-attempt';
import { historyItemOf, KEPT_PAYLOAD, type StateItem } from './job-item';
import type { AttemptRef } from './job-store';
import { epochSeconds, KEPT_RESULT_ROOM_BYTES } from './new-job-item';

/** The attempt's progress token: every transition that ends an attempt removes it, so its URL stops working. */
const PROGRESS_TOKEN = 'progress_token';

/** What a completed attempt reports. */
export interface CompletedAttempt {
  readonly now: Date;
  readonly result: unknown;
  readonly entry: AttemptRecord;
  readonly expiresAt: Date;
}

/** What a failed attempt that will be retried reports. */
export interface RetriedAttempt {
  readonly now: Date;
  readonly error: JobError;
  readonly entry: AttemptRecord;
  /**
   * When the next attempt is due (the backoff or the target's `Retry-After`);
   * a claim before it is refused as `not_due`, so an early copy of the message
   * cannot skip the wait.
   * @default - no fence: the next copy may claim at once
   */
  readonly retryAt?: Date;
}

/** What a job's final failure reports (no entry when no attempt of ours ran: an exhausted job). */
export interface FailedAttempt {
  readonly now: Date;
  readonly error: JobError;
  readonly entry?: AttemptRecord;
  readonly expiresAt: Date;
  /**
   * The dead letter is sent after this write: the record says so until the
   * consumer confirms the send (`markLettered`), and a later copy of the
   * message whose record still says so sends it.
   * @default - false
   */
  readonly letterPending?: boolean;
}

/**
 * active → completed: the result (summarized when large) replaces any earlier
 * error; the record now expires and leaves the schedule index, and the
 * attempt's progress token goes. A kept payload stays for the record's life,
 * unless the result is too large to sit beside it in one write unit (see
 * `KEPT_PAYLOAD_ROOM_BYTES`).
 */
export function completeSpec(ref: AttemptRef, outcome: CompletedAttempt): FinishSpec {
  const result = storableResult(outcome.result);
  const resultBytes = result === undefined ? 0 : Buffer.byteLength(JSON.stringify(result), 'utf8');
  return {
    operation: 'complete',
    ref,
    ...holdsAttempt(ref),
    set: ['#status = :completed', 'updated_at = :now', 'expires_at = :expires', ...(result === undefined ? [] : ['#result = :result'])],
    remove: [
      '#error',
      'lease_until_ms',
      PROGRESS_TOKEN,
      ...SCHEDULE_KEY_ATTRIBUTES,
      ...(result === undefined ? ['#result'] : []),
      ...(resultBytes > KEPT_RESULT_ROOM_BYTES ? [KEPT_PAYLOAD] : []),
    ],
    names: { '#status': 'status', '#error': 'error', '#result': 'result' },
    values: {
      ...holdsAttemptValues(ref),
      ':completed': JOB_STATUS.completed,
      ':now': outcome.now.toISOString(),
      ':expires': epochSeconds(outcome.expiresAt),
      ...(result === undefined ? {} : { ':result': result }),
    },
    entry: historyItemOf(outcome.entry),
  };
}

/**
 * active → retrying: the lease and the attempt's progress token end and the
 * error is kept; the queue brings the message back after its backoff. The
 * schedule entry stays as it is: the reconciler re-sends only waiting jobs,
 * and the job is not finished. A kept payload goes: the error and history a
 * retry adds would need its room.
 */
export function retrySpec(ref: AttemptRef, outcome: RetriedAttempt): FinishSpec {
  return {
    operation: 'retry',
    ref,
    ...holdsAttempt(ref),
    set: ['#status = :retrying', 'updated_at = :now', '#error = :error', ...(outcome.retryAt === undefined ? [] : ['retry_at_ms = :retryAt'])],
    remove: ['lease_until_ms', PROGRESS_TOKEN, KEPT_PAYLOAD],
    names: { '#status': 'status', '#error': 'error' },
    values: {
      ...holdsAttemptValues(ref),
      ':retrying': JOB_STATUS.retrying,
      ':now': outcome.now.toISOString(),
      ':error': { category: outcome.error.category, message: outcome.error.message },
      ...(outcome.retryAt === undefined ? {} : { ':retryAt': outcome.retryAt.getTime() }),
    },
    entry: historyItemOf(outcome.entry),
  };
}

/**
 * → failed, from the attempt while active, or from a job left exhausted
 * (retrying with no attempts left; an active job whose holder crashed is
 * active still, so the first case covers it). The record now expires and
 * leaves the schedule index; the progress token and any inline payload go.
 */
export function failSpec(ref: AttemptRef, outcome: FailedAttempt): FinishSpec {
  return {
    operation: 'fail',
    ref,
    condition: 'run_id = :run AND attempts = :attempt AND (#status = :active OR (#status = :retrying AND attempts >= max_attempts))',
    allows: (item) =>
      item.run_id === ref.runId &&
      item.attempts === ref.attempt &&
      (item.status === JOB_STATUS.active || (item.status === JOB_STATUS.retrying && item.attempts >= item.max_attempts)),
    set: [
      '#status = :failed',
      'updated_at = :now',
      '#error = :error',
      'expires_at = :expires',
      ...(outcome.letterPending === true ? ['letter_pending = :letterPending'] : []),
    ],
    remove: ['lease_until_ms', 'retry_at_ms', PROGRESS_TOKEN, ...SCHEDULE_KEY_ATTRIBUTES, 'payload', KEPT_PAYLOAD],
    names: { '#status': 'status', '#error': 'error' },
    values: {
      ...holdsAttemptValues(ref),
      ':retrying': JOB_STATUS.retrying,
      ':failed': JOB_STATUS.failed,
      ':now': outcome.now.toISOString(),
      ':error': { category: outcome.error.category, message: outcome.error.message },
      ':expires': epochSeconds(outcome.expiresAt),
      ...(outcome.letterPending === true ? { ':letterPending': true } : {}),
    },
    ...(outcome.entry === undefined ? {} : { entry: historyItemOf(outcome.entry) }),
  };
}

function holdsAttempt(ref: AttemptRef): Pick<FinishSpec, 'condition' | 'allows'> {
  return {
    condition: 'run_id = :run AND attempts = :attempt AND #status = :active',
    allows: (item: StateItem) => item.run_id === ref.runId && item.attempts === ref.attempt && item.status === JOB_STATUS.active,
  };
}

function holdsAttemptValues(ref: AttemptRef): Record<string, unknown> {
  return { ':run': ref.runId, ':attempt': ref.attempt, ':active': JOB_STATUS.active };
}
