import { describe, expect, it } from 'vitest';
import { PAUSED_DELAY_SECONDS } from '../../functions/handlers/workflows/paused-batch';
import { catalog } from '../../lib/catalog';
import { adminApi, deliveriesOf, e2eCloud, jobStatus, partnerCall, postJob, untilStatus } from './support/e2e-context';
import { CATALOG_EDIT } from './support/project-copy';
import { dataFor } from '../helpers/job-data';

/** A body each catalog queue accepts: data its data schema takes, if it has one (the FIFO one needs a group). */
function bodyFor(queue: string): Record<string, unknown> {
  const entry = catalog.find((candidate) => candidate.name === queue);
  return { data: dataFor(queue, { for: queue }), ...(entry?.fifo ? { group_id: `group-${queue}` } : {}) };
}

describe('the pipeline through the local cloud, over HTTP', () => {
  it('delivers a job of every catalog queue, signed, to its target, and completes it', async () => {
    // Act
    const jobs = await Promise.all(catalog.map(async (entry) => ({ queue: entry.name, jobId: await postJob(entry.name, bodyFor(entry.name)) })));
    const finished = await Promise.all(jobs.map(async (job) => ({ ...job, record: await untilStatus(job.jobId, 'completed', 45_000) })));

    // Assess
    for (const { queue, jobId, record } of finished) {
      expect(record).toMatchObject({ job_id: jobId, queue, status: 'completed', attempts: 1 });
      const deliveries = await deliveriesOf(jobId);
      expect(deliveries).toEqual([expect.objectContaining({ queue, attempt: 1, verified: true })]);
    }
  });

  it('refuses a missing or wrong API key with 403, and holds a partner to its usage plan with 429', async () => {
    // Act
    const noKey = await partnerCall('/jobs/email', { body: { data: 1 }, key: null });
    const wrongKey = await partnerCall('/jobs/email', { body: { data: 1 }, key: 'not-a-key' });
    const globex = e2eCloud().apiKeys.globex ?? '';
    const burst = await Promise.all(Array.from({ length: 6 }, () => partnerCall('/jobs/no-such-job-id', { key: globex })));

    // Assess
    expect(noKey.status).toBe(403);
    expect(wrongKey.status).toBe(403);
    expect(burst.map((answer) => answer.status)).toContain(429);
  });

  it('refuses admin routes unsigned, wrongly signed, or with a partner key, with 403', async () => {
    // Act
    const unsigned = await fetch(`${e2eCloud().apiUrl}/admin/queues`);
    const wrong = await adminApi({ accessKeyId: e2eCloud().admin.access_key_id, secretAccessKey: 'not-the-secret' }).request('GET', '/admin/queues');
    const partner = await partnerCall('/admin/queues');
    const signed = await adminApi().request('GET', '/admin/queues');

    // Assess
    expect(unsigned.status).toBe(403);
    expect(wrong.status).toBe(403);
    expect(partner.status).toBe(403);
    expect(signed.status).toBe(200);
  });

  it('completes a job on attempt 3 after its target fails twice, with the backoff in its history', async () => {
    // Act
    const jobId = await postJob('webhook-delivery', { data: { respond: [503, 503, 200] } });
    const done = await untilStatus(jobId, 'completed', 45_000);

    // Assess: webhook-delivery backs off 2 s then 4 s (exponential, up to half of it jittered away)
    expect(done.attempts).toBe(3);
    const history = done.history as { attempt: number; outcome: string; category?: string; retry_in_ms?: number }[];
    expect(history.map((entry) => entry.outcome)).toEqual(['retrying', 'retrying', 'completed']);
    expect(history[0]?.retry_in_ms).toBeGreaterThanOrEqual(1000);
    expect(history[1]?.retry_in_ms).toBeGreaterThanOrEqual(2000);
    const deliveries = await deliveriesOf(jobId);
    expect(deliveries.map((delivery) => delivery.attempt)).toEqual([1, 2, 3]);
    expect((deliveries[2]?.at ?? 0) - (deliveries[1]?.at ?? 0)).toBeGreaterThanOrEqual(history[1]?.retry_in_ms ?? 0);
  });

  it('fails a job whose target always fails, and puts its message in the DLQ', async () => {
    // Act
    const jobId = await postJob('order-routing', { data: { respond: [403] } });
    const failed = await untilStatus(jobId, 'failed');
    const listed = await adminApi().request('GET', '/admin/queues/order-routing/failed');

    // Assess
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, error: { category: 'auth' } });
    const jobs = listed.body.jobs as { job_id: string; category: string }[];
    expect(jobs).toContainEqual(expect.objectContaining({ job_id: jobId, category: 'auth' }));
    const queues = (await adminApi().request('GET', '/admin/queues')).body.queues as { queue: string; dlq: number }[];
    expect(queues.find((queue) => queue.queue === 'order-routing')?.dlq).toBeGreaterThanOrEqual(1);
  });

  it('leaves messages waiting while a mapping is disabled, and drains them once it is enabled', async () => {
    // Prepare
    const paused = await adminApi().request('POST', '/admin/queues/qr-analytics/pause');

    // Act
    const jobId = await postJob('qr-analytics', { data: dataFor('qr-analytics', { scan: 1 }) });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const whilePaused = await jobStatus(jobId);
    const resumed = await adminApi().request('POST', '/admin/queues/qr-analytics/resume');
    // A poll already under way as the pause began may have handed the job to the consumer, which
    // gives it back for PAUSED_DELAY_SECONDS: allow for that on top of the usual wait.
    const done = await untilStatus(jobId, 'completed', 30_000 + PAUSED_DELAY_SECONDS * 1000);

    // Assess
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ paused: true });
    expect(whilePaused.status).toBe('waiting');
    expect(resumed.body).toMatchObject({ paused: false });
    expect(done.attempts).toBe(1);
  }, 120_000);

  it('answers ?wait=10 as soon as the job finishes', async () => {
    // Act
    const jobId = await postJob('email', { data: dataFor('email') });
    const started = Date.now();
    const job = await jobStatus(jobId, 10);

    // Assess
    expect(job.status).toBe('completed');
    expect(Date.now() - started).toBeLessThan(9000);
  });

  it('runs the catalog as edited: a changed attempts reaches the local run with no other edit', async () => {
    // Prepare
    const shipped = catalog.find((entry) => entry.name === CATALOG_EDIT.queue)?.attempts;

    // Act
    const jobId = await postJob(CATALOG_EDIT.queue, { data: dataFor(CATALOG_EDIT.queue, { respond: [503] }) });
    const failed = await untilStatus(jobId, 'failed', 45_000);

    // Assess
    expect(shipped).not.toBe(CATALOG_EDIT.attempts);
    expect(failed).toMatchObject({ max_attempts: CATALOG_EDIT.attempts, attempts: CATALOG_EDIT.attempts });
    expect(await deliveriesOf(jobId)).toHaveLength(CATALOG_EDIT.attempts);
  });
});
