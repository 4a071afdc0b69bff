import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import type { JobDataStore } from '../../../functions/adapters/job-data';
import type { JobProgressStore } from '../../../functions/adapters/job-progress';
import { parseQueueDefinition } from '../../../functions/core/queue-config';
import { queueSettingsOf } from '../../../functions/core/runtime-config';
import { createJobStatusHandler } from '../../../functions/handlers/factories/job-status-api';
import { queueDirectory } from '../../../functions/handlers/workflows/queue-directory';
import { A_JOB_ID, A_PARTNER, aJobRecord, aQueueDefinitionInput, anApiGatewayEvent, somePartnerKeys } from '../../helpers/factories';
import { lambdaContext } from '../../integration/support/lambda-context';
import { fakeStore, ManualClock } from './consumer-fakes';

function statusRoute() {
  const store = {
    ...fakeStore(),
    reportProgress: vi.fn<JobProgressStore['reportProgress']>().mockResolvedValue('recorded'),
    readData: vi.fn<JobDataStore['readData']>().mockResolvedValue({ available: true, data: { amount: 10 } }),
  };
  const handler = createJobStatusHandler({
    store,
    directory: queueDirectory([queueSettingsOf(parseQueueDefinition(aQueueDefinitionInput()))], 'https://sqs.eu-west-1.amazonaws.com/123456789012', 'jobs'),
    clock: new ManualClock(),
    logger: new Logger({ serviceName: 'job-status', logLevel: 'SILENT' }),
    partners: somePartnerKeys(),
  });
  const call = async (event: APIGatewayProxyEvent) => {
    const response = await handler(event, lambdaContext('job-status'));
    return { status: response.statusCode, json: JSON.parse(response.body) as Record<string, unknown> };
  };
  return { store, call };
}

function progressEvent(body: unknown, token: string | null = 'tok-1'): APIGatewayProxyEvent {
  return anApiGatewayEvent({
    httpMethod: 'POST',
    path: `/jobs/${A_JOB_ID}/progress`,
    resource: '/jobs/{id}/progress',
    pathParameters: { id: A_JOB_ID },
    queryStringParameters: token === null ? null : { token },
    apiKeyId: null,
    body,
  });
}

function getEvent(query: Record<string, string> | null): APIGatewayProxyEvent {
  return anApiGatewayEvent({ httpMethod: 'GET', path: `/jobs/${A_JOB_ID}`, pathParameters: { id: A_JOB_ID }, queryStringParameters: query });
}

describe('POST /jobs/{id}/progress', () => {
  it('records a number or a small object for the token, with no API key, and answers 200 { ok: true }', async () => {
    // Prepare
    const { store, call } = statusRoute();

    // Act
    const number = await call(progressEvent({ progress: 42.5 }));
    const object = await call(progressEvent({ progress: { step: 'upload', done: 3, of: 7 } }));

    // Assess
    expect(number).toEqual({ status: 200, json: { ok: true } });
    expect(object).toEqual({ status: 200, json: { ok: true } });
    expect(store.reportProgress.mock.calls).toEqual([
      [A_JOB_ID, 'tok-1', 42.5],
      [A_JOB_ID, 'tok-1', { step: 'upload', done: 3, of: 7 }],
    ]);
  });

  it('answers 409 job_finished once the job is final', async () => {
    // Prepare
    const { store, call } = statusRoute();
    store.reportProgress.mockResolvedValue('final');

    // Act
    const answer = await call(progressEvent({ progress: 100 }));

    // Assess
    expect(answer.status).toBe(409);
    expect(answer.json).toMatchObject({ ok: false, error: { code: 'job_finished' } });
  });

  it('answers one 404 for a wrong or expired token and for a missing one, the latter without a write', async () => {
    // Prepare
    const { store, call } = statusRoute();
    store.reportProgress.mockResolvedValue('not_found');

    // Act
    const wrong = await call(progressEvent({ progress: 10 }, 'expired'));
    const missing = await call(progressEvent({ progress: 10 }, null));

    // Assess
    expect(wrong.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(wrong.json).toEqual(missing.json);
    expect(wrong.json).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(store.reportProgress).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['a number above 100', { progress: 101 }],
    ['a negative number', { progress: -1 }],
    ['an array', { progress: [1, 2] }],
    ['a string', { progress: '50%' }],
    ['an object over 1 KB', { progress: { note: 'x'.repeat(1100) } }],
    ['an unknown field', { progress: 5, eta: 3 }],
  ])('refuses %s with 400 and writes nothing', async (_what, body) => {
    // Prepare
    const { store, call } = statusRoute();

    // Act
    const answer = await call(progressEvent(body));

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(store.reportProgress).not.toHaveBeenCalled();
  });
});

describe('GET /jobs/{id} with progress and ?include=data', () => {
  it('shows the latest progress and never the token, and reads no data unless asked', async () => {
    // Prepare
    const { store, call } = statusRoute();
    store.get.mockResolvedValue(aJobRecord({ status: 'active', attempts: 1, progress: 60, progressToken: 'secret-token', partner: A_PARTNER }));

    // Act
    const answer = await call(getEvent(null));

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ job_id: A_JOB_ID, status: 'active', progress: 60 });
    expect(JSON.stringify(answer.json)).not.toContain('secret-token');
    expect(answer.json).not.toHaveProperty('data');
    expect(store.readData).not.toHaveBeenCalled();
  });

  it('adds the job\'s data with include=data, or data_available: false when it is no longer kept', async () => {
    // Prepare
    const { store, call } = statusRoute();
    store.get.mockResolvedValue(aJobRecord({ status: 'completed', partner: A_PARTNER }));
    store.readData.mockResolvedValueOnce({ available: true, data: { amount: 10 } }).mockResolvedValueOnce({ available: false });

    // Act
    const kept = await call(getEvent({ include: 'data' }));
    const gone = await call(getEvent({ include: 'data' }));

    // Assess
    expect(kept.json).toMatchObject({ job_id: A_JOB_ID, data: { amount: 10 } });
    expect(kept.json).not.toHaveProperty('data_available');
    expect(gone.json).toMatchObject({ job_id: A_JOB_ID, data_available: false });
    expect(gone.json).not.toHaveProperty('data');
    expect(store.readData).toHaveBeenCalledWith(A_JOB_ID, aJobRecord().runId);
  });

  it('refuses another include value with 400, and another partner\'s job with 404 before reading its data', async () => {
    // Prepare
    const { store, call } = statusRoute();
    store.get.mockResolvedValue(aJobRecord({ partner: 'globex' }));

    // Act
    const badValue = await call(getEvent({ include: 'everything' }));
    const notOwned = await call(getEvent({ include: 'data' }));

    // Assess
    expect(badValue.status).toBe(400);
    expect(notOwned.status).toBe(404);
    expect(store.readData).not.toHaveBeenCalled();
  });
});
