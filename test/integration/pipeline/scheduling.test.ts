import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueClient } from '../../../functions/adapters/queue-client';
import { postJob } from '../support/api-events';
import { fromCatalog } from '../support/definitions';
import { TestPipeline } from '../support/pipeline';
import { ShiftedClock } from '../support/shifted-clock';
import { sendsFailingWhile } from '../support/failing-sends';
import { dataFor } from '../../helpers/job-data';

const HOUR_MS = 3_600_000;

describe('delayed jobs and the sweeper', () => {
  const clock = new ShiftedClock();
  const pipeline = new TestPipeline({ definitions: [fromCatalog('email'), fromCatalog('order-processing', { rateLimit: undefined })], clock });

  beforeAll(async () => {
    await pipeline.start();
    pipeline.startConsumers('email');
    pipeline.startConsumers('order-processing');
  });
  afterAll(() => pipeline.stop());

  it('keeps a 2 h delay as delayed, and the sweeper enqueues it once the clock passes', async () => {
    // Prepare
    const accepted = await pipeline.ingest(postJob('email', { data: dataFor('email', { to: 'x@example.com' }), delay: 2 * HOUR_MS }));
    const jobId = accepted.json.job_id as string;

    // Act
    const early = await pipeline.sweep();
    const whileWaiting = await pipeline.store.get(jobId);
    clock.advance(2 * HOUR_MS + 1000);
    const due = await pipeline.sweep();
    const done = await pipeline.untilStatus(jobId, 'completed');

    // Assess
    expect(accepted.statusCode).toBe(202);
    expect(accepted.json.status).toBe('delayed');
    expect(early.found).toBe(0);
    expect(whileWaiting?.status).toBe('delayed');
    expect(pipeline.target.of(jobId).length).toBe(1);
    expect(due).toMatchObject({ found: 1, sent: 1, failed: 0 });
    expect(done.attempts).toBe(1);
    expect((await pipeline.sweep()).found).toBe(0);
  });

  it('holds a delay on a FIFO queue, which SQS cannot delay per message, for the sweeper', async () => {
    // Prepare
    const accepted = await pipeline.ingest(postJob('order-processing', { data: dataFor('order-processing', { step: 'remind' }), group_id: 'order-9', delay: 30_000 }));
    const jobId = accepted.json.job_id as string;

    // Act
    clock.advance(31_000);
    const due = await pipeline.sweep();
    await pipeline.untilStatus(jobId, 'completed');

    // Assess
    expect(accepted.json.status).toBe('delayed');
    expect(due.sent).toBeGreaterThanOrEqual(1);
  });

  it('delays a short delay on a standard queue with SQS itself', async () => {
    // Act
    const postedAt = Date.now();
    const accepted = await pipeline.ingest(postJob('email', { data: dataFor('email', { to: 'y@example.com' }), delay: 2000 }));
    const jobId = accepted.json.job_id as string;
    const done = await pipeline.untilStatus(jobId, 'completed');

    // Assess
    expect(accepted.json.status).toBe('delayed');
    const delivered = pipeline.target.of(jobId)[0]?.at ?? 0;
    expect(delivered - postedAt).toBeGreaterThanOrEqual(2000);
    expect(done.attempts).toBe(1);
  });
});

describe('the reconciler', () => {
  const clock = new ShiftedClock();
  let dropSends = true;
  const crashingSends = (queues: QueueClient): QueueClient => sendsFailingWhile(queues, () => dropSends);

  const pipeline = new TestPipeline({ definitions: [fromCatalog('qr-analytics')], clock, ingestQueues: crashingSends });

  beforeAll(async () => {
    await pipeline.start();
    pipeline.startConsumers('qr-analytics');
  });
  afterAll(() => pipeline.stop());

  it('enqueues a job whose ingest died between the record and the send, and it completes exactly once', async () => {
    // Prepare: the record is written, the send never happens
    const accepted = await pipeline.ingest(postJob('qr-analytics', { data: dataFor('qr-analytics', { scan: 1 }) }));
    const jobId = accepted.json.job_id as string;
    dropSends = false;

    // Act
    const tooSoon = await pipeline.reconcile(120);
    clock.advance(121_000);
    const reconciled = await pipeline.reconcile(120);
    await pipeline.untilStatus(jobId, 'completed');
    clock.advance(121_000);
    const again = await pipeline.reconcile(120);

    // Assess
    expect(accepted.statusCode).toBe(202);
    expect(tooSoon.found).toBe(0);
    expect(reconciled).toMatchObject({ found: 1, sent: 1 });
    expect(pipeline.target.of(jobId)).toHaveLength(1);
    expect(again.found).toBe(0);
  });
});
