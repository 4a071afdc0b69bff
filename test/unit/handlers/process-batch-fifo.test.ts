import { describe, expect, it } from 'vitest';
import { JobFailedError } from '../../../functions/core/errors';
import { maxReceiveCount } from '../../../functions/core/lanes';
import { BatchProcessor } from '../../../functions/handlers/workflows/process-batch';
import { aQueueDefinition, FIXED_NOW } from '../../helpers/factories';
import { aFifoGroupBatch, consumerDeps } from './consumer-fakes';

/** order-processing as the catalog has it: FIFO, 100 per minute, 3 attempts. */
const orders = aQueueDefinition({
  name: 'order-processing',
  fifo: true,
  dedup: true,
  concurrency: 5,
  rateLimit: { max: 100, durationMs: 60_000 },
  attempts: 3,
  backoff: { type: 'exponential', delayMs: 5000, jitter: 0 },
  timeoutMs: 120_000,
});

describe('BatchProcessor on a rate-limited FIFO queue, with batches shaped as SQS hands them out', () => {
  it('puts a whole group back for the limiter\'s real wait when its head gets no slot, claiming nothing', async () => {
    // Prepare: ten messages of one group; the limiter's next free slot is 4.5 s away
    const { deps, store, queues, limiter } = consumerDeps(orders);
    limiter.reserve.mockResolvedValue({ slots: [], nextFreeMs: FIXED_NOW.getTime() + 4500, deferMs: 4500 });
    const records = aFifoGroupBatch(orders, 'order-7', 10);

    // Act
    const response = await new BatchProcessor(deps).process({ Records: records });

    // Assess: every message returned, each visible again after 5 s, in order; no attempt spent
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(records.map((record) => record.messageId));
    const changes = queues.changeVisibility.mock.calls.flatMap(([, entries]) => entries);
    expect(changes).toEqual(records.map((record) => ({ receiptHandle: record.receiptHandle, seconds: 5 })));
    expect(limiter.reserve).toHaveBeenCalledTimes(1);
    expect(store.claim).not.toHaveBeenCalled();
    expect(queues.send).not.toHaveBeenCalled();
    expect(response.tally.deferred).toBe(10);
  });

  it('waits in process for a slot a few intervals away instead of spending the group\'s receives', async () => {
    // Prepare: the slot is 3 s away (other consumers hold the slots before it), within the FIFO horizon
    const { deps, store, queues, limiter, clock } = consumerDeps(orders);
    const slot = FIXED_NOW.getTime() + 3000;
    limiter.reserve.mockImplementation(async (_queue, _limit, request) => {
      expect(request.horizonMs).toBeGreaterThanOrEqual(3603);
      const at = Math.max(slot, request.now.getTime());
      return { slots: [at], nextFreeMs: at + 601, deferMs: 0 };
    });
    const records = aFifoGroupBatch(orders, 'order-8', 3);

    // Act
    const response = await new BatchProcessor(deps).process({ Records: records });

    // Assess: all three ran, in order, none returned
    expect(response.batchItemFailures).toEqual([]);
    expect(store.claim.mock.calls.map(([jobId]) => jobId)).toEqual(['job-order-8-0', 'job-order-8-1', 'job-order-8-2']);
    expect(queues.changeVisibility).not.toHaveBeenCalled();
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(slot);
  });

  it('takes the lease just before the slot, so waiting for the slot never eats into it', async () => {
    // Prepare: a slot 3 s away
    const { deps, store, limiter } = consumerDeps(orders);
    const slot = FIXED_NOW.getTime() + 3000;
    limiter.reserve.mockResolvedValue({ slots: [slot], nextFreeMs: slot + 601, deferMs: 0 });

    // Act
    await new BatchProcessor(deps).process({ Records: aFifoGroupBatch(orders, 'order-9', 1) });

    // Assess: claimed at slot − 100 ms with a lease of timeout + margin from then
    const [, , claimedAt, leaseMs] = store.claim.mock.calls[0] ?? [];
    expect(claimedAt?.getTime()).toBe(slot - 100);
    expect(leaseMs).toBe(orders.timeoutMs + 30_000);
  });

  it('returns the rest of a group behind a retrying head for the head\'s backoff, and dead-letters (record first) one that would reach SQS\'s receive limit', async () => {
    // Prepare: the head fails with a 503; the third message has been received as often as SQS allows
    const { deps, store, queues, processor, limiter } = consumerDeps(orders);
    limiter.reserve.mockImplementation(async (_queue, _limit, request) => ({ slots: [request.now.getTime()], nextFreeMs: request.now.getTime() + 601, deferMs: 0 }));
    processor.mockRejectedValueOnce(new JobFailedError('HTTP 503', 'server'));
    const limit = maxReceiveCount(orders);
    const records = aFifoGroupBatch(orders, 'order-10', 4, [1, 1, limit, 1]);

    // Act
    const response = await new BatchProcessor(deps).process({ Records: records });

    // Assess: the head retries after 5 s, fenced until then
    expect(store.retry).toHaveBeenCalledTimes(1);
    expect(store.retry.mock.calls[0]?.[1].retryAt).toBeDefined();
    const changes = queues.changeVisibility.mock.calls.flatMap(([, entries]) => entries);
    expect(changes).toEqual([
      { receiptHandle: records[0]?.receiptHandle, seconds: 5 },
      { receiptHandle: records[1]?.receiptHandle, seconds: 5 },
      { receiptHandle: records[3]?.receiptHandle, seconds: 5 },
    ]);
    // the third is failed (record first) and lettered, not returned for SQS to move bare
    expect(store.abandon).toHaveBeenCalledWith('job-order-10-2', 'run-order-10-2', expect.objectContaining({ error: expect.objectContaining({ category: 'server' }) }));
    expect(store.abandon.mock.invocationCallOrder[0]).toBeLessThan(queues.moveToDeadLetter.mock.invocationCallOrder[0] ?? 0);
    expect(queues.moveToDeadLetter.mock.calls[0]?.[1][0]).toMatchObject({ jobId: 'job-order-10-2', groupId: 'order-10', failure: { category: 'server' } });
    const letterFailedAt = queues.moveToDeadLetter.mock.calls[0]?.[1][0]?.failure.failedAt;
    expect(store.markLettered).toHaveBeenCalledWith('job-order-10-2', 'run-order-10-2', letterFailedAt);
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual([records[0], records[1], records[3]].map((record) => record?.messageId));
    expect(store.claim).toHaveBeenCalledTimes(1);
  });

  it('dead-letters nothing while the receives stay within the bound a burst can cause', async () => {
    // Prepare: one below the limit
    const { deps, store, queues, limiter } = consumerDeps(orders);
    limiter.reserve.mockResolvedValue({ slots: [], nextFreeMs: FIXED_NOW.getTime() + 1000, deferMs: 1000 });
    const records = aFifoGroupBatch(orders, 'order-11', 10, Array.from({ length: 10 }, () => maxReceiveCount(orders) - 1));

    // Act
    const response = await new BatchProcessor(deps).process({ Records: records });

    // Assess
    expect(response.batchItemFailures).toHaveLength(10);
    expect(store.abandon).not.toHaveBeenCalled();
    expect(queues.moveToDeadLetter).not.toHaveBeenCalled();
  });
});

