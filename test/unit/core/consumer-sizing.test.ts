import { describe, expect, it } from 'vitest';
import {
  consumerSizing,
  LAMBDA_MAX_TIMEOUT_SECONDS,
  SQS_MAX_VISIBILITY_SECONDS,
  VISIBILITY_FACTOR,
} from '../../../functions/core/consumer-sizing';
import { laneConcurrency } from '../../../functions/core/lanes';
import { parseCatalog } from '../../../functions/core/queue-config';
import { catalog } from '../../../lib/catalog';
import { aQueueDefinition } from '../../helpers/factories';

describe('consumerSizing', () => {
  it('fits ten 30 s jobs in a batch and times the function for all of them', () => {
    // Prepare
    const definition = aQueueDefinition({ timeoutMs: 30_000 });

    // Act
    const sizing = consumerSizing(definition);

    // Assess: 30 + 5 + 2 = 37 s a job; 10 × 37 + 30 = 400 s
    expect(sizing.batchSize).toBe(10);
    expect(sizing.functionTimeoutSeconds).toBe(400);
    expect(sizing.visibilityTimeoutSeconds).toBe(2400);
  });

  it('shrinks the batch as jobs grow: 2 min jobs give 6, 5 min jobs 2, 10 min jobs 1', () => {
    // Act
    const sizes = [120_000, 300_000, 600_000].map((timeoutMs) => consumerSizing(aQueueDefinition({ timeoutMs })));

    // Assess: floor(870 / 127) = 6, floor(870 / 307) = 2, floor(870 / 607) = 1
    expect(sizes.map((sizing) => sizing.batchSize)).toEqual([6, 2, 1]);
    expect(sizes.map((sizing) => sizing.functionTimeoutSeconds)).toEqual([6 * 127 + 30, 2 * 307 + 30, 607 + 30]);
  });

  it('rounds a fractional job timeout up to whole seconds', () => {
    // Act
    const sizing = consumerSizing(aQueueDefinition({ timeoutMs: 1_500 }));

    // Assess: 2 + 7 = 9 s a job; floor(870 / 9) = 96, capped at 10
    expect(sizing.batchSize).toBe(10);
    expect(sizing.functionTimeoutSeconds).toBe(10 * 9 + 30);
  });

  it('keeps a batch of one within the 15 min cap for the longest jobs', () => {
    // Act
    const sizing = consumerSizing(aQueueDefinition({ timeoutMs: 840_000 }));

    // Assess: 840 + 7 + 30 = 877 s, a job and its bookkeeping inside Lambda's limit
    expect(sizing.batchSize).toBe(1);
    expect(sizing.functionTimeoutSeconds).toBe(877);
    expect(sizing.functionTimeoutSeconds).toBeLessThanOrEqual(LAMBDA_MAX_TIMEOUT_SECONDS);
    expect(sizing.visibilityTimeoutSeconds).toBe(VISIBILITY_FACTOR * 877);
  });

  it('reserves the sum of the lane maxima on a laned queue when it exceeds the concurrency', () => {
    // Prepare: 10 over four lanes gives 4 + 3 + 2 + 2 = 11
    const definition = aQueueDefinition({ lanes: true, concurrency: 10 });

    // Act
    const sizing = consumerSizing(definition);

    // Assess
    expect(sizing.laneMaximumConcurrency).toEqual({ urgent: 4, high: 3, normal: 2, low: 2 });
    expect(sizing.reservedConcurrency).toBe(11);
  });

  it('reserves exactly the concurrency of a queue without lanes, even 1 under a poller of 2', () => {
    // Act
    const single = consumerSizing(aQueueDefinition({ concurrency: 1 }));
    const five = consumerSizing(aQueueDefinition({ concurrency: 5 }));

    // Assess
    expect(single.reservedConcurrency).toBe(1);
    expect(single.laneMaximumConcurrency).toEqual({ default: 2 });
    expect(five.reservedConcurrency).toBe(5);
  });

  it('polls a standard queue without lanes with just enough invocations to fill its pool, FIFO queues with their concurrency', () => {
    // Act: batches of 10 for 30 s jobs; of 1 for 14-minute jobs
    const tenOfTen = consumerSizing(aQueueDefinition({ concurrency: 10, timeoutMs: 30_000 }));
    const twentyFive = consumerSizing(aQueueDefinition({ concurrency: 25, timeoutMs: 30_000 }));
    const longJobs = consumerSizing(aQueueDefinition({ concurrency: 3, timeoutMs: 840_000 }));
    const fifo = consumerSizing(aQueueDefinition({ concurrency: 5, fifo: true, timeoutMs: 30_000 }));

    // Assess
    expect(tenOfTen.laneMaximumConcurrency).toEqual({ default: 2 });
    expect(twentyFive.laneMaximumConcurrency).toEqual({ default: 4 });
    expect(longJobs.batchSize).toBe(1);
    expect(longJobs.laneMaximumConcurrency).toEqual({ default: 3 });
    expect(fifo.laneMaximumConcurrency).toEqual({ default: 5 });
  });

  it('sets no batching window on FIFO queues and a zero window on standard ones', () => {
    // Act
    const fifo = consumerSizing(aQueueDefinition({ fifo: true }));
    const standard = consumerSizing(aQueueDefinition({ fifo: false }));

    // Assess
    expect(fifo.maximumBatchingWindowSeconds).toBeUndefined();
    expect(standard.maximumBatchingWindowSeconds).toBe(0);
  });

  it('holds the rules for every queue of the shipped catalog', () => {
    for (const definition of parseCatalog(catalog)) {
      // Act
      const sizing = consumerSizing(definition);
      const laneSum = Object.values(laneConcurrency(definition)).reduce((sum, value) => sum + value, 0);

      // Assess
      expect(sizing.batchSize, definition.name).toBeGreaterThanOrEqual(1);
      expect(sizing.batchSize, definition.name).toBeLessThanOrEqual(10);
      expect(sizing.functionTimeoutSeconds, definition.name).toBeLessThanOrEqual(LAMBDA_MAX_TIMEOUT_SECONDS);
      expect(sizing.functionTimeoutSeconds, definition.name).toBeGreaterThan(definition.timeoutMs / 1000);
      expect(sizing.visibilityTimeoutSeconds, definition.name).toBe(
        Math.min(SQS_MAX_VISIBILITY_SECONDS, VISIBILITY_FACTOR * sizing.functionTimeoutSeconds),
      );
      expect(sizing.reservedConcurrency, definition.name).toBeGreaterThanOrEqual(definition.concurrency);
      if (definition.lanes) expect(sizing.reservedConcurrency, definition.name).toBeGreaterThanOrEqual(laneSum);
    }
  });
});

describe('consumerSizing of a rate-limited FIFO queue', () => {
  it('budgets each job its longer in-process wait for a rate slot', () => {
    // Prepare
    const plain = aQueueDefinition({ name: 'order-processing', fifo: true, concurrency: 5, timeoutMs: 120_000 });
    const limited = aQueueDefinition({ name: 'order-processing', fifo: true, concurrency: 5, timeoutMs: 120_000, rateLimit: { max: 100, durationMs: 60_000 } });

    // Act
    const withoutLimit = consumerSizing(plain);
    const withLimit = consumerSizing(limited);

    // Assess: 120 + 5 + 2 s per job without, 120 + 5 + 4 s with (a 3.6 s wait), 6 jobs a batch
    expect(withoutLimit.functionTimeoutSeconds).toBe(6 * 127 + 30);
    expect(withLimit.functionTimeoutSeconds).toBe(6 * 129 + 30);
  });
});
