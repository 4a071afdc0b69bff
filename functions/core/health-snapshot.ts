import { ITEM_KEY } from './table-schema';

/**
 * One queue's counts of jobs as they are now, as BullMQ's `getJobCounts`
 * gives them (plus the DLQ), except `completed`, which counts the last 24 h.
 * A job is in one of them at a time, so a job that failed and was redriven to
 * completion counts once, in `completed`.
 */
export interface QueueCounts {
  /** Messages waiting to be received, all lanes (while the queue is paused too: see `paused`). */
  readonly waiting: number;
  /** Messages received and not yet deleted: running, or waiting out a backoff. */
  readonly active: number;
  /** Jobs not due yet: messages sent with a delay (15 min or less) and jobs the sweeper sends when due. */
  readonly delayed: number;
  /** Jobs completed in the last 24 h. */
  readonly completed: number;
  /** Jobs failed for good now: their letters wait in the DLQ (a redrive or a purge takes them out). */
  readonly failed: number;
  /** Messages in the dead-letter queue now. */
  readonly dlq: number;
  /** Whether the queue is paused: its waiting jobs are not being received. */
  readonly paused: boolean;
}

/** Every queue's counts at one moment, shared by every caller of the stage. */
export interface QueueCountsSnapshot {
  /** When the counts were read (the start of the refresh), epoch ms. */
  readonly computedAtMs: number;
  /** Counts by queue name. */
  readonly queues: Readonly<Record<string, QueueCounts>>;
}

/**
 * The snapshot's item in the jobs table. One item per table, and the stack
 * makes one table per stage, so "per stage" needs no stage in the key. The
 * health function's IAM grant is limited to this partition key value.
 */
export const HEALTH_SNAPSHOT_KEY = {
  partitionKey: `${ITEM_KEY.healthPrefix}queue-counts`,
  sortKey: ITEM_KEY.snapshotSortKey,
} as const;

/**
 * How old a snapshot may be and still be served: counts are computed at most
 * once per this period per stage, whoever asks (one refresh costs about one
 * SQS call per lane and DLQ and one DynamoDB query per queue).
 */
export const SNAPSHOT_MAX_AGE_MS = 15_000;

/**
 * How long a refresh lease keeps other callers from computing. Longer than a
 * refresh takes (a second or two), shorter than the function's timeout, so a
 * holder that dies mid-refresh blocks refreshes for no more than this.
 */
export const REFRESH_LEASE_MS = 10_000;

/** What a caller does with the snapshot it read. */
export const SNAPSHOT_PLAN = {
  /** Answer from it. */
  serve: 'serve',
  /** Try to take the refresh lease and compute. */
  refresh: 'refresh',
  /** Another caller holds the lease and there is nothing to serve yet: read again shortly. */
  wait: 'wait',
} as const;

/** One of {@link SNAPSHOT_PLAN}. */
export type SnapshotPlan = (typeof SNAPSHOT_PLAN)[keyof typeof SNAPSHOT_PLAN];

/** Whether a snapshot computed at `computedAtMs` may still be served at `nowMs`. */
export function isFresh(computedAtMs: number, nowMs: number, maxAgeMs: number = SNAPSHOT_MAX_AGE_MS): boolean {
  return nowMs - computedAtMs < maxAgeMs;
}

/**
 * The newest `computed_at` a snapshot may have and still be refreshed at
 * `nowMs`: the lease's condition, so a caller that read a stale snapshot just
 * before another caller replaced it cannot compute again.
 */
export function refreshableBefore(nowMs: number, maxAgeMs: number = SNAPSHOT_MAX_AGE_MS): number {
  return nowMs - maxAgeMs;
}

/** Whole seconds since the snapshot was computed, never negative (clocks of two containers may differ a little). */
export function ageSeconds(computedAtMs: number, nowMs: number): number {
  return Math.max(0, Math.floor((nowMs - computedAtMs) / 1000));
}

/** On reading the snapshot: serve it while fresh, otherwise try to refresh it. */
export function planOnRead(snapshot: QueueCountsSnapshot | undefined, nowMs: number, maxAgeMs: number = SNAPSHOT_MAX_AGE_MS): SnapshotPlan {
  return snapshot !== undefined && isFresh(snapshot.computedAtMs, nowMs, maxAgeMs) ? SNAPSHOT_PLAN.serve : SNAPSHOT_PLAN.refresh;
}

/**
 * After losing the lease to another caller: serve the snapshot there is, even
 * stale (its age says so, and the holder is replacing it), or wait for the
 * holder's first one when there is none.
 */
export function planOnLostLease(snapshot: QueueCountsSnapshot | undefined): SnapshotPlan {
  return snapshot === undefined ? SNAPSHOT_PLAN.wait : SNAPSHOT_PLAN.serve;
}

/** Whether any queue is degraded: a dead-letter queue holds messages. */
export function isDegraded(queues: Readonly<Record<string, QueueCounts>>): boolean {
  return Object.values(queues).some((counts) => counts.dlq > 0);
}
