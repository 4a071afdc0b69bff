import { describe, expect, it } from 'vitest';
import type { JobStore } from '../../../functions/adapters/job-store';
import { cachedPause } from '../../../functions/adapters/pause-store';
import { mapBounded } from '../../../functions/adapters/bounded';
import type { StuckCounts } from '../../../functions/adapters/stuck-metrics';
import type { JobRecord } from '../../../functions/core/job';
import { parseQueueDefinition } from '../../../functions/core/queue-config';
import { BACKLOG_PATIENCE, queueTimingsOf, queueTimingsVariable, queueTimingsVariableSchema, shouldResend, waitingStuckAfterSeconds } from '../../../functions/core/queue-timings';
import { consumerSizing } from '../../../functions/core/consumer-sizing';
import { detectStuck, type StuckDeps } from '../../../functions/handlers/workflows/detect-stuck';
import { PAUSED_DELAY_SECONDS, PAUSED_FIFO_VISIBILITY_SECONDS, pausedBatch, throttledStop } from '../../../functions/handlers/workflows/paused-batch';
import { aJobMessage, aJobRecord, anSqsEvent, anSqsRecord, aQueueDefinition, FIXED_NOW } from '../../helpers/factories';
import { anEntry, directoryOf, fakeQueues, fakeSchedule, markingStore, silentLogger, URL_BASE } from './operations-fakes';

const clock = { now: () => FIXED_NOW, sleep: async () => undefined };
const LANE_ARN = 'arn:aws:sqs:eu-west-1:123456789012:jobs-payments';

function pauseDeps(options: { paused: boolean | Error; fifo?: boolean }) {
  const queues = fakeQueues();
  const stops: number[] = [];
  const definition = aQueueDefinition({ name: 'payments', fifo: options.fifo ?? false });
  const name = options.fifo === true ? 'jobs-payments.fifo' : 'jobs-payments';
  const deps = {
    definition,
    lanes: [{ lane: 'default' as const, name, url: `${URL_BASE}/${name}` }],
    queues: queues.queues,
    clock,
    logger: silentLogger(),
    pause: {
      isPaused: async () => {
        if (options.paused instanceof Error) throw options.paused;
        return options.paused;
      },
      stopMappings: async () => {
        stops.push(1);
      },
    },
  };
  return { deps, queues, stops, arn: options.fifo === true ? `${LANE_ARN}.fifo` : LANE_ARN };
}

describe('pausedBatch', () => {
  it('lets the batch run when the queue is not paused', async () => {
    // Prepare
    const { deps, queues } = pauseDeps({ paused: false });

    // Act
    const answer = await pausedBatch(deps, anSqsEvent([anSqsRecord({ eventSourceARN: LANE_ARN })]));

    // Assess
    expect(answer).toBeUndefined();
    expect(queues.sent).toEqual([]);
  });

  it('on a paused standard queue sends each job back with SQS’s longest delay, touches no job, and disables the mappings again', async () => {
    // Prepare
    const { deps, queues, stops } = pauseDeps({ paused: true });
    const records = [
      anSqsRecord({ messageId: 'm1', eventSourceARN: LANE_ARN, body: JSON.stringify(aJobMessage({ jobId: 'a' })) }),
      anSqsRecord({ messageId: 'm2', receiptHandle: 'r2', eventSourceARN: LANE_ARN, body: JSON.stringify(aJobMessage({ jobId: 'b' })) }),
      anSqsRecord({
        messageId: 'letter',
        receiptHandle: 'r3',
        eventSourceARN: LANE_ARN,
        messageAttributes: {
          failure_reason: { stringValue: 'HTTP 500', dataType: 'String', stringListValues: [], binaryListValues: [] },
          failed_at: { stringValue: FIXED_NOW.toISOString(), dataType: 'String', stringListValues: [], binaryListValues: [] },
        },
      }),
    ];

    // Act
    const answer = await pausedBatch(deps, anSqsEvent(records));

    // Assess: copies of the plain messages (the originals are done); the letter keeps its attributes and comes back by visibility
    expect(queues.sent.map((send) => [send.job.message.jobId, send.job.delaySeconds])).toEqual([
      ['a', PAUSED_DELAY_SECONDS],
      ['b', PAUSED_DELAY_SECONDS],
    ]);
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'letter' }] });
    expect(queues.visibility).toEqual([{ url: `${URL_BASE}/jobs-payments`, receiptHandle: 'r3', seconds: PAUSED_DELAY_SECONDS }]);
    expect(stops).toHaveLength(1);
  });

  it('on a paused FIFO queue returns every message in place with a long visibility, keeping the group’s order', async () => {
    // Prepare
    const { deps, queues, arn } = pauseDeps({ paused: true, fifo: true });
    const records = ['m1', 'm2'].map((id) => anSqsRecord({ messageId: id, receiptHandle: `r-${id}`, eventSourceARN: arn }));

    // Act
    const answer = await pausedBatch(deps, anSqsEvent(records));

    // Assess
    expect(queues.sent).toEqual([]);
    expect(answer?.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(['m1', 'm2']);
    expect(queues.visibility.map((change) => change.seconds)).toEqual([PAUSED_FIFO_VISIBILITY_SECONDS, PAUSED_FIFO_VISIBILITY_SECONDS]);
  });

  it('lets the batch run when the pause state cannot be read', async () => {
    // Prepare
    const { deps } = pauseDeps({ paused: new Error('throttled') });

    // Act
    const answer = await pausedBatch(deps, anSqsEvent([anSqsRecord({ eventSourceARN: LANE_ARN })]));

    // Assess
    expect(answer).toBeUndefined();
  });
});

describe('the pause cache and the mapping stop', () => {
  it('reads the pause item at most once per few seconds per container', async () => {
    // Prepare
    let nowMs = 0;
    const reads: string[] = [];
    const paused = cachedPause({ isPaused: async (queue) => (reads.push(queue), reads.length > 1) }, 'payments', { now: () => new Date(nowMs) }, 5000);

    // Act
    const first = await paused();
    nowMs = 4999;
    const cached = await paused();
    nowMs = 5000;
    const fresh = await paused();

    // Assess
    expect([first, cached, fresh]).toEqual([false, false, true]);
    expect(reads).toEqual(['payments', 'payments']);
  });

  it('disables the mappings at most once a minute', async () => {
    // Prepare
    let nowMs = 0;
    const targets: (string | undefined)[] = [];
    const stop = throttledStop(async (invokedFunctionArn) => void targets.push(invokedFunctionArn), () => nowMs, 60_000);

    // Act
    await stop('arn:aws:lambda:us-east-1:1:function:consumer:live');
    nowMs = 59_999;
    await stop('arn:aws:lambda:us-east-1:1:function:consumer:live');
    nowMs = 60_000;
    await stop();

    // Assess: each disable names the mappings it was asked for
    expect(targets).toEqual(['arn:aws:lambda:us-east-1:1:function:consumer:live', undefined]);
  });
});

describe('queue timings', () => {
  it('take the catalog’s threshold, or else the stack’s but never less than the consumer’s function timeout', () => {
    // Prepare
    const report = parseQueueDefinition({ name: 'report-generation', concurrency: 1, attempts: 3, backoff: { type: 'exponential', delayMs: 5000 }, timeoutMs: 600_000 });
    const set = parseQueueDefinition({ name: 'email', concurrency: 2, attempts: 3, backoff: { type: 'fixed', delayMs: 1 }, timeoutMs: 30_000, reconcileAfterSeconds: 45 });

    // Act
    const derived = queueTimingsOf(report, 900);
    const chosen = queueTimingsOf(set, 900);

    // Assess
    expect(derived.reconcileAfterSeconds).toBe(Math.max(900, consumerSizing(report).functionTimeoutSeconds));
    expect(derived.activeStuckAfterSeconds).toBeGreaterThan(consumerSizing(report).visibilityTimeoutSeconds);
    expect(chosen.reconcileAfterSeconds).toBe(45);
    expect(waitingStuckAfterSeconds(chosen)).toBeGreaterThan(45 * BACKLOG_PATIENCE);
  });

  it('round-trip through the compact QUEUE_TIMINGS variable', () => {
    // Prepare
    const definition = parseQueueDefinition({ name: 'email', concurrency: 2, attempts: 3, backoff: { type: 'fixed', delayMs: 1 }, timeoutMs: 30_000 });

    // Act
    const parsed = queueTimingsVariableSchema.parse(queueTimingsVariable([definition], 900));

    // Assess
    expect(parsed.get('email')).toEqual(queueTimingsOf(definition, 900));
  });

  it.each([
    [59, false, false],
    [60, false, true],
    [60, true, false],
    [60 * BACKLOG_PATIENCE - 1, true, false],
    [60 * BACKLOG_PATIENCE, true, true],
  ])('after %i s (lane busy: %s) re-sends: %s', (waitedSeconds, laneHasBacklog, expected) => {
    // Act / Assess
    expect(shouldResend({ waitedMs: waitedSeconds * 1000, thresholdMs: 60_000, laneHasBacklog })).toBe(expected);
  });
});

describe('mapBounded', () => {
  it('keeps the order of its items and never runs more than its bound at once', async () => {
    // Prepare
    let running = 0;
    let most = 0;

    // Act
    const results = await mapBounded([5, 1, 4, 2, 3], 2, async (value) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
      return value * 10;
    });

    // Assess
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
  });
});

describe('detectStuck', () => {
  function stuckDeps(options: { active?: JobRecord[]; pending?: ReturnType<typeof anEntry>[]; payload?: string; paused?: string[] }) {
    const jobs = new Map((options.active ?? []).map((job) => [job.jobId, job]));
    // An active job's entry is as old as its last send, which came before its claim and so before its lease ended.
    const activeEntries = (options.active ?? []).map((job) =>
      anEntry(job.jobId, { status: 'active', leaseUntilMs: Date.parse(job.leaseUntil ?? ''), ageMs: FIXED_NOW.getTime() - Date.parse(job.leaseUntil ?? '') + 30_000 }),
    );
    const schedule = fakeSchedule({ pending: [...(options.pending ?? []), ...activeEntries] });
    const queues = fakeQueues();
    const marking = markingStore();
    const failed: { jobId: string; category: string; letterPending?: boolean }[] = [];
    const published: StuckCounts[] = [];
    const store = {
      ...marking.store,
      fail: async (ref: { jobId: string }, outcome: { error: { category: string }; letterPending?: boolean }) => {
        failed.push({ jobId: ref.jobId, category: outcome.error.category, letterPending: outcome.letterPending });
        return jobs.get(ref.jobId) as JobRecord;
      },
      markLettered: async () => undefined,
    };
    const deps: StuckDeps = {
      store: store as unknown as JobStore,
      queues: queues.queues,
      directory: directoryOf('payments'),
      clock,
      logger: silentLogger(),
      schedule: schedule.scanner,
      remainingMs: () => 60_000,
      pauses: { pausedQueues: async () => new Set(options.paused ?? []) },
      timings: new Map([['payments', { reconcileAfterSeconds: 60, activeStuckAfterSeconds: 600 }]]),
      defaultAfterSeconds: 900,
      deadLetterUrl: (settings) => `${URL_BASE}/jobs-${settings.name}-dlq`,
      payloadOf: async () => options.payload,
      metrics: { publish: (counts) => void published.push(counts) },
    };
    return { deps, queues, failed, published, marked: marking.marked, reads: schedule.reads };
  }
  const activeJob = (jobId: string, leaseEndedMsAgo: number) =>
    aJobRecord({ jobId, runId: `run-${jobId}`, queue: 'payments', status: 'active', attempts: 1, leaseUntil: new Date(FIXED_NOW.getTime() - leaseEndedMsAgo).toISOString() });

  it('fails an active job whose lease ended long ago with category stuck, record first, then its letter', async () => {
    // Prepare
    const { deps, failed, queues, published } = stuckDeps({ active: [activeJob('gone', 601_000), activeJob('recent', 599_000)], payload: '{"big":true}' });

    // Act
    const counts = await detectStuck(deps);

    // Assess
    expect(failed).toEqual([{ jobId: 'gone', category: 'stuck', letterPending: true }]);
    expect(queues.letters).toEqual([{ url: `${URL_BASE}/jobs-payments-dlq`, jobId: 'gone', category: 'stuck' }]);
    expect(counts.active).toEqual({ stuck: 1, repaired: 1 });
    expect(published).toEqual([counts]);
  });

  it('counts, and leaves as it is, a stuck active job whose payload is gone', async () => {
    // Prepare
    const { deps, failed, queues } = stuckDeps({ active: [activeJob('inline', 3_600_000)] });

    // Act
    const counts = await detectStuck(deps);

    // Assess
    expect(failed).toEqual([]);
    expect(queues.letters).toEqual([]);
    expect(counts.active).toEqual({ stuck: 1, repaired: 0 });
  });

  it('judges the pending partition once for both: reads only entries past a bound, fails only the active job whose lease is long over', async () => {
    // Prepare: a young waiting job, a long-running job with a live lease, a retrying job and a vanished holder's job
    const { deps, failed, reads } = stuckDeps({
      pending: [
        anEntry('young', { ageMs: 60_000 }),
        anEntry('long-running', { status: 'active', ageMs: 3_600_000, leaseUntilMs: FIXED_NOW.getTime() + 60_000 }),
        anEntry('retrying', { status: 'retrying', ageMs: 3_600_000 }),
      ],
      active: [activeJob('vanished', 700_000)],
      payload: '{}',
    });

    // Act
    const counts = await detectStuck(deps);

    // Assess
    expect(failed.map((failure) => failure.jobId)).toEqual(['vanished']);
    expect(counts).toMatchObject({ waiting: { stuck: 0, repaired: 0 }, active: { stuck: 1, repaired: 1 } });
    expect(reads.jobs.sort()).toEqual(['long-running', 'retrying', 'vanished']);
  });

  it('re-sends a waiting job unclaimed far past the reconciler’s patience, but not one of a paused queue', async () => {
    // Prepare
    const longAgo = waitingStuckAfterSeconds({ reconcileAfterSeconds: 60, activeStuckAfterSeconds: 600 }) * 1000 + 1;
    const running = stuckDeps({ pending: [anEntry('w1', { ageMs: longAgo }), anEntry('w2', { ageMs: 60_000 })] });
    const paused = stuckDeps({ pending: [anEntry('w1', { ageMs: longAgo })], paused: ['payments'] });

    // Act
    const counts = await detectStuck(running.deps);
    const whilePaused = await detectStuck(paused.deps);

    // Assess
    expect(counts.waiting).toEqual({ stuck: 1, repaired: 1 });
    expect(running.marked).toEqual(['w1']);
    expect(whilePaused.waiting).toEqual({ stuck: 0, repaired: 0 });
  });
});
