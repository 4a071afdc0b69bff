import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { JobStore } from '../../../functions/adapters/job-store';
import { BACKLOG_PATIENCE } from '../../../functions/core/queue-timings';
import { createReconcilerHandler } from '../../../functions/handlers/factories/scheduled-handlers';
import { reconcileUnclaimed, type ReconcileDeps } from '../../../functions/handlers/workflows/reconcile';
import { ROUND_RESERVE_MS } from '../../../functions/handlers/workflows/scheduled-run';
import { sweepDueJobs } from '../../../functions/handlers/workflows/sweep';
import { FIXED_NOW } from '../../helpers/factories';
import { anEntry, directoryOf, fakeQueues, fakeSchedule, markingStore, silentLogger, URL_BASE } from './operations-fakes';

const MINUTE = 60_000;
const clock = { now: () => FIXED_NOW, sleep: async () => undefined };

function reconcileDeps(options: {
  pending: ReturnType<typeof anEntry>[];
  paused?: string[];
  depths?: Parameters<typeof fakeQueues>[0];
  remaining?: () => number;
  thresholds?: Record<string, number>;
}) {
  const schedule = fakeSchedule({ pending: options.pending });
  const queues = fakeQueues(options.depths);
  const store = markingStore();
  const deps: ReconcileDeps = {
    store: store.store as unknown as JobStore,
    queues: queues.queues,
    directory: directoryOf('payments', 'email'),
    clock,
    logger: silentLogger(),
    schedule: schedule.scanner,
    remainingMs: options.remaining ?? (() => 60_000),
    pauses: { pausedQueues: async () => new Set(options.paused ?? []) },
    timings: new Map(
      Object.entries(options.thresholds ?? { payments: 600, email: 600 }).map(([queue, seconds]) => [queue, { reconcileAfterSeconds: seconds, activeStuckAfterSeconds: 3600 }]),
    ),
    defaultAfterSeconds: 900,
  };
  return { deps, schedule, queues, store };
}

describe('the reconciler', () => {
  it('re-sends a job unclaimed past its queue’s own threshold, and not one of another queue still within its own', async () => {
    // Prepare
    const { deps, store } = reconcileDeps({
      pending: [anEntry('p-old', { ageMs: 11 * MINUTE }), anEntry('e-young', { queue: 'email', ageMs: 11 * MINUTE })],
      thresholds: { payments: 600, email: 1200 },
    });

    // Act
    const report = await reconcileUnclaimed(deps);

    // Assess
    expect(report).toMatchObject({ found: 1, sent: 1 });
    expect(store.marked).toEqual(['p-old']);
  });

  it('leaves the jobs of a paused queue alone', async () => {
    // Prepare
    const { deps, queues } = reconcileDeps({ pending: [anEntry('p1', { ageMs: 60 * MINUTE }), anEntry('e1', { queue: 'email', ageMs: 60 * MINUTE })], paused: ['payments'] });

    // Act
    const report = await reconcileUnclaimed(deps);

    // Assess
    expect(report).toMatchObject({ found: 1, sent: 1, paused: 1 });
    expect(queues.sent.map((send) => send.job.message.jobId)).toEqual(['e1']);
  });

  it('does not re-send a job that may sit in its lane’s backlog, until it has waited past the backlog patience', async () => {
    // Prepare: the payments lane holds messages
    const busy = { [`${URL_BASE}/jobs-payments`]: { visible: 500, inFlight: 2, delayed: 0 } };
    const { deps, queues } = reconcileDeps({
      pending: [anEntry('behind', { ageMs: 11 * MINUTE }), anEntry('lost', { ageMs: BACKLOG_PATIENCE * 10 * MINUTE + 1 })],
      depths: busy,
    });

    // Act
    const report = await reconcileUnclaimed(deps);

    // Assess
    expect(report).toMatchObject({ found: 1, sent: 1, inBacklog: 1 });
    expect(queues.sent.map((send) => send.job.message.jobId)).toEqual(['lost']);
    expect(queues.depthCalls).toEqual([`${URL_BASE}/jobs-payments`]);
  });

  it('re-sends at once into a lane holding nothing it could wait behind, counting the lane once', async () => {
    // Prepare
    const { deps, queues } = reconcileDeps({ pending: [anEntry('a', { ageMs: 11 * MINUTE }), anEntry('b', { ageMs: 12 * MINUTE })] });

    // Act
    const report = await reconcileUnclaimed(deps);

    // Assess
    expect(report).toMatchObject({ found: 2, sent: 2, inBacklog: 0 });
    expect(queues.depthCalls).toHaveLength(1);
  });

  it('leaves alone the jobs that were claimed: running and retrying jobs keep their entries until they finish', async () => {
    // Prepare
    const { deps, queues, store } = reconcileDeps({
      pending: [
        anEntry('running', { status: 'active', ageMs: 11 * MINUTE, leaseUntilMs: FIXED_NOW.getTime() + MINUTE }),
        anEntry('retrying', { status: 'retrying', ageMs: 11 * MINUTE }),
        anEntry('lost', { ageMs: 11 * MINUTE }),
      ],
    });

    // Act
    const report = await reconcileUnclaimed(deps);

    // Assess
    expect(report).toMatchObject({ found: 1, sent: 1 });
    expect(queues.sent.map((send) => send.job.message.jobId)).toEqual(['lost']);
    expect(store.marked).toEqual(['lost']);
  });

  it('reads no job it leaves alone from the index alone: one of a paused queue, or within its queue’s threshold', async () => {
    // Prepare
    const { deps, schedule } = reconcileDeps({
      pending: [anEntry('p-paused', { ageMs: 60 * MINUTE }), anEntry('e-young', { queue: 'email', ageMs: 11 * MINUTE }), anEntry('e-old', { queue: 'email', ageMs: 21 * MINUTE })],
      paused: ['payments'],
      thresholds: { payments: 600, email: 1200 },
    });

    // Act
    const report = await reconcileUnclaimed(deps);

    // Assess
    expect(report).toMatchObject({ found: 1, sent: 1, paused: 1 });
    expect(schedule.reads.jobs).toEqual(['e-old']);
  });

  it('goes through every shard in rounds until all are read, past a thousand jobs', async () => {
    // Prepare: 1,200 lost jobs over 32 shards, read 8 per shard per round
    const pending = Array.from({ length: 1200 }, (_, index) => anEntry(`j${index}`, { ageMs: 20 * MINUTE + index, shard: index % 32 }));
    const { deps, schedule } = reconcileDeps({ pending });

    // Act
    const report = await reconcileUnclaimed(deps, 8);

    // Assess
    expect(report).toMatchObject({ found: 1200, sent: 1200 });
    expect(report.rounds).toBe(schedule.reads.rounds);
    expect(report.rounds).toBeGreaterThan(4);
  });

  it('stops starting rounds once its run’s time is nearly spent', async () => {
    // Prepare: time for exactly two rounds
    const pending = Array.from({ length: 100 }, (_, index) => anEntry(`j${index}`, { ageMs: 20 * MINUTE + index }));
    let rounds = 0;
    const { deps } = reconcileDeps({ pending, remaining: () => (rounds++ < 2 ? ROUND_RESERVE_MS + 1 : ROUND_RESERVE_MS) });

    // Act
    const report = await reconcileUnclaimed(deps, 10);

    // Assess
    expect(report).toMatchObject({ rounds: 2, found: 20, sent: 20 });
  });
});

describe('the sweeper', () => {
  it('sends every due job in rounds across the shards, in batches per lane, until none is left', async () => {
    // Prepare: 50 due reminders and one due later
    const delayed = [
      ...Array.from({ length: 50 }, (_, index) => anEntry(`r${index}`, { status: 'delayed', ageMs: index, shard: index % 32 })),
      anEntry('later', { status: 'delayed', ageMs: -MINUTE }),
    ];
    const schedule = fakeSchedule({ delayed });
    const queues = fakeQueues();
    const store = markingStore();

    // Act
    const report = await sweepDueJobs(
      { store: store.store as unknown as JobStore, queues: queues.queues, directory: directoryOf('payments'), clock, logger: silentLogger(), schedule: schedule.scanner, remainingMs: () => 60_000 },
      1,
    );

    // Assess
    expect(report).toMatchObject({ found: 50, sent: 50, failed: 0, rounds: 2 });
    expect(store.marked).toHaveLength(50);
    expect(store.marked).not.toContain('later');
  });

  it('sends no due job that moved on since its entry was listed (cancelled, claimed)', async () => {
    // Prepare
    const schedule = fakeSchedule({ delayed: [anEntry('due', { status: 'delayed' }), anEntry('claimed', { status: 'active' }), anEntry('cancelled', { status: 'cancelled' })] });
    const queues = fakeQueues();
    const store = markingStore();

    // Act
    const report = await sweepDueJobs({
      store: store.store as unknown as JobStore,
      queues: queues.queues,
      directory: directoryOf('payments'),
      clock,
      logger: silentLogger(),
      schedule: schedule.scanner,
      remainingMs: () => 60_000,
    });

    // Assess
    expect(report).toMatchObject({ found: 1, sent: 1 });
    expect(queues.sent.map((send) => send.job.message.jobId)).toEqual(['due']);
  });

  it('does not start a round without the time to finish it', async () => {
    // Prepare
    const schedule = fakeSchedule({ delayed: [anEntry('r1', { status: 'delayed' })] });
    const queues = fakeQueues();

    // Act
    const report = await sweepDueJobs({
      store: markingStore().store as unknown as JobStore,
      queues: queues.queues,
      directory: directoryOf('payments'),
      clock,
      logger: silentLogger(),
      schedule: schedule.scanner,
      remainingMs: () => ROUND_RESERVE_MS,
    });

    // Assess
    expect(report).toMatchObject({ found: 0, rounds: 0 });
    expect(queues.sent).toEqual([]);
  });
});

describe('the reconciler handler', () => {
  const context = { awsRequestId: 'request-1', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

  it('re-sends and rolls up the counters in one run, and reports both', async () => {
    // Prepare
    const { deps, store } = reconcileDeps({ pending: [anEntry('p-old', { ageMs: 11 * MINUTE })] });
    const rolled: string[] = [];
    const handler = createReconcilerHandler({
      ...deps,
      settings: [{ name: 'payments' }, { name: 'email' }],
      rollup: {
        rollUpHours: async (queue) => {
          rolled.push(queue);
          return 1;
        },
      },
    });

    // Act
    const report = await handler({}, context);

    // Assess
    expect(report).toMatchObject({ found: 1, sent: 1, hoursRolledUp: 2 });
    expect(store.marked).toEqual(['p-old']);
    expect(rolled).toEqual(['payments', 'email']);
  });

  it('still rolls up the counters when the re-sends fail, then fails the run', async () => {
    // Prepare
    const { deps } = reconcileDeps({ pending: [] });
    const rolled: string[] = [];
    const handler = createReconcilerHandler({
      ...deps,
      pauses: { pausedQueues: async () => Promise.reject(new Error('table unavailable')) },
      settings: [{ name: 'payments' }],
      rollup: {
        rollUpHours: async (queue) => {
          rolled.push(queue);
          return 0;
        },
      },
    });

    // Act
    const run = handler({}, context);

    // Assess
    await expect(run).rejects.toThrow('table unavailable');
    expect(rolled).toEqual(['payments']);
  });
});
