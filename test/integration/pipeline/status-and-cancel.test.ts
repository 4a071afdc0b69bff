import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteJob, getJob, postJob } from '../support/api-events';
import { fromCatalog } from '../support/definitions';
import { TestPipeline } from '../support/pipeline';
import { dataFor } from '../../helpers/job-data';

describe('job status and cancel', () => {
  const pipeline = new TestPipeline({ definitions: [fromCatalog('data-export'), fromCatalog('image-processing')] });

  beforeAll(async () => {
    await pipeline.start();
    pipeline.startConsumers('data-export');
  });
  afterAll(() => pipeline.stop());

  it('?wait=N returns as soon as the job finishes, not after N seconds', async () => {
    // Prepare: the target takes 1.5 s
    pipeline.target.answer(() => ({ status: 200, body: { file: 'export.csv' }, delayMs: 1500 }));
    const accepted = await pipeline.ingest(postJob('data-export', { data: dataFor('data-export', { exportType: 'csv' }) }));

    // Act
    const started = Date.now();
    const response = await pipeline.status(getJob(accepted.json.job_id as string, 10));
    const tookMs = Date.now() - started;

    // Assess
    expect(response.json).toMatchObject({ status: 'completed', result: { status: 200, body: { file: 'export.csv' } } });
    expect(tookMs).toBeLessThan(8000);
  });

  it('without wait, answers at once with the current state', async () => {
    // Prepare: image-processing has no consumer, so its job stays waiting
    const accepted = await pipeline.ingest(postJob('image-processing', { data: { image: 'a.png' } }));

    // Act
    const response = await pipeline.status(getJob(accepted.json.job_id as string));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.json).toMatchObject({ ok: true, status: 'waiting', attempts: 0, history: [] });
  });

  it('cancels a waiting job, and its message is dropped, not run, when it is consumed', async () => {
    // Prepare
    const accepted = await pipeline.ingest(postJob('image-processing', { data: { image: 'b.png' } }));
    const jobId = accepted.json.job_id as string;

    // Act
    const cancelled = await pipeline.status(deleteJob(jobId));
    const again = await pipeline.status(deleteJob(jobId));
    pipeline.startConsumers('image-processing');
    const url = pipeline.queues['image-processing']?.laneUrls.default ?? '';
    await pipeline.until('the image queue to drain', async () => (await pipeline.queueClient.backlog(url)) === 0);
    await new Promise((resolve) => setTimeout(resolve, 1500));

    // Assess
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json).toMatchObject({ job_id: jobId, status: 'cancelled' });
    expect(again.statusCode).toBe(409);
    expect(again.json).toMatchObject({ ok: false, error: { code: 'not_cancellable' } });
    expect(pipeline.target.of(jobId)).toHaveLength(0);
    expect((await pipeline.store.get(jobId))?.status).toBe('cancelled');
  });

  it('refuses to cancel a completed job with 409, an unknown one with 404, a malformed id with 400', async () => {
    // Prepare
    pipeline.target.answer(() => ({ status: 200 }));
    const accepted = await pipeline.ingest(postJob('data-export', { data: dataFor('data-export', { exportType: 'json' }) }));
    await pipeline.untilStatus(accepted.json.job_id as string, 'completed');

    // Act
    const completed = await pipeline.status(deleteJob(accepted.json.job_id as string));
    const unknown = await pipeline.status(getJob('no-such-job'));
    const malformed = await pipeline.status(getJob('../etc'));
    const badWait = await pipeline.status(getJob('no-such-job', 99));

    // Assess
    expect(completed.statusCode).toBe(409);
    expect(completed.json.error).toMatchObject({ code: 'not_cancellable', message: expect.stringContaining('completed') });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json.error).toMatchObject({ code: 'job_not_found' });
    expect(malformed.statusCode).toBe(400);
    expect(badWait.statusCode).toBe(400);
  });
});
