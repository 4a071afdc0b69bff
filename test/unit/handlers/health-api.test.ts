import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../functions/adapters/clock';
import type { HealthSnapshotStore, LeaseOutcome, LeaseRequest } from '../../../functions/adapters/health-snapshot-store';
import type { QueueDepth } from '../../../functions/adapters/queue-client';
import type { QueueCounts, QueueCountsSnapshot } from '../../../functions/core/health-snapshot';
import { queueSettingsOf } from '../../../functions/core/runtime-config';
import { createHealthHandler, type HealthDeps } from '../../../functions/handlers/factories/health-api';
import { queueDirectory } from '../../../functions/handlers/workflows/queue-directory';
import { aQueueDefinition, anApiGatewayEvent, FIXED_NOW } from '../../helpers/factories';

const NOW = FIXED_NOW.getTime();
const ZERO: QueueCounts = { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0, dlq: 0, paused: false };

/** A clock that stands still until a test moves it; sleeps are recorded and return after one turn of the event loop. */
function aFakeClock(): Clock & { advance(ms: number): void; slept: number[] } {
  let now = NOW;
  const slept: number[] = [];
  return {
    now: () => new Date(now),
    sleep: async (ms) => {
      slept.push(ms);
      // A turn of the event loop, not the time: every pending read and write (all in memory) lands meanwhile.
      await new Promise((resolve) => setImmediate(resolve));
    },
    advance: (ms) => {
      now += ms;
    },
    slept,
  };
}

/** The snapshot item in memory, with the DynamoDB store's conditions: lease free and snapshot stale, or refused with the item as it is. */
class MemorySnapshotStore implements HealthSnapshotStore {
  public snapshot?: QueueCountsSnapshot;
  public lease?: { owner: string; untilMs: number };
  public writes = 0;
  public reads = 0;
  /** Called before each read answers, e.g. to land another caller's write. */
  public onRead?: (reads: number) => void;

  public async read(): Promise<QueueCountsSnapshot | undefined> {
    this.reads += 1;
    this.onRead?.(this.reads);
    return this.snapshot;
  }

  public async takeLease(request: LeaseRequest): Promise<LeaseOutcome> {
    const leaseFree = this.lease === undefined || this.lease.untilMs <= request.nowMs;
    const stale = this.snapshot === undefined || this.snapshot.computedAtMs <= request.refreshableBeforeMs;
    if (!leaseFree || !stale) return { taken: false, current: this.snapshot };
    this.lease = { owner: request.owner, untilMs: request.nowMs + request.leaseMs };
    return { taken: true };
  }

  public async write(owner: string, snapshot: QueueCountsSnapshot): Promise<boolean> {
    if (this.lease?.owner !== owner) return false;
    this.snapshot = snapshot;
    this.lease = undefined;
    this.writes += 1;
    return true;
  }
}

/** The health handler over one queue, `payments`, whose SQS depth reads are counted (one refresh = its lanes + its DLQ). */
function aHealthApi(options: { snapshots?: MemorySnapshotStore; depth?: Partial<QueueDepth>; paused?: string[] } = {}) {
  const clock = aFakeClock();
  const snapshots = options.snapshots ?? new MemorySnapshotStore();
  const settings = [queueSettingsOf(aQueueDefinition({ name: 'payments' }))];
  let depthReads = 0;
  const deps: HealthDeps = {
    settings,
    logger: new Logger({ serviceName: 'health', logLevel: 'SILENT' }),
    snapshots,
    queues: {
      depth: async () => {
        depthReads += 1;
        return { visible: 2, inFlight: 1, delayed: 0, ...options.depth };
      },
    },
    metrics: { totalsSince: async () => ({ completed: 7, failed: 1, retried: 0, dead_lettered: 1, processing_ms: 0, timed_attempts: 8 }) },
    // Failed now (2) differs from failed in the last 24 h (1): one was redriven and one failed earlier.
    census: { failedNow: async () => 2, delayedInStore: async () => new Map([['payments', 4], ['other', 9]]) },
    pauses: { pausedQueues: async () => new Set(options.paused ?? []) },
    directory: queueDirectory(settings, 'https://sqs.local/000000000000', 'test'),
    clock,
    queueUrlBase: 'https://sqs.local/000000000000',
    prefix: 'test',
    snapshotWait: { waitMs: 250, waitReads: 4 },
    openApiDocument: () => '{}',
  };
  const handler = createHealthHandler(deps);
  const call = async (resource: string) => {
    const response = (await handler(anApiGatewayEvent({ httpMethod: 'GET', resource, path: resource }), {} as Context)) as APIGatewayProxyResult;
    return { status: response.statusCode, json: JSON.parse(response.body) as Record<string, unknown> };
  };
  return { call, clock, snapshots, depthReads: () => depthReads };
}

describe('GET /health', () => {
  it('says only that the service is up, and reads nothing', async () => {
    // Prepare
    const api = aHealthApi();

    // Act
    const answer = await api.call('/health');

    // Assess
    expect(answer).toEqual({ status: 200, json: { ok: true, status: 'ok' } });
    expect(api.snapshots.reads).toBe(0);
    expect(api.depthReads()).toBe(0);
  });
});

describe('GET /health/queue', () => {
  it('answers a fresh snapshot from one read, with its age, computing nothing', async () => {
    // Prepare: computed 4.5 s ago
    const snapshots = new MemorySnapshotStore();
    snapshots.snapshot = { computedAtMs: NOW - 4_500, queues: { payments: { ...ZERO, completed: 3 } } };
    const api = aHealthApi({ snapshots });

    // Act
    const answer = await api.call('/health/queue');

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      ok: true,
      status: 'healthy',
      computed_at: new Date(NOW - 4_500).toISOString(),
      age_seconds: 4,
      queues: { payments: { ...ZERO, completed: 3 } },
    });
    expect(api.depthReads()).toBe(0);
    expect(snapshots.reads).toBe(1);
  });

  it('refreshes a snapshot older than 15 s: computes once, stores it and answers it with age 0', async () => {
    // Prepare
    const snapshots = new MemorySnapshotStore();
    snapshots.snapshot = { computedAtMs: NOW - 15_000, queues: { payments: ZERO } };
    const api = aHealthApi({ snapshots });

    // Act
    const answer = await api.call('/health/queue');

    // Assess
    expect(answer.json).toMatchObject({
      status: 'degraded',
      age_seconds: 0,
      computed_at: FIXED_NOW.toISOString(),
      queues: { payments: { waiting: 2, active: 1, delayed: 4, completed: 7, failed: 2, dlq: 3, paused: false } },
    });
    expect(snapshots.writes).toBe(1);
    expect(snapshots.snapshot?.computedAtMs).toBe(NOW);
    expect(snapshots.lease).toBeUndefined();
  });

  it('counts a paused queue as paused, its waiting jobs still waiting', async () => {
    // Prepare
    const api = aHealthApi({ paused: ['payments'] });

    // Act
    const answer = await api.call('/health/queue');

    // Assess
    expect(answer.json).toMatchObject({ queues: { payments: { waiting: 2, paused: true } } });
  });

  it('answers the stale snapshot, saying how old it is, while another caller holds the refresh lease', async () => {
    // Prepare: 40 s old, and someone is refreshing it
    const snapshots = new MemorySnapshotStore();
    snapshots.snapshot = { computedAtMs: NOW - 40_000, queues: { payments: ZERO } };
    snapshots.lease = { owner: 'someone-else', untilMs: NOW + 5_000 };
    const api = aHealthApi({ snapshots });

    // Act
    const answer = await api.call('/health/queue');

    // Assess
    expect(answer.json).toMatchObject({ ok: true, age_seconds: 40, queues: { payments: ZERO } });
    expect(api.depthReads()).toBe(0);
    expect(snapshots.writes).toBe(0);
  });

  it('computes once for a burst of callers, whoever comes first', async () => {
    // Prepare
    const api = aHealthApi();

    // Act: five callers at once, then five more 14 s later
    const first = await Promise.all(Array.from({ length: 5 }, () => api.call('/health/queue')));
    api.clock.advance(14_000);
    const later = await Promise.all(Array.from({ length: 5 }, () => api.call('/health/queue')));

    // Assess: one refresh (its one lane and its DLQ: two depth reads), and every answer from it
    expect(api.snapshots.writes).toBe(1);
    expect(api.depthReads()).toBe(2);
    expect(new Set([...first, ...later].map((answer) => answer.json.computed_at))).toEqual(new Set([FIXED_NOW.toISOString()]));
    expect(later.map((answer) => answer.json.age_seconds)).toEqual([14, 14, 14, 14, 14]);
  });

  it('takes over a lease whose holder died, once the lease has expired', async () => {
    // Prepare: a stale snapshot and an expired lease
    const snapshots = new MemorySnapshotStore();
    snapshots.snapshot = { computedAtMs: NOW - 60_000, queues: { payments: ZERO } };
    snapshots.lease = { owner: 'died', untilMs: NOW - 1 };
    const api = aHealthApi({ snapshots });

    // Act
    const answer = await api.call('/health/queue');

    // Assess
    expect(answer.json).toMatchObject({ age_seconds: 0 });
    expect(snapshots.writes).toBe(1);
  });

  it('waits for the first snapshot while another caller computes it', async () => {
    // Prepare: no snapshot yet; the holder's write lands before the third read
    const snapshots = new MemorySnapshotStore();
    snapshots.lease = { owner: 'first-caller', untilMs: NOW + 10_000 };
    snapshots.onRead = (reads) => {
      if (reads === 3) snapshots.snapshot = { computedAtMs: NOW, queues: { payments: ZERO } };
    };
    const api = aHealthApi({ snapshots });

    // Act
    const answer = await api.call('/health/queue');

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ computed_at: FIXED_NOW.toISOString(), age_seconds: 0 });
    expect(api.clock.slept).toEqual([250, 250]);
    expect(api.depthReads()).toBe(0);
  });

  it('answers 503 queue_counts_unavailable when the first snapshot does not arrive in time', async () => {
    // Prepare
    const snapshots = new MemorySnapshotStore();
    snapshots.lease = { owner: 'slow-caller', untilMs: NOW + 10_000 };
    const api = aHealthApi({ snapshots });

    // Act
    const answer = await api.call('/health/queue');

    // Assess
    expect(answer.status).toBe(503);
    expect(answer.json).toMatchObject({ ok: false, error: { code: 'queue_counts_unavailable', message: expect.any(String) } });
    expect(api.clock.slept).toEqual([250, 250, 250, 250]);
  });
});

describe('GET /queue/status', () => {
  it('answers the same snapshot as /health/queue, with totals and its age', async () => {
    // Prepare
    const snapshots = new MemorySnapshotStore();
    snapshots.snapshot = { computedAtMs: NOW - 2_000, queues: { payments: { waiting: 1, active: 2, delayed: 3, completed: 4, failed: 5, dlq: 5, paused: false } } };
    const api = aHealthApi({ snapshots });

    // Act
    const answer = await api.call('/queue/status');

    // Assess
    expect(answer.json).toEqual({
      ok: true,
      computed_at: new Date(NOW - 2_000).toISOString(),
      age_seconds: 2,
      queues: { payments: { waiting: 1, active: 2, delayed: 3, completed: 4, failed: 5, dlq: 5, paused: false, total: 15 } },
    });
    expect(api.depthReads()).toBe(0);
  });
});

describe('GET /api/queue/status', () => {
  it("answers seed 000's shape from the same snapshot: the five counts and their total per queue, and a timestamp", async () => {
    // Prepare
    const snapshots = new MemorySnapshotStore();
    snapshots.snapshot = { computedAtMs: NOW - 3_000, queues: { payments: { waiting: 5, active: 2, delayed: 1, completed: 100, failed: 3, dlq: 3, paused: false } } };
    const api = aHealthApi({ snapshots });

    // Act
    const answer = await api.call('/api/queue/status');

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      ok: true,
      queues: { payments: { waiting: 5, active: 2, completed: 100, failed: 3, delayed: 1, total: 111 } },
      timestamp: new Date(NOW - 3_000).toISOString(),
      computed_at: new Date(NOW - 3_000).toISOString(),
      age_seconds: 3,
    });
    expect(api.depthReads()).toBe(0);
  });
});
