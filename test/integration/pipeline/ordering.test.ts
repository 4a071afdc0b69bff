import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postBatch, postJob } from '../support/api-events';
import { FAST_BACKOFF, fromCatalog } from '../support/definitions';
import { TestPipeline } from '../support/pipeline';
import { dataFor } from '../../helpers/job-data';

describe('ordering', () => {
  const pipeline = new TestPipeline({
    definitions: [
      fromCatalog('order-processing', { backoff: FAST_BACKOFF, rateLimit: undefined }),
      fromCatalog('webhook-delivery'),
    ],
  });

  beforeAll(() => pipeline.start());
  afterAll(() => pipeline.stop());

  it('FIFO: while one message of a group fails, no later message of that group runs first', async () => {
    // Prepare: the first step of order-1 fails twice, then succeeds
    const failuresLeft = new Map([['order-1:confirm', 2]]);
    pipeline.target.answer((delivery) => {
      const key = (delivery.body.data as { step: string }).step;
      const left = failuresLeft.get(key) ?? 0;
      failuresLeft.set(key, left - 1);
      return left > 0 ? { status: 503 } : { status: 200 };
    });
    const steps = ['confirm', 'assign', 'dispatch', 'complete'];
    const jobIds: string[] = [];
    for (const step of steps) {
      for (const order of ['order-1', 'order-2']) {
        const accepted = await pipeline.ingest(postJob('order-processing', { data: dataFor('order-processing', { step: `${order}:${step}` }), group_id: order }));
        jobIds.push(accepted.json.job_id as string);
      }
    }

    // Act
    pipeline.startConsumers('order-processing');
    for (const jobId of jobIds) await pipeline.untilStatus(jobId, 'completed', 30_000);

    // Assess: order-1's deliveries are confirm ×3 (two failures), then the rest in order
    const order1 = pipeline.target.deliveries.map((delivery) => (delivery.body.data as { step: string }).step).filter((step) => step.startsWith('order-1'));
    expect(order1).toEqual(['order-1:confirm', 'order-1:confirm', 'order-1:confirm', 'order-1:assign', 'order-1:dispatch', 'order-1:complete']);
    const order2 = pipeline.target.deliveries.map((delivery) => (delivery.body.data as { step: string }).step).filter((step) => step.startsWith('order-2'));
    expect(order2).toEqual(steps.map((step) => `order-2:${step}`));
  });

  it('priority: an urgent job added behind 200 normal ones starts before at least 190 of them', async () => {
    // Prepare: a backlog of 200 normal jobs, then one urgent job
    pipeline.target.answer(() => ({ status: 200, delayMs: 20 }));
    for (let batch = 0; batch < 2; batch += 1) {
      const response = await pipeline.ingest(postBatch('webhook-delivery', Array.from({ length: 100 }, (_, index) => ({ data: { n: batch * 100 + index } }))));
      expect(response.json.accepted).toBe(100);
    }
    const urgent = await pipeline.ingest(postJob('webhook-delivery', { data: { urgent: true }, priority: 'urgent' }));
    const urgentId = urgent.json.job_id as string;

    // Act
    pipeline.startConsumers('webhook-delivery');
    await pipeline.untilStatus(urgentId, 'completed');

    // Assess
    const urgentAt = pipeline.target.of(urgentId)[0]?.at ?? Number.POSITIVE_INFINITY;
    const normalBefore = pipeline.target.deliveries.filter((delivery) => delivery.body.queue === 'webhook-delivery' && delivery.at < urgentAt);
    expect(normalBefore.length).toBeLessThanOrEqual(10);
  });
});
