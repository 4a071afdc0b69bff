import type { ScheduleScanner } from '../../adapters/schedule-scan';
import type { EnqueueDeps, EnqueueReport } from './enqueue-pending';

/** Entries read per shard per round: 32 shards × 32 ≈ 1,000 jobs a round. */
export const ROUND_PAGE_SIZE = 32;

/**
 * Time a run keeps for its last round when it decides whether to start
 * another: a round's reads, up to a thousand sends in batches of ten and their
 * marks fit in it with room to spare.
 */
export const ROUND_RESERVE_MS = 10_000;

/** What the sweeper, the reconciler and the stuck detector share. */
export interface ScheduledRunDeps extends EnqueueDeps {
  readonly schedule: ScheduleScanner;
  /** The run's remaining time (Lambda's `context.getRemainingTimeInMillis`). */
  readonly remainingMs: () => number;
}

/** Adds one round's report to a run's. */
export function addReports(total: EnqueueReport, round: EnqueueReport): EnqueueReport {
  return { found: total.found + round.found, sent: total.sent + round.sent, failed: total.failed + round.failed };
}

/** A report of nothing done. */
export const NO_REPORT: EnqueueReport = { found: 0, sent: 0, failed: 0 };

/** Whether a run may start another round. */
export function timeForAnotherRound(deps: Pick<ScheduledRunDeps, 'remainingMs'>): boolean {
  return deps.remainingMs() > ROUND_RESERVE_MS;
}
