import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { anApiGatewayEvent } from '../../helpers/factories';
import { lambdaContext } from '../../integration/support/lambda-context';
import { ARN_BASE, fakeAdmin, URL_BASE } from './admin-fakes';

function adminEvent(method: string, resource: string, options: { queue?: string; id?: string; query?: Record<string, string>; body?: unknown } = {}): APIGatewayProxyEvent {
  const path = resource.replace('{queue}', options.queue ?? 'payments').replace('{id}', options.id ?? '');
  return anApiGatewayEvent({
    httpMethod: method,
    resource,
    path,
    pathParameters: { ...(options.queue === undefined ? { queue: 'payments' } : { queue: options.queue }), ...(options.id === undefined ? {} : { id: options.id }) },
    queryStringParameters: options.query ?? null,
    ...(options.body === undefined ? {} : { body: options.body }),
  });
}

async function call(admin: ReturnType<typeof fakeAdmin>, event: APIGatewayProxyEvent) {
  const response = await admin.handler(event, lambdaContext('admin'));
  return { status: response.statusCode, json: JSON.parse(response.body) as Record<string, unknown> };
}

const redrive = (body: unknown, queue = 'payments') => adminEvent('POST', '/admin/queues/{queue}/redrive', { queue, body });

describe('admin routing', () => {
  it('answers an unknown route 404 and a wrong method 405, in the error envelope', async () => {
    // Prepare
    const admin = fakeAdmin();

    // Act
    const missing = await call(admin, adminEvent('GET', '/admin/nothing'));
    const wrongMethod = await call(admin, adminEvent('PUT', '/admin/queues/{queue}/redrive'));

    // Assess
    expect(missing).toMatchObject({ status: 404, json: { ok: false, error: { code: 'not_found' } } });
    expect(wrongMethod).toMatchObject({ status: 405, json: { ok: false, error: { code: 'method_not_allowed' } } });
  });

  it('refuses a purge without the queue name as confirmation, purging nothing', async () => {
    // Prepare
    const admin = fakeAdmin();
    admin.addFailed();

    // Act
    const answer = await call(admin, adminEvent('DELETE', '/admin/queues/{queue}/dlq', { query: { confirm: 'email' } }));

    // Assess
    expect(answer).toMatchObject({ status: 400, json: { error: { code: 'confirmation_required', details: [{ field: 'confirm' }] } } });
    expect(admin.calls.purges).toBe(0);
    expect(admin.dlq).toHaveLength(1);
  });
});

describe('POST /admin/queues/{queue}/redrive with all', () => {
  it('starts the move task from the DLQ to the normal lane and leaves every record to the claim', async () => {
    // Prepare
    const admin = fakeAdmin();
    admin.addFailed({ jobId: 'a', runId: 'ra' });
    admin.addFailed({ jobId: 'b', runId: 'rb', priority: 'urgent' });

    // Act
    const answer = await call(admin, redrive({ all: true, max_per_second: 25 }));

    // Assess
    expect(answer).toMatchObject({ status: 202, json: { ok: true, mode: 'all', task_handle: 'handle-1', dlq: 2, destination_lane: 'normal', max_per_second: 25 } });
    expect(answer.json).not.toHaveProperty('reset');
    expect(admin.calls.resets).toEqual([]);
    expect([admin.jobs.get('a')?.status, admin.jobs.get('b')?.status]).toEqual(['failed', 'failed']);
    expect(admin.started).toEqual([{ sourceArn: `${ARN_BASE}:jobs-payments-dlq`, destinationArn: `${ARN_BASE}:jobs-payments-normal`, maxPerSecond: 25 }]);
  });

  it('refuses an empty DLQ with 409 and resets nothing', async () => {
    // Prepare
    const admin = fakeAdmin();
    admin.addFailed({}, { letter: false, record: {} });

    // Act
    const answer = await call(admin, redrive({ all: true }));

    // Assess
    expect(answer).toMatchObject({ status: 409, json: { error: { code: 'dlq_empty' } } });
    expect(admin.calls.resets).toEqual([]);
    expect(admin.started).toEqual([]);
  });

  it('refuses while a move task is running', async () => {
    // Prepare
    const admin = fakeAdmin();
    admin.addFailed();
    admin.tasks.push({ status: 'RUNNING', sourceArn: `${ARN_BASE}:jobs-payments-dlq`, moved: 4 });

    // Act
    const answer = await call(admin, redrive({ all: true }));

    // Assess
    expect(answer).toMatchObject({ status: 409, json: { error: { code: 'redrive_in_progress' } } });
    expect(admin.calls.resets).toEqual([]);
  });

  it.each([
    [{}, 'needs all or job_ids'],
    [{ all: false }, 'all must be true'],
    [{ all: true, max_per_second: 501 }, 'max_per_second is 1–500'],
    [{ job_ids: [] }, 'name at least one job'],
    [{ job_ids: ['a', 'a'] }, 'job ids must not repeat'],
    [{ job_ids: ['no spaces'] }, 'a job id is'],
  ])('refuses the body %j with 400', async (body, message) => {
    // Act
    const answer = await call(fakeAdmin(), redrive(body));

    // Assess
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.json)).toContain(message);
  });
});

describe('POST /admin/queues/{queue}/redrive with job_ids', () => {
  it('moves exactly the jobs named, each to its own lane, releases the rest at once, and deletes what it moved', async () => {
    // Prepare
    const admin = fakeAdmin();
    admin.addFailed({ jobId: 'a', runId: 'ra', priority: 'urgent' });
    admin.addFailed({ jobId: 'b', runId: 'rb' });
    admin.addFailed({ jobId: 'c', runId: 'rc', priority: 'low' });

    // Act
    const answer = await call(admin, redrive({ job_ids: ['c', 'a'] }));

    // Assess
    expect(answer).toMatchObject({ status: 200, json: { ok: true, mode: 'job_ids', reset: 2 } });
    expect(answer.json.moved).toEqual(expect.arrayContaining([{ job_id: 'a', lane: 'urgent' }, { job_id: 'c', lane: 'low' }]));
    expect(admin.sent.map((send) => send.url).sort()).toEqual([`${URL_BASE}/jobs-payments-low`, `${URL_BASE}/jobs-payments-urgent`]);
    expect(admin.released).toEqual(['r-b-1']);
    expect(admin.deleted.sort()).toEqual(['r-a-0', 'r-c-2']);
    expect(admin.dlq.map((entry) => entry.letter.jobId)).toEqual(['b']);
    expect(admin.jobs.get('b')?.status).toBe('failed');
  });

  it('moves nothing when an id is not in the DLQ, and lists the missing ones', async () => {
    // Prepare
    const admin = fakeAdmin();
    admin.addFailed({ jobId: 'a', runId: 'ra' });

    // Act
    const answer = await call(admin, redrive({ job_ids: ['a', 'ghost'] }));

    // Assess
    expect(answer).toMatchObject({ status: 404, json: { error: { code: 'not_in_dead_letter_queue', details: { missing: ['ghost'] } } } });
    expect(admin.calls.resets).toEqual([]);
    expect(admin.sent).toEqual([]);
    expect(admin.dlq.every((entry) => !entry.held)).toBe(true);
  });

  it('moves nothing when a job is not failed, or its letter is of an earlier run', async () => {
    // Prepare
    const admin = fakeAdmin();
    admin.addFailed({ jobId: 'a', runId: 'ra' });
    admin.addFailed({ jobId: 'b', runId: 'rb' }, { record: { status: 'completed' } });
    admin.addFailed({ jobId: 'c', runId: 'old' }, { record: { runId: 'new' } });

    // Act
    const answer = await call(admin, redrive({ job_ids: ['a', 'b', 'c'] }));

    // Assess
    expect(answer.status).toBe(409);
    expect(answer.json.error).toMatchObject({
      code: 'not_redrivable',
      details: { refused: [{ job_id: 'b', status: 'completed' }, { job_id: 'c', reason: 'its dead letters belong to an earlier run of the id' }] },
    });
    expect(admin.calls.resets).toEqual([]);
    expect(admin.sent).toEqual([]);
    expect(admin.dlq.every((entry) => !entry.held)).toBe(true);
  });

  it('keeps what could not be sent in the DLQ and says which', async () => {
    // Prepare
    const admin = fakeAdmin();
    admin.addFailed({ jobId: 'a', runId: 'ra' });
    admin.addFailed({ jobId: 'b', runId: 'rb' });
    admin.calls.sendRefusals.add('b');

    // Act
    const answer = await call(admin, redrive({ job_ids: ['a', 'b'] }));

    // Assess
    expect(answer).toMatchObject({ status: 502, json: { error: { code: 'redrive_incomplete', details: { moved: [{ job_id: 'a' }], failed: [{ job_id: 'b', code: 'KmsThrottled' }] } } } });
    expect(admin.dlq.map((entry) => [entry.letter.jobId, entry.held])).toEqual([['b', false]]);
  });

  it('sends a FIFO job with its group and a new deduplication id', async () => {
    // Prepare
    const admin = fakeAdmin([{ name: 'order-processing', fifo: true, concurrency: 5, attempts: 3, backoff: { type: 'exponential', delayMs: 5000 }, timeoutMs: 120_000 }]);
    admin.addFailed({ jobId: 'o1', runId: 'r1', queue: 'order-processing', groupId: 'order-42' });

    // Act
    const answer = await call(admin, redrive({ job_ids: ['o1'] }, 'order-processing'));

    // Assess
    expect(answer.status).toBe(200);
    expect(admin.sent).toEqual([
      { url: `${URL_BASE}/jobs-order-processing.fifo`, body: expect.any(String), groupId: 'order-42', deduplicationId: `r1-redrive-${Date.parse('2026-01-01T00:00:00Z')}` },
    ]);
  });
});

describe('POST /admin/jobs/{id}/retry', () => {
  it('refuses a job that is not failed with 409', async () => {
    // Prepare
    const admin = fakeAdmin();
    admin.addFailed({ jobId: 'a' }, { record: { status: 'active' } });

    // Act
    const answer = await call(admin, adminEvent('POST', '/admin/jobs/{id}/retry', { id: 'a' }));

    // Assess
    expect(answer).toMatchObject({ status: 409, json: { error: { code: 'not_failed' } } });
  });

  it('moves the job back to its lane', async () => {
    // Prepare
    const admin = fakeAdmin();
    admin.addFailed({ jobId: 'a', runId: 'ra', priority: 'high' });

    // Act
    const answer = await call(admin, adminEvent('POST', '/admin/jobs/{id}/retry', { id: 'a' }));

    // Assess
    expect(answer).toMatchObject({ status: 200, json: { ok: true, job_id: 'a', queue: 'payments', status: 'waiting', lane: 'high' } });
    expect(admin.jobs.get('a')?.status).toBe('waiting');
  });
});

describe('pause and resume', () => {
  it('records the pause before disabling the consumer’s mappings, and reports the lane of each', async () => {
    // Prepare
    const admin = fakeAdmin();

    // Act
    const answer = await call(admin, adminEvent('POST', '/admin/queues/{queue}/pause'));

    // Assess
    expect(answer).toMatchObject({ status: 200, json: { ok: true, paused: true, function: 'consumer-payments', mappings: [{ uuid: 'u1', lane: 'normal', state: 'Disabling' }] } });
    expect(admin.calls.switches).toEqual(['pause item: paused', 'mappings: disabled']);
  });

  it('answers paused for a queue paused twice, though Lambda answers Updating for a mapping already disabled', async () => {
    // Prepare
    const admin = fakeAdmin();
    await call(admin, adminEvent('POST', '/admin/queues/{queue}/pause'));
    admin.lambdaAnswers('Updating');

    // Act
    const answer = await call(admin, adminEvent('POST', '/admin/queues/{queue}/pause'));
    const view = await call(admin, adminEvent('GET', '/admin/queues'));

    // Assess
    expect(answer).toMatchObject({ status: 200, json: { ok: true, paused: true, mappings: [{ state: 'Updating' }] } });
    expect(view.json.queues).toMatchObject([{ queue: 'payments', paused: true }]);
  });

  it('records the resume before enabling the mappings, so their first batch finds the queue running, and the view follows the pause item', async () => {
    // Prepare
    const admin = fakeAdmin();
    await call(admin, adminEvent('POST', '/admin/queues/{queue}/pause'));
    admin.calls.switches.length = 0;

    // Act
    const answer = await call(admin, adminEvent('POST', '/admin/queues/{queue}/resume'));
    const view = await call(admin, adminEvent('GET', '/admin/queues'));

    // Assess
    expect(answer).toMatchObject({ status: 200, json: { ok: true, paused: false } });
    expect(admin.calls.switches).toEqual(['pause item: running', 'mappings: enabled']);
    expect(view.json.queues).toMatchObject([{ queue: 'payments', paused: false, consumer: { polling: 1 } }]);
  });
});
