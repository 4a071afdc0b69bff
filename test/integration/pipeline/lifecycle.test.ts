import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJob, postJob } from '../support/api-events';
import { fromCatalog } from '../support/definitions';
import { TestPipeline } from '../support/pipeline';

describe('a job through the pipeline', () => {
  const pipeline = new TestPipeline({ definitions: [fromCatalog('payments'), fromCatalog('email')] });

  beforeAll(async () => {
    await pipeline.start();
    pipeline.startConsumers('payments');
  });
  afterAll(() => pipeline.stop());

  it('is accepted, queued on its lane, delivered signed, and completed with result and history', async () => {
    // Prepare
    const body = { name: 'stk_push', data: { intentId: 'pi-1', payload: { action: 'stk_push', amount: 1000 } }, priority: 'high' };

    // Act
    const accepted = await pipeline.ingest(postJob('payments', body, { 'x-correlation-id': 'corr-1' }));
    const jobId = accepted.json.job_id as string;
    const done = await pipeline.status(getJob(jobId, 15));

    // Assess
    expect(accepted.statusCode).toBe(202);
    expect(accepted.json).toMatchObject({ ok: true, queue: 'payments', status: 'waiting' });
    expect(done.json).toMatchObject({
      job_id: jobId,
      status: 'completed',
      priority: 'high',
      attempts: 1,
      max_attempts: 3,
      result: { status: 200, body: { received: true } },
      history: [{ attempt: 1, outcome: 'completed' }],
    });
    const [delivery] = pipeline.target.of(jobId);
    expect(delivery?.verified).toBe(true);
    expect(delivery?.body).toMatchObject({ job_id: jobId, queue: 'payments', name: 'stk_push', attempt: 1, data: body.data, correlation_id: 'corr-1' });
  });

  it('records a waiting job on the lane of its priority', async () => {
    // Prepare: email has no consumer running, so the message stays put
    const accepted = await pipeline.ingest(postJob('email', { data: { to: 'a@example.com', subject: 'Receipt', template: 'receipt' }, priority: 20 }));
    const jobId = accepted.json.job_id as string;

    // Act
    const record = await pipeline.store.get(jobId);
    const backlog = await pipeline.queueClient.backlog(pipeline.queues.email?.laneUrls.default ?? '');

    // Assess
    expect(record).toMatchObject({ status: 'waiting', priority: 'urgent', attempts: 0, queue: 'email' });
    expect(backlog).toBe(1);
  });

  it('returns the live twin of a deduplicated job, and accepts a new run once it completed', async () => {
    // Prepare
    const request = { data: { intentId: 'pi-twin', payload: { amount: 5 } } };
    pipeline.target.answer(() => ({ status: 200, body: { ok: 1 }, delayMs: 500 }));

    // Act
    const first = await pipeline.ingest(postJob('payments', request));
    const twin = await pipeline.ingest(postJob('payments', request));
    await pipeline.untilStatus(first.json.job_id as string, 'completed');
    const rerun = await pipeline.ingest(postJob('payments', request));
    await pipeline.untilStatus(first.json.job_id as string, 'completed');
    pipeline.target.answer(() => ({ status: 200, body: { received: true } }));

    // Assess
    expect(first.statusCode).toBe(202);
    expect(twin.statusCode).toBe(200);
    expect(twin.json).toMatchObject({ ok: true, job_id: first.json.job_id, duplicate: true });
    expect(rerun.statusCode).toBe(202);
    expect(rerun.json.job_id).toBe(first.json.job_id);
    expect(pipeline.target.of(first.json.job_id as string)).toHaveLength(2);
  });
});
