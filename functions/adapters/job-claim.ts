import { randomBytes } from 'node:crypto';
import { JOB_STATUS } from '../core/job';
import { claimRefusalOf } from './claim-refusal';
import { conditionalUpdate, type StoreContext } from './conditional-update';
import { jobRecordFromItem, jobRecordOf } from './job-item';
import { pendingPartition, SCHEDULE_KEY_NAMES, scheduleShard } from './job-keys';
import type { ClaimOptions, ClaimOutcome } from './job-store';
import { claimLetter } from './letter-transitions';

/** A claim's progress token: 128 random bits, URL-safe (22 characters). */
export function randomProgressToken(): string {
  return randomBytes(16).toString('base64url');
}

/** One claim of an attempt: the job's run, when, for how long, and the attempt's progress token. */
export interface ClaimRequest {
  readonly jobId: string;
  readonly runId: string;
  readonly now: Date;
  readonly leaseMs: number;
  /** The credential of the attempt's `webhook-progress-url`. */
  readonly progressToken: string;
  readonly options?: ClaimOptions;
}

/**
 * The claim's hold on the job's schedule entry (the stuck detector finds an
 * active job there). The entry written at create is usually in its pending
 * partition already: these values are then the ones it has, and DynamoDB
 * writes no index entry for an unchanged key, so the claim costs the state
 * item's write alone. A job the sweeper sent but could not mark moves from
 * its delayed partition, and a job with no entry (put back by a redrive) gets
 * one, stamped with the claim's time.
 */
const KEEP_PENDING_ENTRY = '#schedPk = :pending, #schedAt = if_not_exists(#schedAt, :nowMs)';

/**
 * Claims one attempt (`JobStore.claim`); a refusal says why, with the record
 * as it was. A retrying job is claimed only once its `retry_at` has passed.
 * The job keeps its schedule entry (written at create, removed when it
 * finishes), so the claim writes no index; a job without one gets one,
 * except on the first receive of an unindexed job's message (SQS holds that
 * message until a claim settles it). The attempt gets its progress token in
 * the same write (the previous attempt's, if any, stops working). A redriven
 * letter whose claim is refused gets a second chance (see
 * `letter-transitions.ts`).
 *
 * @example
 * const outcome = await claimJob(context, { jobId, runId, now: new Date(), leaseMs: 60_000, progressToken: randomProgressToken() });
 */
export async function claimJob(context: StoreContext, request: ClaimRequest): Promise<ClaimOutcome> {
  const { jobId, runId, now, leaseMs } = request;
  const nowMs = now.getTime();
  const keepEntry = request.options?.firstReceiveUnindexed !== true;
  const outcome = await conditionalUpdate(context, jobId, 'claim', {
    UpdateExpression: `SET #status = :active, attempts = attempts + :one, lease_until_ms = :lease, progress_token = :token, updated_at = :now${keepEntry ? `, ${KEEP_PENDING_ENTRY}` : ''} REMOVE payload, retry_at_ms`,
    ConditionExpression:
      'run_id = :run AND attempts < max_attempts AND (#status IN (:waiting, :delayed) OR (#status = :retrying AND (attribute_not_exists(retry_at_ms) OR retry_at_ms <= :nowMs)) OR (#status = :active AND lease_until_ms < :nowMs))',
    // DynamoDB refuses names and values an expression does not use.
    ExpressionAttributeNames: { '#status': 'status', ...(keepEntry ? SCHEDULE_KEY_NAMES : {}) },
    ExpressionAttributeValues: {
      ...(keepEntry ? { ':pending': pendingPartition(scheduleShard(jobId)) } : {}),
      ':run': runId,
      ':active': JOB_STATUS.active,
      ':waiting': JOB_STATUS.waiting,
      ':delayed': JOB_STATUS.delayed,
      ':retrying': JOB_STATUS.retrying,
      ':one': 1,
      ':lease': nowMs + leaseMs,
      ':token': request.progressToken,
      ':now': now.toISOString(),
      ':nowMs': nowMs,
    },
  });
  if (outcome.applied) return { claimed: true, job: jobRecordFromItem(outcome.item) };
  const letter = request.options?.letter;
  if (letter !== undefined) return claimLetter(context, letter, outcome.current, { now, leaseMs, progressToken: request.progressToken });
  const reason = claimRefusalOf(outcome.current, runId, nowMs);
  return outcome.current === undefined ? { claimed: false, reason } : { claimed: false, reason, job: jobRecordOf(outcome.current) };
}
