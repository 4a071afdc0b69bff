import { randomUUID } from 'node:crypto';
import type { Clock } from '../../adapters/clock';
import type { HealthSnapshotStore } from '../../adapters/health-snapshot-store';
import {
  planOnLostLease,
  planOnRead,
  refreshableBefore,
  REFRESH_LEASE_MS,
  SNAPSHOT_MAX_AGE_MS,
  SNAPSHOT_PLAN,
  type QueueCounts,
  type QueueCountsSnapshot,
} from '../../core/health-snapshot';
import { HttpError } from '../http/http-error';

/** What reading the shared snapshot needs. */
export interface QueueSnapshotDeps {
  readonly snapshots: HealthSnapshotStore;
  readonly clock: Clock;
  /** Reads every queue's counts: the expensive part, run by the lease holder only. */
  readonly computeCounts: () => Promise<Record<string, QueueCounts>>;
  /** @default SNAPSHOT_MAX_AGE_MS (15 s) */
  readonly maxAgeMs?: number;
  /** @default REFRESH_LEASE_MS (10 s) */
  readonly leaseMs?: number;
  /** How long a caller with nothing to serve waits between reads of the holder's first snapshot. @default 250 */
  readonly waitMs?: number;
  /** How many times it reads again before giving up with `503`. @default 8 (2 s in all, then 503) */
  readonly waitReads?: number;
  /** A fresh lease owner id. @default randomUUID */
  readonly newOwner?: () => string;
}

/**
 * The queue-counts snapshot every health answer comes from, computed at most
 * once per `maxAgeMs` per stage whoever asks: one GetItem when it is fresh;
 * when stale, a conditional write takes a short refresh lease so only one
 * caller computes, and everyone else answers from the stale snapshot (its age
 * says how stale) or, before the very first one exists, reads again briefly.
 * A refresh that fails leaves the lease to expire, which spaces out retries.
 *
 * @throws HttpError `503 queue_counts_unavailable` when no snapshot exists yet and the holder's does not arrive in time
 */
export async function currentQueueSnapshot(deps: QueueSnapshotDeps): Promise<QueueCountsSnapshot> {
  const maxAgeMs = deps.maxAgeMs ?? SNAPSHOT_MAX_AGE_MS;
  const nowMs = deps.clock.now().getTime();
  const found = await deps.snapshots.read();
  if (found !== undefined && planOnRead(found, nowMs, maxAgeMs) === SNAPSHOT_PLAN.serve) return found;

  const owner = (deps.newOwner ?? randomUUID)();
  const lease = await deps.snapshots.takeLease({
    owner,
    nowMs,
    leaseMs: deps.leaseMs ?? REFRESH_LEASE_MS,
    refreshableBeforeMs: refreshableBefore(nowMs, maxAgeMs),
  });
  if (lease.taken) {
    const computedAtMs = deps.clock.now().getTime();
    const snapshot: QueueCountsSnapshot = { computedAtMs, queues: await deps.computeCounts() };
    await deps.snapshots.write(owner, snapshot);
    return snapshot;
  }

  // The refusal carries the item as it is now: fresher than `found` when another caller just wrote.
  const current = lease.current ?? found;
  if (current !== undefined && planOnLostLease(current) === SNAPSHOT_PLAN.serve) return current;
  return waitForFirstSnapshot(deps);
}

async function waitForFirstSnapshot(deps: QueueSnapshotDeps): Promise<QueueCountsSnapshot> {
  for (let read = 0; read < (deps.waitReads ?? 8); read += 1) {
    await deps.clock.sleep(deps.waitMs ?? 250);
    const snapshot = await deps.snapshots.read();
    if (snapshot !== undefined) return snapshot;
  }
  throw new HttpError(503, 'queue_counts_unavailable', 'queue counts are being computed for the first time; try again in a few seconds');
}
