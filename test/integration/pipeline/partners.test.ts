import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteJob, getJob, postJob } from '../support/api-events';
import { fromCatalog } from '../support/definitions';
import { TestPipeline } from '../support/pipeline';

/** The second partner's key id in the test pipeline (`TEST_PARTNER_KEYS`). */
const OTHER_KEY_ID = 'other-key-id';

describe('partners kept apart', () => {
  const pipeline = new TestPipeline({ definitions: [fromCatalog('payment-reminders'), fromCatalog('image-processing')] });

  beforeAll(async () => {
    await pipeline.start();
    pipeline.target.answer(() => ({ status: 200 }));
    pipeline.startConsumers('payment-reminders');
  });
  afterAll(() => pipeline.stop());

  it('runs both jobs when two partners send the same dedup key, and still dedups within one partner', async () => {
    // Prepare
    const body = { data: { reminder: 'overdue' }, dedup_key: `invoice-${crypto.randomUUID()}` };

    // Act
    const first = await pipeline.ingest(postJob('payment-reminders', body));
    const twin = await pipeline.ingest(postJob('payment-reminders', body));
    const other = await pipeline.ingest(postJob('payment-reminders', body, {}, OTHER_KEY_ID));
    const firstId = first.json.job_id as string;
    const otherId = other.json.job_id as string;
    await pipeline.untilStatus(firstId, 'completed');
    await pipeline.untilStatus(otherId, 'completed');

    // Assess
    expect(first.statusCode).toBe(202);
    expect(twin).toMatchObject({ statusCode: 200, json: { job_id: firstId, duplicate: true } });
    expect(other.statusCode).toBe(202);
    expect(otherId).not.toBe(firstId);
    expect(pipeline.target.of(firstId)).toHaveLength(1);
    expect(pipeline.target.of(otherId)).toHaveLength(1);
    expect(await pipeline.store.get(firstId)).toMatchObject({ partner: 'test-partner' });
    expect(await pipeline.store.get(otherId)).toMatchObject({ partner: 'other-partner' });
  });

  it("answers another partner's read, long-poll and cancel 404 as for a missing id, and the job stays waiting", async () => {
    // Prepare: image-processing has no consumer, so the job waits
    const accepted = await pipeline.ingest(postJob('image-processing', { data: { image: 'c.png' } }));
    const jobId = accepted.json.job_id as string;

    // Act
    const read = await pipeline.status(getJob(jobId, undefined, OTHER_KEY_ID));
    const poll = await pipeline.status(getJob(jobId, 5, OTHER_KEY_ID));
    const cancel = await pipeline.status(deleteJob(jobId, OTHER_KEY_ID));
    const missing = await pipeline.status(getJob(`${jobId}x`, undefined, OTHER_KEY_ID));
    const own = await pipeline.status(getJob(jobId));

    // Assess
    for (const refusal of [read, poll, cancel]) {
      expect(refusal.statusCode).toBe(404);
      expect(refusal.json.error).toEqual({ code: 'job_not_found', message: `there is no job with id "${jobId}"` });
    }
    expect(missing.json.error).toEqual({ code: 'job_not_found', message: `there is no job with id "${jobId}x"` });
    expect(own).toMatchObject({ statusCode: 200, json: { status: 'waiting', partner: 'test-partner' } });
  });
});
