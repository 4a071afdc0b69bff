import { describe, expect, it } from 'vitest';
import {
  ageSeconds,
  HEALTH_SNAPSHOT_KEY,
  isDegraded,
  isFresh,
  planOnLostLease,
  planOnRead,
  refreshableBefore,
  REFRESH_LEASE_MS,
  SNAPSHOT_MAX_AGE_MS,
  type QueueCounts,
  type QueueCountsSnapshot,
} from '../../../functions/core/health-snapshot';
import { ITEM_KEY } from '../../../functions/core/table-schema';
import { FIXED_NOW } from '../../helpers/factories';

const NOW = FIXED_NOW.getTime();
const ZERO: QueueCounts = { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0, dlq: 0, paused: false };
const takenAgo = (ms: number): QueueCountsSnapshot => ({ computedAtMs: NOW - ms, queues: { payments: ZERO } });

describe('the health snapshot freshness rule', () => {
  it('keeps a snapshot fresh for 15 s and no longer', () => {
    // Act / Assess
    expect(SNAPSHOT_MAX_AGE_MS).toBe(15_000);
    expect(isFresh(NOW - 14_999, NOW)).toBe(true);
    expect(isFresh(NOW - 15_000, NOW)).toBe(false);
    expect(isFresh(NOW - 500, NOW, 0)).toBe(false);
  });

  it('lets a refresh lease replace exactly the snapshots that are no longer fresh', () => {
    // Prepare
    const cutoff = refreshableBefore(NOW);

    // Act / Assess: a snapshot is refreshable (computed_at <= cutoff) exactly when it is not fresh
    for (const age of [0, 1, 14_999, 15_000, 15_001, 60_000]) {
      expect(NOW - age <= cutoff, `age ${age}`).toBe(!isFresh(NOW - age, NOW));
    }
  });

  it('serves a fresh snapshot and refreshes a stale or missing one', () => {
    // Act / Assess
    expect(planOnRead(takenAgo(3_000), NOW)).toBe('serve');
    expect(planOnRead(takenAgo(15_000), NOW)).toBe('refresh');
    expect(planOnRead(undefined, NOW)).toBe('refresh');
  });

  it('serves the stale snapshot after losing the lease, and waits only when there is none', () => {
    // Act / Assess
    expect(planOnLostLease(takenAgo(40_000))).toBe('serve');
    expect(planOnLostLease(undefined)).toBe('wait');
  });

  it('reports age in whole seconds, never negative when another container’s clock runs ahead', () => {
    // Act / Assess
    expect(ageSeconds(NOW - 14_999, NOW)).toBe(14);
    expect(ageSeconds(NOW, NOW)).toBe(0);
    expect(ageSeconds(NOW + 800, NOW)).toBe(0);
  });

  it('says degraded exactly when some dead-letter queue holds messages', () => {
    // Act / Assess
    expect(isDegraded({ payments: ZERO, email: { ...ZERO, failed: 3 } })).toBe(false);
    expect(isDegraded({ payments: ZERO, email: { ...ZERO, dlq: 1 } })).toBe(true);
  });

  it('keeps its lease shorter than the health function’s 15 s timeout and its item apart from jobs and counters', () => {
    // Act / Assess
    expect(REFRESH_LEASE_MS).toBeLessThan(15_000);
    expect(HEALTH_SNAPSHOT_KEY.partitionKey.startsWith(ITEM_KEY.healthPrefix)).toBe(true);
    for (const prefix of [ITEM_KEY.jobPrefix, ITEM_KEY.metricsPrefix, ITEM_KEY.limiterPrefix]) {
      expect(HEALTH_SNAPSHOT_KEY.partitionKey.startsWith(prefix)).toBe(false);
    }
  });
});
