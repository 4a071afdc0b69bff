import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobIdFor } from '../../../functions/core/dedup';
import { JobFailedError } from '../../../functions/core/errors';
import type { JobMessage } from '../../../functions/core/job';
import { finalJobNotifier } from '../../../functions/handlers/workflows/notify-final';
import type { Processor } from '../../../functions/processors/processor';
import { apiEvent, getJob, postJob } from '../support/api-events';
import { FAST_BACKOFF, fromCatalog } from '../support/definitions';
import { TestPipeline } from '../support/pipeline';

const API_BASE_URL = 'https://api.test.example/v1';
const PARTNER = 'test-partner';

/** `POST /jobs/{id}/progress?token=…` as API Gateway hands it over: no API key. */
function progressPost(jobId: string, token: string, progress: unknown) {
  return apiEvent({
    method: 'POST',
    resource: '/jobs/{id}/progress',
    path: `/jobs/${jobId}/progress`,
    pathParameters: { id: jobId },
    query: { token },
    body: JSON.stringify({ progress }),
  });
}

function getWithData(jobId: string) {
  return apiEvent({ method: 'GET', resource: '/jobs/{id}', path: `/jobs/${jobId}`, pathParameters: { id: jobId }, query: { include: 'data' } });
}

/** What one attempt saw of its progress URL, and what its reports were answered. */
interface AttemptSeen {
  readonly jobId: string;
  readonly attempt: number;
  readonly token: string;
  readonly answers: number[];
}

describe('progress, a job\'s data and notify, through DynamoDB Local and SQS', () => {
  const seen: AttemptSeen[] = [];
  const events: JobMessage[] = [];
  // The target: reports progress at its URL while it runs; a job named fail-once fails its first attempt,
  // and its second attempt tries the first attempt's token as well.
  const target: Processor = async (job, context) => {
    const url = new URL(context.progressUrl ?? 'https://missing.invalid/');
    const token = url.searchParams.get('token') ?? '';
    const answers: number[] = [];
    answers.push((await pipeline.status(progressPost(job.jobId, token, 50))).statusCode);
    answers.push((await pipeline.status(progressPost(job.jobId, 'not-the-token', 60))).statusCode);
    const earlier = seen.find((attempt) => attempt.jobId === job.jobId);
    if (earlier !== undefined) answers.push((await pipeline.status(progressPost(job.jobId, earlier.token, 70))).statusCode);
    answers.push((await pipeline.status(progressPost(job.jobId, token, { step: 'done', of: 2 }))).statusCode);
    seen.push({ jobId: job.jobId, attempt: context.attempt, token, answers });
    if (job.name === 'fail-once' && context.attempt === 1) throw new JobFailedError('HTTP 503', 'server');
    return { ok: true };
  };
  const recordEvents: Processor = async (job) => {
    events.push(job);
    return { delivered: true };
  };
  const pipeline: TestPipeline = new TestPipeline({
    definitions: [fromCatalog('order-routing', { backoff: FAST_BACKOFF, timeoutMs: 5000 }), fromCatalog('webhook-delivery', { backoff: FAST_BACKOFF, timeoutMs: 1000 })],
    processors: { 'order-routing': target, 'webhook-delivery': recordEvents },
  });
  const notifier = () => finalJobNotifier({ ...pipeline.enqueueDeps(), notifyQueue: 'webhook-delivery' });

  beforeAll(async () => {
    await pipeline.start();
    pipeline.startConsumers('order-routing', { overrides: { apiBaseUrl: API_BASE_URL, notifier: notifier() } });
    pipeline.startConsumers('webhook-delivery');
  });
  afterAll(() => pipeline.stop());

  const add = async (body: Record<string, unknown>): Promise<string> => {
    const answer = await pipeline.ingest(postJob('order-routing', body));
    expect(answer.statusCode, answer.body).toBe(202);
    return String(answer.json.job_id);
  };

  it('takes progress only with the attempt\'s token while active, shows it, and answers 409 once the job is final', async () => {
    // Prepare
    const jobId = await add({ name: 'route', data: { order: 'o-1' } });

    // Act
    const done = await pipeline.untilStatus(jobId, 'completed');
    const view = await pipeline.status(getJob(jobId));
    const late = await pipeline.status(progressPost(jobId, seen.find((attempt) => attempt.jobId === jobId)?.token ?? '', 100));

    // Assess: 200 for the token, 404 for a wrong one, 200 again; the record shows the latest and no token
    expect(seen.filter((attempt) => attempt.jobId === jobId).map((attempt) => attempt.answers)).toEqual([[200, 404, 200]]);
    expect(seen.find((attempt) => attempt.jobId === jobId)?.token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(view.json).toMatchObject({ status: 'completed', progress: { step: 'done', of: 2 } });
    expect(JSON.stringify(view.json)).not.toContain(seen.find((attempt) => attempt.jobId === jobId)?.token);
    expect(done.progressToken).toBeUndefined();
    expect(late.statusCode).toBe(409);
    expect(late.json).toMatchObject({ ok: false, error: { code: 'job_finished' } });
  });

  it('gives each attempt its own token: the first attempt\'s stops working when it ends', async () => {
    // Prepare
    const jobId = await add({ name: 'fail-once', data: { order: 'o-2' } });

    // Act
    await pipeline.untilStatus(jobId, 'completed');

    // Assess: the second attempt was refused with the first attempt's token
    const attempts = seen.filter((attempt) => attempt.jobId === jobId);
    expect(attempts.map((attempt) => attempt.attempt)).toEqual([1, 2]);
    expect(attempts[0]?.token).not.toBe(attempts[1]?.token);
    expect(attempts[1]?.answers).toEqual([200, 404, 404, 200]);
  });

  it('answers 404 for a job that does not exist, as for a wrong token', async () => {
    // Act
    const answer = await pipeline.status(progressPost('no-such-job', 'whatever', 10));

    // Assess
    expect(answer.statusCode).toBe(404);
    expect(answer.json).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('adds a job.completed event for the notify endpoint once, even when the job is settled twice', async () => {
    // Prepare
    const endpoint = await pipeline.endpoints.create({ userId: 'notify-user', url: 'https://shop.example.com/hooks', partner: PARTNER, now: new Date() });
    const jobId = await add({ name: 'route', data: { order: 'o-3' }, notify: { endpoint_id: endpoint.endpointId } });
    const job = await pipeline.untilStatus(jobId, 'completed');
    const eventId = jobIdFor(PARTNER, 'webhook-delivery', `notify:${jobId}:${job.runId}:completed`);
    const event = await pipeline.untilStatus(eventId, 'completed');

    // Act: the same outcome settled again
    await notifier().jobFinished(job);

    // Assess: one event job, delivered once, to the endpoint, with the job's outcome; still the first run
    const delivered = events.filter((message) => message.jobId === eventId);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({
      name: 'job.completed',
      endpointId: endpoint.endpointId,
      partner: PARTNER,
      data: { type: 'job.completed', job_id: jobId, queue: 'order-routing', name: 'route', status: 'completed', result: { ok: true }, attempts: 1 },
    });
    const after = await pipeline.store.get(eventId);
    expect(after?.runId).toBe(event.runId);
    expect(after?.attempts).toBe(1);
  });

  it('refuses notify naming an endpoint of another partner, writing nothing', async () => {
    // Prepare
    const foreign = await pipeline.endpoints.create({ userId: 'other-user', url: 'https://other.example.com/hooks', partner: 'other-partner', now: new Date() });

    // Act
    const answer = await pipeline.ingest(postJob('order-routing', { data: { order: 'o-4' }, notify: { endpoint_id: foreign.endpointId } }));

    // Assess
    expect(answer.statusCode).toBe(400);
    expect(answer.json).toMatchObject({ ok: false, error: { details: [{ field: 'notify.endpoint_id' }] } });
  });

  it('gives the owner the job\'s data with include=data: kept inline, kept in its own item, or said to be gone', async () => {
    // Prepare: small data stays in the record; large data has its own item; medium data was dropped by the claim
    const small = await add({ name: 'route', data: { order: 'o-5' } });
    const large = await add({ name: 'route', data: { order: 'o-6', notes: 'n'.repeat(2000) } });
    const medium = await add({ name: 'route', data: { order: 'o-7', notes: 'm'.repeat(450) } });
    await Promise.all([small, large, medium].map((jobId) => pipeline.untilStatus(jobId, 'completed')));

    // Act
    const [smallView, largeView, mediumView] = await Promise.all([small, large, medium].map((jobId) => pipeline.status(getWithData(jobId))));
    const plain = await pipeline.status(getJob(small));

    // Assess
    expect(smallView.json).toMatchObject({ status: 'completed', data: { order: 'o-5' } });
    expect(largeView.json).toMatchObject({ status: 'completed', data: { order: 'o-6', notes: 'n'.repeat(2000) } });
    expect(mediumView.json).toMatchObject({ status: 'completed', data_available: false });
    expect(mediumView.json).not.toHaveProperty('data');
    expect(plain.json).not.toHaveProperty('data');
    expect(plain.json).not.toHaveProperty('data_available');
  });
});
