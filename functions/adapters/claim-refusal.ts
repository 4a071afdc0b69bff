import { JOB_STATUS, isFinal } from '../core/job';
import { CLAIM_REFUSAL, type ClaimRefusal } from './job-store';
import type { StateItem } from './job-item';

/**
 * Why a claim's condition did not hold, read from the item as it was when the
 * condition failed. The checks run in the order a consumer acts on them: a
 * missing or other-run record means the message is obsolete, a final one that
 * the work is done (or, failed with its letter still pending, that the letter
 * must be sent), a held one that another consumer is on it, a retrying one
 * before its `retry_at` that the copy came early.
 */
export function claimRefusalOf(item: StateItem | undefined, runId: string, nowMs: number): ClaimRefusal {
  if (item === undefined) return CLAIM_REFUSAL.missing;
  if (item.run_id !== runId) return CLAIM_REFUSAL.staleRun;
  if (item.status === JOB_STATUS.failed && item.letter_pending === true) return CLAIM_REFUSAL.letterDue;
  if (isFinal(item.status)) return CLAIM_REFUSAL.final;
  const leaseLapsed = item.lease_until_ms === undefined || item.lease_until_ms < nowMs;
  if (item.status === JOB_STATUS.active && !leaseLapsed) return CLAIM_REFUSAL.held;
  if (item.attempts >= item.max_attempts) return CLAIM_REFUSAL.exhausted;
  if (item.status === JOB_STATUS.retrying && item.retry_at_ms !== undefined && item.retry_at_ms > nowMs) return CLAIM_REFUSAL.notDue;
  // The condition held on every count we can see (a clock skew between the
  // check and this reading): someone else is on it, so return the message.
  return CLAIM_REFUSAL.held;
}

