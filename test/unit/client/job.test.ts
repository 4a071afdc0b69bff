import { afterEach, describe, expect, it, vi } from 'vitest';
import { JobCancelledError, JobFailedError, JobNotCancellableError, WaitTimeoutError } from '../../../client/src/errors';
import type { Job } from '../../../client/src/job';
import { STATE_OF_STATUS } from '../../../client/src/job-state';
import { Queue } from '../../../client/src/queue';
import { errorEnvelope, fakeFetch, jobView, TEST_URL, type FakeCall, type FakeReply } from './fake-fetch';

const ACCEPTED: FakeReply = { status: 202, body: { ok: true, job_id: 'job-1', queue: 'order-routing', status: 'waiting', queued_at: '2026-01-01T00:00:00.000Z' } };

/** A job added through a fake fetch whose later answers come from `then`. */
async function addedJob(then: (call: FakeCall, index: number) => FakeReply): Promise<{ job: Job; calls: FakeCall[] }> {
  const { fetch, calls } = fakeFetch((call, index) => (index === 0 ? ACCEPTED : then(call, index - 1)));
  const job = await new Queue('order-routing', { url: TEST_URL, apiKey: 'k', fetch, retries: { baseDelayMs: 0 } }).add('welcome', { to: 'a' });
  // The list keeps the calls made after the add.
  calls.splice(0, 1);
  return { job, calls };
}

const waitOf = (call: FakeCall | undefined): number | undefined => {
  const wait = new URL(call?.url ?? 'x:').searchParams.get('wait');
  return wait === null ? undefined : Number(wait);
};

afterEach(() => {
  vi.useRealTimers();
});

describe('job.getState', () => {
  it.each(Object.entries(STATE_OF_STATUS))('reads status %s as BullMQ state %s', async (status, state) => {
    // Prepare
    const { job, calls } = await addedJob(() => ({ status: 200, body: jobView({ status }) }));

    // Act
    const read = await job.getState();

    // Assess
    expect(read).toBe(state);
    expect(job.status).toBe(status);
    expect(calls[0]).toMatchObject({ method: 'GET', path: '/prod/jobs/job-1' });
  });

  it('says unknown for a job that is gone', async () => {
    // Prepare
    const { job } = await addedJob(() => ({ status: 404, body: errorEnvelope('job_not_found', 'no') }));

    // Act, Assess
    await expect(job.getState()).resolves.toBe('unknown');
  });

  it('answers the is… questions from a fresh read', async () => {
    // Prepare
    const { job } = await addedJob(() => ({ status: 200, body: jobView({ status: 'retrying' }) }));

    // Act, Assess
    await expect(job.isDelayed()).resolves.toBe(true);
    await expect(job.isCompleted()).resolves.toBe(false);
  });
});

describe('job.waitUntilFinished', () => {
  it('long-polls until the job completes, and resolves with its return value', async () => {
    // Prepare
    const statuses = ['active', 'retrying', 'completed'];
    const { job, calls } = await addedJob((_, index) => {
      const status = statuses[index] ?? 'completed';
      return { status: 200, body: jobView({ status, attempts: 2, ...(status === 'completed' ? { result: { status: 200, body: { sent: true } }, progress: 100 } : {}) }) };
    });

    // Act
    const result = await job.waitUntilFinished();

    // Assess
    expect(result).toEqual({ status: 200, body: { sent: true } });
    expect(calls).toHaveLength(3);
    expect(calls.map(waitOf)).toEqual([20, 20, 20]);
    expect(job).toMatchObject({ returnvalue: { status: 200, body: { sent: true } }, attemptsMade: 2, progress: 100, status: 'completed' });
  });

  it('rejects with JobFailedError carrying failedReason and category', async () => {
    // Prepare
    const { job } = await addedJob(() => ({ status: 200, body: jobView({ status: 'failed', error: { category: 'auth', message: 'target answered 403 Forbidden' } }) }));

    // Act
    const wait = job.waitUntilFinished();

    // Assess
    await expect(wait).rejects.toBeInstanceOf(JobFailedError);
    await expect(wait).rejects.toMatchObject({
      name: 'JobFailedError',
      code: 'job_failed',
      failedReason: 'target answered 403 Forbidden',
      message: 'target answered 403 Forbidden',
      details: { job_id: 'job-1', category: 'auth' },
    });
    expect(job.failedReason).toBe('target answered 403 Forbidden');
  });

  it('rejects with JobCancelledError for a cancelled job', async () => {
    // Prepare
    const { job } = await addedJob(() => ({ status: 200, body: jobView({ status: 'cancelled' }) }));

    // Act, Assess
    await expect(job.waitUntilFinished()).rejects.toBeInstanceOf(JobCancelledError);
  });

  it('asks for no more than the time left, and gives up with WaitTimeoutError at the deadline', async () => {
    // Prepare: each long-poll takes the whole wait it asked for
    vi.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z') });
    const { job, calls } = await addedJob((call) => {
      vi.setSystemTime(Date.now() + (waitOf(call) ?? 0) * 1000);
      return { status: 200, body: jobView({ status: 'active' }) };
    });

    // Act
    const wait = job.waitUntilFinished(25_500);

    // Assess
    await expect(wait).rejects.toBeInstanceOf(WaitTimeoutError);
    await expect(wait).rejects.toMatchObject({ code: 'wait_timeout', details: { job_id: 'job-1', state: 'active' } });
    expect(calls.map(waitOf)).toEqual([20, 5.5]);
  });

  it('reads once without waiting for a timeout of 0', async () => {
    // Prepare
    const { job, calls } = await addedJob(() => ({ status: 200, body: jobView({ status: 'waiting' }) }));

    // Act, Assess
    await expect(job.waitUntilFinished(0)).rejects.toBeInstanceOf(WaitTimeoutError);
    expect(calls.map(waitOf)).toEqual([undefined]);
  });

  it("refuses BullMQ's QueueEvents argument, saying none is needed", async () => {
    // Prepare
    const { job } = await addedJob(() => ({ status: 200, body: jobView() }));

    // Act, Assess
    await expect(job.waitUntilFinished({ name: 'queue-events' } as never)).rejects.toThrow(/no QueueEvents is needed/);
  });

  it('rejects with job_not_found when the job is gone', async () => {
    // Prepare
    const { job } = await addedJob(() => ({ status: 404, body: errorEnvelope('job_not_found', 'no') }));

    // Act, Assess
    await expect(job.waitUntilFinished()).rejects.toMatchObject({ status: 404, code: 'job_not_found' });
  });
});

describe('job.remove', () => {
  it('cancels the job with DELETE', async () => {
    // Prepare
    const { job, calls } = await addedJob(() => ({ status: 200, body: jobView({ status: 'cancelled' }) }));

    // Act
    await job.remove();

    // Assess
    expect(calls[0]).toMatchObject({ method: 'DELETE', path: '/prod/jobs/job-1' });
    expect(job.status).toBe('cancelled');
  });

  it('throws JobNotCancellableError naming the state once the job is active', async () => {
    // Prepare
    const { job, calls } = await addedJob((call) =>
      call.method === 'DELETE'
        ? { status: 409, body: errorEnvelope('not_cancellable', 'job job-1 is active; only waiting or delayed jobs can be cancelled') }
        : { status: 200, body: jobView({ status: 'active' }) },
    );

    // Act
    const remove = job.remove();

    // Assess
    await expect(remove).rejects.toBeInstanceOf(JobNotCancellableError);
    await expect(remove).rejects.toMatchObject({ status: 409, code: 'not_cancellable', state: 'active', message: expect.stringContaining('is active') });
    expect(calls.map((call) => call.method)).toEqual(['DELETE', 'GET']);
  });

  it('succeeds when the job is already cancelled (a repeat after a lost answer)', async () => {
    // Prepare
    const { job, calls } = await addedJob((call, index) => {
      if (index === 0) return new TypeError('socket hang up');
      return call.method === 'DELETE' ? { status: 409, body: errorEnvelope('not_cancellable', 'job job-1 is cancelled') } : { status: 200, body: jobView({ status: 'cancelled' }) };
    });

    // Act
    await job.remove();

    // Assess
    expect(calls.map((call) => call.method)).toEqual(['DELETE', 'DELETE', 'GET']);
  });
});
