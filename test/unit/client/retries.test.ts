import { afterEach, describe, expect, it, vi } from 'vitest';
import { JobPipelineError, NetworkError, RateLimitedError } from '../../../client/src/errors';
import { Queue } from '../../../client/src/queue';
import { DEFAULT_RETRY_POLICY, jitteredDelayMs, retryAfterMs, retryPolicyOf } from '../../../client/src/retry';
import { errorEnvelope, fakeFetch, jobView, TEST_URL } from './fake-fetch';

const NO_WAIT = { retries: 3, baseDelayMs: 0 } as const;

const accepted = { status: 202, body: { ok: true, job_id: 'job-1', queue: 'order-routing', status: 'waiting', queued_at: '2026-01-01T00:00:00.000Z' } };

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('full-jitter waits', () => {
  it('waits a random time up to base × 2^(retry−1), capped', () => {
    // Prepare
    const policy = DEFAULT_RETRY_POLICY;

    // Act
    const highest = [1, 2, 3, 6, 10].map((retry) => jitteredDelayMs(policy, retry, () => 0.999_999));
    const lowest = jitteredDelayMs(policy, 3, () => 0);

    // Assess: 200, 400, 800, then the 5 s cap
    expect(highest).toEqual([199, 399, 799, 4999, 4999]);
    expect(lowest).toBe(0);
  });

  it('reads Retry-After in seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('2', now)).toBe(2000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:03 GMT', now)).toBe(3000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });

  it('takes a number of retries or the full settings', () => {
    expect(retryPolicyOf(0).retries).toBe(0);
    expect(retryPolicyOf({ baseDelayMs: 50 })).toEqual({ ...DEFAULT_RETRY_POLICY, baseDelayMs: 50 });
  });
});

describe('which requests are retried', () => {
  it('retries a read on 5xx and network errors until it gets an answer', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch([{ status: 503, body: errorEnvelope('internal_error', 'busy') }, new TypeError('fetch failed'), { status: 200, body: jobView() }]);
    const queue = new Queue('order-routing', { url: TEST_URL, apiKey: 'k', fetch, retries: NO_WAIT });

    // Act
    const job = await queue.getJob('job-1');

    // Assess
    expect(job?.id).toBe('job-1');
    expect(calls.map((call) => call.method)).toEqual(['GET', 'GET', 'GET']);
  });

  it('gives up after the retries, with the last error', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch([new TypeError('connect ECONNREFUSED')]);
    const queue = new Queue('order-routing', { url: TEST_URL, apiKey: 'k', fetch, retries: { retries: 2, baseDelayMs: 0 } });

    // Act
    const read = queue.getJob('job-1');

    // Assess
    await expect(read).rejects.toBeInstanceOf(NetworkError);
    await expect(read).rejects.toMatchObject({ code: 'network_error', status: undefined, message: expect.stringContaining('ECONNREFUSED') });
    expect(calls).toHaveLength(3);
  });

  it('sends an add without a jobId once: a repeat could add the job twice', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch([{ status: 502, body: { message: 'Bad Gateway' } }, accepted]);
    const queue = new Queue('order-routing', { url: TEST_URL, apiKey: 'k', fetch, retries: NO_WAIT });

    // Act
    const add = queue.add('welcome', { to: 'a@example.com' });

    // Assess
    await expect(add).rejects.toMatchObject({ status: 502, code: 'http_502', message: expect.stringContaining('Bad Gateway') });
    expect(calls).toHaveLength(1);
  });

  it('does not repeat an add without a jobId after a network error either', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch([new TypeError('socket hang up'), accepted]);
    const queue = new Queue('order-routing', { url: TEST_URL, apiKey: 'k', fetch, retries: NO_WAIT });

    // Act, Assess
    await expect(queue.add('welcome', {})).rejects.toBeInstanceOf(NetworkError);
    expect(calls).toHaveLength(1);
  });

  it('retries an add with a jobId: the dedup key makes a repeat return the same job', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch([new TypeError('socket hang up'), { status: 500, body: errorEnvelope('internal_error', 'x') }, accepted]);
    const queue = new Queue('order-routing', { url: TEST_URL, apiKey: 'k', fetch, retries: NO_WAIT });

    // Act
    const job = await queue.add('welcome', {}, { jobId: 'w-1' });

    // Assess
    expect(job.id).toBe('job-1');
    expect(calls).toHaveLength(3);
    expect(calls.every((call) => (call.body as { dedup_key?: string }).dedup_key === 'w-1')).toBe(true);
  });

  it('does not retry a 4xx other than 429', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch([{ status: 403, body: { message: 'Forbidden' } }]);
    const queue = new Queue('order-routing', { url: TEST_URL, apiKey: 'k', fetch, retries: NO_WAIT });

    // Act, Assess
    await expect(queue.getJob('job-1')).rejects.toMatchObject({ status: 403, code: 'http_403' });
    expect(calls).toHaveLength(1);
  });
});

describe('429 and Retry-After', () => {
  it('waits the Retry-After it is given before the retry', async () => {
    // Prepare
    vi.useFakeTimers();
    const { fetch, calls } = fakeFetch([{ status: 429, body: errorEnvelope('too_many_requests', 'slow down'), headers: { 'retry-after': '2' } }, { status: 200, body: jobView() }]);
    const queue = new Queue('order-routing', { url: TEST_URL, apiKey: 'k', fetch });

    // Act
    const read = queue.getJob('job-1');
    await vi.advanceTimersByTimeAsync(1999);
    const callsBefore = calls.length;
    await vi.advanceTimersByTimeAsync(1);

    // Assess
    expect(callsBefore).toBe(1);
    await expect(read).resolves.toMatchObject({ id: 'job-1' });
    expect(calls).toHaveLength(2);
  });

  it('waits a jittered time when a 429 has no Retry-After', async () => {
    // Prepare
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const { fetch, calls } = fakeFetch([{ status: 429, body: {} }, { status: 200, body: jobView() }]);
    const queue = new Queue('order-routing', { url: TEST_URL, apiKey: 'k', fetch });

    // Act: the first retry waits half of 200 ms
    const read = queue.getJob('job-1');
    await vi.advanceTimersByTimeAsync(99);
    const callsBefore = calls.length;
    await vi.advanceTimersByTimeAsync(1);

    // Assess
    expect(callsBefore).toBe(1);
    await expect(read).resolves.toBeDefined();
    expect(calls).toHaveLength(2);
  });

  it('does not wait out a Retry-After longer than a minute: it throws RateLimitedError with it', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch([{ status: 429, body: errorEnvelope('quota_exceeded', 'daily quota used'), headers: { 'retry-after': '3600' } }]);
    const queue = new Queue('order-routing', { url: TEST_URL, apiKey: 'k', fetch });

    // Act
    const read = queue.getJob('job-1');

    // Assess
    await expect(read).rejects.toBeInstanceOf(RateLimitedError);
    await expect(read).rejects.toMatchObject({ status: 429, code: 'quota_exceeded', retryAfterMs: 3_600_000, name: 'RateLimitedError' });
    expect(calls).toHaveLength(1);
  });
});

describe('errors from the envelope', () => {
  it('carries status, code and details, and says the field problems in its message', async () => {
    // Prepare
    const details = [{ field: 'data.to', message: 'to is required' }];
    const { fetch } = fakeFetch([{ status: 400, body: errorEnvelope('invalid_request', 'the job request is invalid; see details', details) }]);
    const queue = new Queue('order-routing', { url: TEST_URL, apiKey: 'k', fetch });

    // Act
    const add = queue.add('welcome', {});

    // Assess
    await expect(add).rejects.toBeInstanceOf(JobPipelineError);
    await expect(add).rejects.toMatchObject({
      name: 'JobPipelineError',
      status: 400,
      code: 'invalid_request',
      details,
      message: 'the job request is invalid; see details (data.to: to is required)',
    });
  });

  it('names an unknown queue with the server code', async () => {
    // Prepare
    const { fetch } = fakeFetch([{ status: 404, body: errorEnvelope('unknown_queue', 'there is no queue named "emial"') }]);
    const queue = new Queue('emial', { url: TEST_URL, apiKey: 'k', fetch });

    // Act, Assess
    await expect(queue.add('x', {})).rejects.toMatchObject({ status: 404, code: 'unknown_queue' });
  });
});
