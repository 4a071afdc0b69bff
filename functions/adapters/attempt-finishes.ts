import type { JobRecord } from '../core/job';
import { completeSpec, failSpec, retrySpec, type CompletedAttempt, type FailedAttempt, type RetriedAttempt } from './attempt-transitions';
import type { StoreContext } from './conditional-update';
import { withFailedIndex } from './failed-index';
import { finishAttempt } from './finish-attempt';
import { jobRecordFromItem } from './job-item';
import type { AttemptRef } from './job-store';

/**
 * active → completed for this attempt (`JobStore.complete`), with its
 * (possibly summarized) result.
 *
 * @example
 * const job = await completeAttempt(context, ref, { now, result, entry, expiresAt });
 */
export async function completeAttempt(context: StoreContext, ref: AttemptRef, outcome: CompletedAttempt): Promise<JobRecord> {
  return jobRecordFromItem(await finishAttempt(context, completeSpec(ref, outcome)));
}

/**
 * active → retrying for this attempt (`JobStore.retry`); the message comes
 * back after its backoff.
 *
 * @example
 * await retryAttempt(context, ref, { now, error, entry, retryAt });
 */
export async function retryAttempt(context: StoreContext, ref: AttemptRef, outcome: RetriedAttempt): Promise<void> {
  await finishAttempt(context, retrySpec(ref, outcome));
}

/**
 * → failed (`JobStore.fail`), from this attempt while active, or from a job
 * left exhausted (retrying, or active with a lapsed lease, with no attempts
 * left). The job enters the failed index, where the operations routes find it.
 *
 * @example
 * const job = await failAttempt(context, ref, { now, error, entry, expiresAt, letterPending: true });
 */
export async function failAttempt(context: StoreContext, ref: AttemptRef, outcome: FailedAttempt): Promise<JobRecord> {
  return jobRecordFromItem(await finishAttempt(context, withFailedIndex(failSpec(ref, outcome), outcome.now)));
}
