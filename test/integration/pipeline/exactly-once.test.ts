import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJob } from '../support/api-events';
import { fromCatalog } from '../support/definitions';
import { TestPipeline } from '../support/pipeline';
import { dataFor } from '../../helpers/job-data';

/** A ManyChat contact sync, as the queue's data schema takes it. */
const SYNC = dataFor('manychat-sync', { contact: 'c-1' });

describe('at-least-once delivery, exactly-once runs', () => {
  const pipeline = new TestPipeline({ definitions: [fromCatalog('manychat-sync'), fromCatalog('credit-score-calculation')] });

  beforeAll(async () => {
    await pipeline.start();
    pipeline.startConsumers('manychat-sync');
  });
  afterAll(() => pipeline.stop());

  it('does nothing with a second delivery of an already completed job', async () => {
    // Prepare
    const accepted = await pipeline.ingest(postJob('manychat-sync', { data: SYNC }));
    const jobId = accepted.json.job_id as string;
    const done = await pipeline.untilStatus(jobId, 'completed');

    // Act: SQS delivers the same message again
    const url = pipeline.queues['manychat-sync']?.laneUrls.default ?? '';
    await pipeline.queueClient.send(url, {
      message: { jobId, runId: done.runId, queue: 'manychat-sync', name: done.name, data: SYNC, priority: 'normal' },
    });
    await pipeline.until('the copy to be consumed', async () => (await pipeline.queueClient.backlog(url)) === 0);
    await new Promise((resolve) => setTimeout(resolve, 1500));

    // Assess
    expect(pipeline.target.of(jobId)).toHaveLength(1);
    expect(await pipeline.store.get(jobId)).toMatchObject({ status: 'completed', attempts: 1, updatedAt: done.updatedAt });
  });

  it('runs a job once when two consumers race for two copies of its message', async () => {
    // Prepare: two copies on the queue, and two independent consumers
    pipeline.target.answer(() => ({ status: 200, delayMs: 300 }));
    const accepted = await pipeline.ingest(postJob('credit-score-calculation', { data: { retailer: 'r-1' } }));
    const jobId = accepted.json.job_id as string;
    const record = await pipeline.store.get(jobId);
    const url = pipeline.queues['credit-score-calculation']?.laneUrls.default ?? '';
    await pipeline.queueClient.send(url, {
      message: { jobId, runId: record?.runId ?? '', queue: 'credit-score-calculation', name: record?.name ?? '', data: { retailer: 'r-1' }, priority: 'normal' },
    });

    // Act
    pipeline.startConsumers('credit-score-calculation', { batchSize: 1 });
    pipeline.startConsumers('credit-score-calculation', { batchSize: 1 });
    await pipeline.untilStatus(jobId, 'completed');
    await new Promise((resolve) => setTimeout(resolve, 1500));

    // Assess
    expect(pipeline.target.of(jobId)).toHaveLength(1);
    expect(await pipeline.store.get(jobId)).toMatchObject({ status: 'completed', attempts: 1 });
  });
});
