import { describe, expect, expectTypeOf, it } from 'vitest';
import { BulkAddError } from '../../../client/src/bulk-add-error';
import { InvalidOptionError, JobPipelineError, UnsupportedOptionError } from '../../../client/src/errors';
import { Job } from '../../../client/src/job';
import { Queue, type QueueData } from '../../../client/src/queue';
import { errorEnvelope, fakeFetch, jobView, TEST_URL, type FakeCall, type FakeReply } from './fake-fetch';

const QUEUED_AT = '2026-01-01T00:00:00.000Z';

/** A batch answer as the server gives it: one acceptance or refusal per job, in order. */
function batchAnswer(call: FakeCall, refuse: (index: number) => boolean, status?: number): FakeReply {
  const jobs = (call.body as { jobs: unknown[] }).jobs;
  const results = jobs.map((_, index) =>
    refuse(index) ? errorEnvelope('invalid_request', 'the job request is invalid; see details', [{ field: 'data', message: 'bad' }]) : { ok: true, job_id: `j-${index}`, queue: 'order-routing', status: 'waiting', queued_at: QUEUED_AT },
  );
  const accepted = results.filter((result) => result.ok === true).length;
  const answerStatus = status ?? (accepted === jobs.length ? 202 : accepted === 0 ? 400 : 207);
  return { status: answerStatus, body: { ok: accepted === jobs.length, accepted, rejected: jobs.length - accepted, results } };
}

describe('new Queue(name, { url, apiKey })', () => {
  it("refuses BullMQ's connection option, naming what to give instead", () => {
    // Act
    const make = () => new Queue('order-routing', { connection: { host: 'localhost' } } as never);

    // Assess
    expect(make).toThrow(UnsupportedOptionError);
    expect(make).toThrow(/"connection".*url and apiKey/);
  });

  it('needs a URL and an API key', () => {
    expect(() => new Queue('order-routing', { url: 'api.test', apiKey: 'k' })).toThrow(InvalidOptionError);
    expect(() => new Queue('order-routing', { url: TEST_URL, apiKey: '' })).toThrow(/apiKey/);
  });

  it('checks defaultJobOptions at once, and applies them under each job\'s own', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch([{ status: 202, body: { ok: true, job_id: 'j', queue: 'order-routing', status: 'waiting', queued_at: QUEUED_AT } }]);
    const queue = new Queue('order-routing', { url: TEST_URL, apiKey: 'k', fetch, defaultJobOptions: { attempts: 5, priority: 1 } });

    // Act
    await queue.add('welcome', {}, { priority: 50 });

    // Assess
    expect(() => new Queue('order-routing', { url: TEST_URL, apiKey: 'k', defaultJobOptions: { removeOnComplete: true } as never })).toThrow(UnsupportedOptionError);
    expect(calls[0]?.body).toEqual({ name: 'welcome', data: {}, attempts: 5, priority: 'normal' });
  });

  it("types data by the catalog's schema for a catalog queue, and unknown for others", () => {
    expectTypeOf<QueueData<'payments'>>().toHaveProperty('intentId').toEqualTypeOf<string>();
    expectTypeOf<QueueData<'webhook-delivery'>>().toBeUnknown();
    expectTypeOf<QueueData<string>>().toBeUnknown();
    expectTypeOf(new Queue('payments', { url: TEST_URL, apiKey: 'k' }).add).parameter(1).toEqualTypeOf<QueueData<'payments'>>();
  });
});

describe('queue.add', () => {
  it('posts the job with the API key and returns a Job with its fields', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch([{ status: 202, body: { ok: true, job_id: 'd-abc', queue: 'order-routing', status: 'delayed', queued_at: QUEUED_AT } }]);
    const queue = new Queue('order-routing', { url: `${TEST_URL}/`, apiKey: 'key-1', fetch });
    const data = { to: 'a@example.com', subject: 'Hi', template: 'welcome' };

    // Act
    const job = await queue.add('welcome', data, { jobId: 'w-1', priority: 1, delay: 60_000, attempts: 2, backoff: 1000 });

    // Assess
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ method: 'POST', url: `${TEST_URL}/jobs/order-routing`, headers: { 'x-api-key': 'key-1', 'content-type': 'application/json' } });
    expect(calls[0]?.body).toEqual({
      name: 'welcome',
      data,
      dedup_key: 'w-1',
      priority: 'urgent',
      delay: 60_000,
      attempts: 2,
      backoff: { type: 'fixed', delay: 1000 },
    });
    expect(job).toBeInstanceOf(Job);
    expect(job).toMatchObject({
      id: 'd-abc',
      name: 'welcome',
      queueName: 'order-routing',
      data,
      opts: { jobId: 'w-1', priority: 1 },
      progress: 0,
      returnvalue: null,
      failedReason: undefined,
      attemptsMade: 0,
      status: 'delayed',
      timestamp: Date.parse(QUEUED_AT),
    });
  });

  it("returns the live twin's job for a duplicate (200)", async () => {
    // Prepare
    const { fetch } = fakeFetch([{ status: 200, body: { ok: true, job_id: 'd-abc', queue: 'order-routing', duplicate: true, status: 'active' } }]);
    const queue = new Queue('order-routing', { url: TEST_URL, apiKey: 'k', fetch });

    // Act
    const job = await queue.add('welcome', {}, { jobId: 'w-1' });

    // Assess
    expect(job).toMatchObject({ id: 'd-abc', status: 'active' });
  });

  it('throws an unsupported option before sending anything', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch([{ status: 202, body: {} }]);
    const queue = new Queue('order-routing', { url: TEST_URL, apiKey: 'k', fetch });

    // Act, Assess
    await expect(queue.add('welcome', {}, { lifo: true } as never)).rejects.toMatchObject({ code: 'unsupported_option', option: 'lifo' });
    expect(calls).toHaveLength(0);
  });
});

describe('queue.addBulk', () => {
  it('sends 250 jobs as three requests of 100, 100 and 50, in order, and returns every job', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch((call) => batchAnswer(call, () => false));
    const queue = new Queue('order-routing', { url: TEST_URL, apiKey: 'k', fetch });
    const jobs = Array.from({ length: 250 }, (_, index) => ({ name: 'welcome', data: { n: index }, opts: { priority: 1 } }));

    // Act
    const added = await queue.addBulk(jobs);

    // Assess
    expect(calls.map((call) => [call.path, (call.body as { jobs: unknown[] }).jobs.length])).toEqual([
      ['/prod/jobs/order-routing/batch', 100],
      ['/prod/jobs/order-routing/batch', 100],
      ['/prod/jobs/order-routing/batch', 50],
    ]);
    expect((calls[2]?.body as { jobs: unknown[] }).jobs[0]).toEqual({ name: 'welcome', data: { n: 200 }, priority: 'urgent' });
    expect(added).toHaveLength(250);
    expect(added[200]).toMatchObject({ id: 'j-0', data: { n: 200 }, opts: { priority: 1 } });
  });

  it.each([
    ['207 (some refused)', undefined],
    ['202 with ok: false (older servers)', 202],
  ])('rejects with BulkAddError saying each outcome in order, on %s', async (_, status) => {
    // Prepare
    const { fetch } = fakeFetch((call) => batchAnswer(call, (index) => index === 1, status));
    const queue = new Queue('order-routing', { url: TEST_URL, apiKey: 'k', fetch });

    // Act
    let thrown: unknown;
    try {
      await queue.addBulk([{ name: 'a', data: 1 }, { name: 'b', data: 2 }, { name: 'c', data: 3 }]);
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect(thrown).toBeInstanceOf(BulkAddError);
    expect(thrown).toBeInstanceOf(JobPipelineError);
    const error = thrown as BulkAddError<Job>;
    expect(error).toMatchObject({ name: 'BulkAddError', code: 'jobs_refused', details: { accepted: 2, rejected: 1 } });
    expect(error.results.map((result) => (result.job ? `job ${result.job.name}` : `error ${result.error.code}`))).toEqual(['job a', 'error invalid_request', 'job c']);
    expect(error.results[1]?.error?.message).toContain('data: bad');
    expect(error.jobs.map((job) => job.data)).toEqual([1, 3]);
  });

  it('rejects with BulkAddError when none is accepted (400 with results)', async () => {
    // Prepare
    const { fetch } = fakeFetch((call) => batchAnswer(call, () => true));
    const queue = new Queue('order-routing', { url: TEST_URL, apiKey: 'k', fetch });

    // Act, Assess
    await expect(queue.addBulk([{ name: 'a', data: 1 }])).rejects.toMatchObject({ name: 'BulkAddError', status: 400, details: { accepted: 0, rejected: 1 } });
  });

  it('throws the plain error when the first request is refused as a whole', async () => {
    // Prepare
    const { fetch } = fakeFetch([{ status: 413, body: errorEnvelope('payload_too_large', 'too big') }]);
    const queue = new Queue('order-routing', { url: TEST_URL, apiKey: 'k', fetch });

    // Act
    const add = queue.addBulk([{ name: 'a', data: 1 }]);

    // Assess
    await expect(add).rejects.not.toBeInstanceOf(BulkAddError);
    await expect(add).rejects.toMatchObject({ status: 413, code: 'payload_too_large' });
  });

  it('keeps the accepted jobs of earlier requests when a later one fails as a whole', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch((call, index) => (index === 0 ? batchAnswer(call, () => false) : { status: 403, body: { message: 'Forbidden' } }));
    const queue = new Queue('order-routing', { url: TEST_URL, apiKey: 'k', fetch });
    const jobs = Array.from({ length: 250 }, (_, index) => ({ name: 'x', data: index }));

    // Act
    const add = queue.addBulk(jobs);

    // Assess
    await expect(add).rejects.toBeInstanceOf(BulkAddError);
    const error = (await add.catch((caught: unknown) => caught)) as BulkAddError<Job>;
    expect(calls).toHaveLength(2);
    expect(error.jobs).toHaveLength(100);
    expect(error.results[100]?.error).toMatchObject({ status: 403, code: 'http_403' });
    expect(error.results[249]?.error).toMatchObject({ code: 'not_sent' });
  });

  it('retries a batch only when each of its jobs has a jobId', async () => {
    // Prepare
    const outage = (call: FakeCall, index: number): FakeReply => (index % 2 === 0 ? { status: 503, body: {} } : batchAnswer(call, () => false));
    const unsafe = fakeFetch(outage);
    const safe = fakeFetch(outage);
    const settings = { url: TEST_URL, apiKey: 'k', retries: { retries: 1, baseDelayMs: 0 } };

    // Act
    const unsafeAdd = new Queue('order-routing', { ...settings, fetch: unsafe.fetch }).addBulk([{ name: 'a', data: 1, opts: { jobId: 'a' } }, { name: 'b', data: 2 }]);
    const safeAdd = new Queue('order-routing', { ...settings, fetch: safe.fetch }).addBulk([{ name: 'a', data: 1, opts: { jobId: 'a' } }, { name: 'b', data: 2, opts: { jobId: 'b' } }]);

    // Assess
    await expect(unsafeAdd).rejects.toMatchObject({ status: 503 });
    await expect(safeAdd).resolves.toHaveLength(2);
    expect(unsafe.calls).toHaveLength(1);
    expect(safe.calls).toHaveLength(2);
  });

  it('checks every job\'s options before sending any', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch((call) => batchAnswer(call, () => false));
    const queue = new Queue('order-routing', { url: TEST_URL, apiKey: 'k', fetch });

    // Act, Assess
    await expect(queue.addBulk([{ name: 'a', data: 1 }, { name: 'b', data: 2, opts: { repeat: { every: 1000 } } as never }])).rejects.toBeInstanceOf(UnsupportedOptionError);
    expect(calls).toHaveLength(0);
  });
});

describe('queue.getJob', () => {
  it('reads the job and maps its fields onto BullMQ names', async () => {
    // Prepare
    const view = jobView({ status: 'completed', attempts: 2, result: { status: 200, body: { sent: true } }, progress: 100, updated_at: '2026-01-01T00:00:05.000Z' });
    const { fetch, calls } = fakeFetch([{ status: 200, body: view }]);
    const queue = new Queue('order-routing', { url: TEST_URL, apiKey: 'k', fetch });

    // Act
    const job = await queue.getJob('job-1');

    // Assess
    expect(calls[0]).toMatchObject({ method: 'GET', path: '/prod/jobs/job-1?include=data' });
    expect(job).toMatchObject({
      id: 'job-1',
      name: 'welcome',
      queueName: 'order-routing',
      data: undefined,
      opts: { attempts: 3 },
      progress: 100,
      returnvalue: { status: 200, body: { sent: true } },
      attemptsMade: 2,
      timestamp: Date.parse('2026-01-01T00:00:00.000Z'),
      finishedOn: Date.parse('2026-01-01T00:00:05.000Z'),
      status: 'completed',
    });
  });

  it("takes a failed job's error message as failedReason, and progress 0 when none was reported", async () => {
    // Prepare
    const { fetch } = fakeFetch([{ status: 200, body: jobView({ status: 'failed', error: { category: 'auth', message: 'target answered 403' } }) }]);
    const queue = new Queue('order-routing', { url: TEST_URL, apiKey: 'k', fetch });

    // Act
    const job = await queue.getJob('job-1');

    // Assess
    expect(job).toMatchObject({ failedReason: 'target answered 403', progress: 0, returnvalue: null });
  });

  it("takes the job's data when the server returns it", async () => {
    // Prepare
    const { fetch } = fakeFetch([{ status: 200, body: jobView({ data: { to: 'a@example.com' } }) }]);
    const queue = new Queue('order-routing', { url: TEST_URL, apiKey: 'k', fetch });

    // Act
    const job = await queue.getJob('job-1');

    // Assess
    expect(job?.data).toEqual({ to: 'a@example.com' });
  });

  it('answers undefined for a job that does not exist, and for a job of another queue', async () => {
    // Prepare
    const { fetch } = fakeFetch([{ status: 404, body: errorEnvelope('job_not_found', 'no') }, { status: 200, body: jobView({ queue: 'payments' }) }]);
    const queue = new Queue('order-routing', { url: TEST_URL, apiKey: 'k', fetch });

    // Act, Assess
    await expect(queue.getJob('job-1')).resolves.toBeUndefined();
    await expect(queue.getJob('job-2')).resolves.toBeUndefined();
  });
});

describe('queue.getJobCounts', () => {
  const healthAnswer = (payments: Record<string, unknown>): FakeReply => ({
    status: 200,
    body: {
      ok: true,
      status: 'healthy',
      computed_at: QUEUED_AT,
      age_seconds: 3,
      queues: { payments, email: { waiting: 99, active: 0, delayed: 0, completed: 0, failed: 0, dlq: 0, paused: false } },
    },
  });
  const PAYMENTS = { waiting: 7, active: 1, delayed: 3, completed: 42, failed: 2, dlq: 2, paused: false };

  it("gives every BullMQ type of its own queue when none is named, from GET /health/queue", async () => {
    // Prepare
    const { fetch, calls } = fakeFetch([healthAnswer(PAYMENTS)]);
    const queue = new Queue('payments', { url: TEST_URL, apiKey: 'k', fetch });

    // Act
    const counts = await queue.getJobCounts();

    // Assess
    expect(counts).toEqual({ active: 1, completed: 42, delayed: 3, failed: 2, paused: 0, prioritized: 0, waiting: 7, 'waiting-children': 0 });
    expect(calls.map((call) => `${call.method} ${call.path}`)).toEqual(['GET /prod/health/queue']);
    expect(calls[0]?.headers['x-api-key']).toBe('k');
  });

  it("gives the types named, with paused beside waiting as BullMQ does, and wait as waiting's alias", async () => {
    // Prepare
    const { fetch } = fakeFetch([healthAnswer(PAYMENTS)]);
    const queue = new Queue('payments', { url: TEST_URL, apiKey: 'k', fetch });

    // Act
    const named = await queue.getJobCounts('waiting', 'failed');
    const alias = await queue.getJobCounts('wait');
    const backlog = await queue.getJobCountByTypes('waiting', 'delayed', 'prioritized');

    // Assess
    expect(named).toEqual({ waiting: 7, failed: 2, paused: 0 });
    expect(alias).toEqual({ wait: 7 });
    expect(backlog).toBe(10);
  });

  it('counts the waiting jobs of a paused queue as paused', async () => {
    // Prepare
    const { fetch } = fakeFetch([healthAnswer({ ...PAYMENTS, paused: true })]);
    const queue = new Queue('payments', { url: TEST_URL, apiKey: 'k', fetch });

    // Act
    const counts = await queue.getJobCounts('waiting');

    // Assess
    expect(counts).toEqual({ waiting: 0, paused: 7 });
  });

  it('refuses a type BullMQ does not have before sending anything', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch([healthAnswer(PAYMENTS)]);
    const queue = new Queue('payments', { url: TEST_URL, apiKey: 'k', fetch });

    // Act
    const refused = await queue.getJobCounts('finished' as never).catch((error: unknown) => error);

    // Assess
    expect(refused).toBeInstanceOf(InvalidOptionError);
    expect(calls).toHaveLength(0);
  });

  it('says unknown_queue for a queue the API does not count, naming the ones it does', async () => {
    // Prepare
    const { fetch } = fakeFetch([healthAnswer(PAYMENTS)]);
    const queue = new Queue('reports', { url: TEST_URL, apiKey: 'k', fetch });

    // Act
    const refused = await queue.getJobCounts().catch((error: unknown) => error);

    // Assess
    expect(refused).toBeInstanceOf(JobPipelineError);
    expect(refused).toMatchObject({ code: 'unknown_queue', message: expect.stringContaining('payments, email') });
  });

  it('retries a 503 while the first counts are computed, then answers', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch([{ status: 503, body: errorEnvelope('queue_counts_unavailable', 'try again') }, healthAnswer(PAYMENTS)]);
    const queue = new Queue('payments', { url: TEST_URL, apiKey: 'k', fetch, retries: { retries: 2, baseDelayMs: 1, maxDelayMs: 1 } });

    // Act
    const counts = await queue.getJobCounts('active');

    // Assess
    expect(counts).toEqual({ active: 1 });
    expect(calls).toHaveLength(2);
  });
});
