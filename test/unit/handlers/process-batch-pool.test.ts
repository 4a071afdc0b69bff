import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import type { ConcurrencyPool } from '../../../functions/adapters/dynamodb-concurrency-pool';
import type { MetricsStore } from '../../../functions/adapters/dynamodb-metrics-store';
import { BatchProcessor } from '../../../functions/handlers/workflows/process-batch';
import { POOL_FULL_DEFER_MS, POOL_LEASE_MS, POOL_RENEW_MS, POOL_WAIT_MS } from '../../../functions/handlers/workflows/pool-slots';
import { aJobMessage, aQueueDefinition } from '../../helpers/factories';
import { aFifoGroupBatch, anAwsRecord, consumerDeps, ManualClock } from './consumer-fakes';

const deliveries = aQueueDefinition({ name: 'order-routing', concurrency: 10, attempts: 3, timeoutMs: 30_000 });
const fifo = aQueueDefinition({ name: 'order-processing', fifo: true, dedup: true, concurrency: 5, attempts: 3, timeoutMs: 30_000 });

function fakePool(granted: number | (() => number)) {
  return {
    acquire: vi.fn<ConcurrencyPool['acquire']>().mockImplementation(async () => (typeof granted === 'number' ? granted : granted())),
    release: vi.fn<ConcurrencyPool['release']>().mockResolvedValue(undefined),
    shrink: vi.fn<ConcurrencyPool['shrink']>().mockResolvedValue(true),
    renew: vi.fn<ConcurrencyPool['renew']>().mockResolvedValue(true),
  };
}

/** A processor that records how many jobs run at once, and in which order they start. */
function countingProcessor() {
  let running = 0;
  const seen = { most: 0, started: [] as string[] };
  const run = vi.fn(async (message: { jobId: string }) => {
    running += 1;
    seen.most = Math.max(seen.most, running);
    seen.started.push(message.jobId);
    await nextTurn();
    await nextTurn();
    running -= 1;
    return { ok: true };
  });
  return { run, seen };
}

function standardBatch(size: number) {
  return Array.from({ length: size }, (_, index) =>
    anAwsRecord({ definition: deliveries, message: aJobMessage({ jobId: `job-${index}`, runId: `run-${index}`, queue: deliveries.name }) }),
  );
}

describe('BatchProcessor with a concurrency pool', () => {
  it('runs as many jobs of the batch at once as it was granted slots, and gives them back once', async () => {
    // Prepare: ten jobs, four slots
    const pool = fakePool(4);
    const { run, seen } = countingProcessor();
    const { deps, store } = consumerDeps(deliveries, { pool, processor: run as never });

    // Act
    const response = await new BatchProcessor(deps).process({ Records: standardBatch(10) });

    // Assess
    expect(response.tally.completed).toBe(10);
    expect(seen.most).toBe(4);
    expect(store.complete).toHaveBeenCalledTimes(10);
    expect(pool.acquire).toHaveBeenCalledTimes(1);
    expect(pool.acquire.mock.calls[0]?.[1]).toMatchObject({ wanted: 10, limit: 10, headroom: 0 });
    expect(pool.release).toHaveBeenCalledTimes(1);
    expect(pool.release.mock.calls[0]?.[1]).toBe(pool.acquire.mock.calls[0]?.[1].token);
  });

  it('leases the slots for 30 s, so a crashed invocation\'s slots come back soon, not after its function timeout', async () => {
    // Prepare
    const pool = fakePool(1);
    const { deps, clock } = consumerDeps(deliveries, { pool });

    // Act
    await new BatchProcessor(deps).process({ Records: standardBatch(1) });

    // Assess
    expect(pool.acquire.mock.calls[0]?.[1].untilMs).toBe(clock.now().getTime() + POOL_LEASE_MS);
  });

  it('renews the lease every 10 s while a long batch runs, and stops once the slots are given back', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      // Prepare: a job that runs until the test lets it finish
      const pool = fakePool(1);
      let finish: () => void = () => undefined;
      const processor = vi.fn(() => new Promise<{ ok: true }>((resolve) => (finish = () => resolve({ ok: true }))));
      const { deps } = consumerDeps(deliveries, { pool, processor: processor as never });
      const running = new BatchProcessor(deps).process({ Records: standardBatch(1) });
      await vi.waitFor(() => expect(processor).toHaveBeenCalled());

      // Act: 25 s pass, then the job ends, then another 30 s
      await vi.advanceTimersByTimeAsync(POOL_RENEW_MS * 2.5);
      finish();
      await running;
      await vi.advanceTimersByTimeAsync(POOL_RENEW_MS * 3);

      // Assess
      expect(pool.renew).toHaveBeenCalledTimes(2);
      expect(pool.renew.mock.calls[0]?.[1]).toBe(pool.acquire.mock.calls[0]?.[1].token);
    } finally {
      vi.useRealTimers();
    }
  });

  it('runs the messages of one FIFO group in order, one at a time, and two groups side by side', async () => {
    // Prepare: two groups of three; slots for both
    const pool = fakePool(2);
    const { run, seen } = countingProcessor();
    const { deps } = consumerDeps(fifo, { pool, processor: run as never });
    const records = [...aFifoGroupBatch(fifo, 'a', 3), ...aFifoGroupBatch(fifo, 'b', 3)];

    // Act
    const response = await new BatchProcessor(deps).process({ Records: records });

    // Assess: asked one slot per group; each group's jobs started in order
    expect(response.tally.completed).toBe(6);
    expect(pool.acquire.mock.calls[0]?.[1].wanted).toBe(2);
    expect(seen.most).toBe(2);
    expect(seen.started.filter((id) => id.startsWith('job-a'))).toEqual(['job-a-0', 'job-a-1', 'job-a-2']);
    expect(seen.started.filter((id) => id.startsWith('job-b'))).toEqual(['job-b-0', 'job-b-1', 'job-b-2']);
  });

  it('waits in process while the pool is full and runs the jobs when a slot frees', async () => {
    // Prepare: full for the first three looks
    let looks = 0;
    const pool = fakePool(() => (++looks > 3 ? 1 : 0));
    const { deps, store } = consumerDeps(deliveries, { pool });

    // Act
    const response = await new BatchProcessor(deps).process({ Records: standardBatch(2) });

    // Assess
    expect(pool.acquire).toHaveBeenCalledTimes(4);
    expect(response.tally.completed).toBe(2);
    expect(store.claim).toHaveBeenCalledTimes(2);
  });

  it('defers the jobs without claiming them when the pool stays full, spending no attempt or receive', async () => {
    // Prepare
    const pool = fakePool(0);
    const { deps, store, queues, clock } = consumerDeps(deliveries, { pool });
    const started = clock.now().getTime();

    // Act
    const response = await new BatchProcessor(deps).process({ Records: standardBatch(3) });

    // Assess: looked for about POOL_WAIT_MS; each job re-sent as a fresh copy a second later, the originals deleted
    expect(clock.now().getTime() - started).toBeGreaterThanOrEqual(POOL_WAIT_MS);
    expect(store.claim).not.toHaveBeenCalled();
    expect(response.tally.deferred).toBe(3);
    expect(response.batchItemFailures).toEqual([]);
    expect(queues.send).toHaveBeenCalledTimes(3);
    expect(queues.send.mock.calls[0]?.[1]).toMatchObject({ delaySeconds: POOL_FULL_DEFER_MS / 1000 });
    expect(pool.release).not.toHaveBeenCalled();
  });

  it('keeps a FIFO group in its place when the pool stays full: its messages come back, in order', async () => {
    // Prepare
    const pool = fakePool(0);
    const { deps, store, queues } = consumerDeps(fifo, { pool });
    const records = aFifoGroupBatch(fifo, 'a', 3);

    // Act
    const response = await new BatchProcessor(deps).process({ Records: records });

    // Assess
    expect(store.claim).not.toHaveBeenCalled();
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(records.map((record) => record.messageId));
    expect(queues.send).not.toHaveBeenCalled();
  });

  it('starts no job when the pool cannot be read: the messages come back within seconds', async () => {
    // Prepare
    const pool = fakePool(0);
    pool.acquire.mockRejectedValue(new Error('ProvisionedThroughputExceededException'));
    const { deps, store, queues } = consumerDeps(deliveries, { pool });
    const records = standardBatch(2);

    // Act
    const response = await new BatchProcessor(deps).process({ Records: records });

    // Assess: returned through the unexpected-error path (a short visibility), nothing claimed; whatever was taken is given back
    expect(store.claim).not.toHaveBeenCalled();
    expect(response.tally.error).toBe(2);
    expect(response.batchItemFailures).toHaveLength(2);
    expect(queues.changeVisibility).toHaveBeenCalledTimes(2);
    expect(pool.release).toHaveBeenCalledTimes(1);
  });

  it('asks for no slot when every job yields to a higher lane', async () => {
    // Prepare: a laned queue whose urgent lane has a backlog
    const laned = aQueueDefinition({ name: 'webhook-delivery', lanes: true, concurrency: 10, attempts: 3, timeoutMs: 30_000 });
    const pool = fakePool(5);
    const { deps, queues } = consumerDeps(laned, {
      pool,
      lanes: [
        { lane: 'urgent', name: 'u', url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/u' },
        { lane: 'normal', name: 'jobs-webhook-delivery', url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs-webhook-delivery' },
      ],
    });
    queues.backlog.mockResolvedValue(3);
    const record = anAwsRecord({ definition: laned, message: aJobMessage({ queue: laned.name }) });

    // Act
    const response = await new BatchProcessor(deps).process({ Records: [record] });

    // Assess
    expect(pool.acquire).not.toHaveBeenCalled();
    expect(response.tally.deferred).toBe(1);
  });

  it('asks with the lane\'s headroom on a laned queue', async () => {
    // Prepare
    const laned = aQueueDefinition({ name: 'webhook-delivery', lanes: true, concurrency: 10, attempts: 3, timeoutMs: 30_000 });
    const pool = fakePool(1);
    const { deps } = consumerDeps(laned, {
      pool,
      lanes: [{ lane: 'normal', name: 'jobs-webhook-delivery', url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs-webhook-delivery' }],
    });
    const record = anAwsRecord({ definition: laned, message: aJobMessage({ queue: laned.name }) });

    // Act
    await new BatchProcessor(deps).process({ Records: [record] });

    // Assess
    expect(pool.acquire.mock.calls[0]?.[1]).toMatchObject({ wanted: 1, limit: 10, headroom: 2 });
  });

  it('gives back idle slots early, in one write, when a slow batch\'s last jobs are running', async () => {
    // Prepare: 5 jobs on 4 slots; each job takes 300 ms, the fifth a little longer
    const pool = fakePool(4);
    const clock = new ManualClock();
    const slow = vi.fn(async (message: { jobId: string }) => {
      await clock.sleep(message.jobId === 'job-4' ? 400 : 300);
      await nextTurn();
      return { ok: true };
    });
    const { deps } = consumerDeps(deliveries, { pool, clock, processor: slow as never });


    // Act
    const response = await new BatchProcessor(deps).process({ Records: standardBatch(5) });

    // Assess: the slots went idle while job-4 ran: all but one given back early, then the rest
    expect(response.tally.completed).toBe(5);
    expect(pool.shrink).toHaveBeenCalledTimes(1);
    expect(pool.shrink.mock.calls[0]?.[2]).toBeGreaterThanOrEqual(1);
    expect(pool.shrink.mock.calls[0]?.[2]).toBeLessThan(4);
    expect(pool.release).toHaveBeenCalledTimes(1);
  });

  it('spends no early write on a batch that finishes fast', async () => {
    // Prepare
    const pool = fakePool(4);
    const { deps } = consumerDeps(deliveries, { pool });

    // Act
    await new BatchProcessor(deps).process({ Records: standardBatch(5) });

    // Assess
    expect(pool.shrink).not.toHaveBeenCalled();
    expect(pool.release).toHaveBeenCalledTimes(1);
  });

  it('writes the batch\'s counts while its slots go back, not after', async () => {
    // Prepare: a give-back that lands only once the counts are being written
    const pool = fakePool(4);
    let countsStarted = (): void => undefined;
    const counting = new Promise<void>((resolve) => {
      countsStarted = resolve;
    });
    pool.release.mockImplementation(async () => counting);
    const metrics = { record: vi.fn<MetricsStore['record']>(async () => countsStarted()), totalsSince: vi.fn(), minutesSince: vi.fn() };
    const { deps } = consumerDeps(deliveries, { pool, metrics });

    // Act: one after the other, the batch would never end
    const response = await new BatchProcessor(deps).process({ Records: standardBatch(5) });

    // Assess
    expect(response.tally.completed).toBe(5);
    expect(pool.release).toHaveBeenCalledTimes(1);
    expect(metrics.record).toHaveBeenCalledTimes(1);
    expect(metrics.record.mock.calls[0]?.[2]).toMatchObject({ completed: 5 });
  });
});
