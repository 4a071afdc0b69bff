import type { DataSchemaName } from '../../../functions/core/data-schemas/names';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { NewJob } from '../../../functions/adapters/job-store';
import { jobIdFor } from '../../../functions/core/dedup';
import type { Endpoint } from '../../../functions/core/endpoint';
import { parseQueueDefinition } from '../../../functions/core/queue-config';
import { queueSettingsOf } from '../../../functions/core/runtime-config';
import { createIngestHandler } from '../../../functions/handlers/factories/ingest-api';
import { inboundQueueOf } from '../../../functions/handlers/workflows/inbound-callback';
import { queueDirectory } from '../../../functions/handlers/workflows/queue-directory';
import { A_PARTNER, FIXED_NOW, aJobRecord, aJobRequestBody, aQueueDefinitionInput, anApiGatewayEvent, somePartnerKeys } from '../../helpers/factories';
import { lambdaContext } from '../../integration/support/lambda-context';
import { fakeQueues, fakeStore } from './consumer-fakes';
import { AN_ENDPOINT_ID, A_USER_ID, anEndpoint, endpointLookup } from './endpoint-lookup';

const SECOND_ENDPOINT = 'ep_bbbbbbbbbbbbbbbbbbbb';

function ingest(endpoints: Endpoint[] = [anEndpoint()], pageSize = 100, paymentsDataSchema?: DataSchemaName) {
  const settings = [
    aQueueDefinitionInput({ dedup: true, dedupKeyField: 'intentId', lanes: true, ...(paymentsDataSchema === undefined ? {} : { dataSchema: paymentsDataSchema }) }),
    aQueueDefinitionInput({ name: 'webhook-delivery', lanes: true, endpoints: true }),
  ].map((input) => queueSettingsOf(parseQueueDefinition(input)));
  const store = fakeStore();
  store.create.mockImplementation(async (job: NewJob) => ({ created: true, job: aJobRecord({ jobId: job.message.jobId }) }));
  const queues = fakeQueues();
  const handler = createIngestHandler({
    store,
    queues,
    directory: queueDirectory(settings, 'https://sqs.eu-west-1.amazonaws.com/123456789012', 'jobs'),
    clock: { now: () => FIXED_NOW, sleep: async () => undefined },
    logger: new Logger({ serviceName: 'ingest', logLevel: 'SILENT' }),
    partners: somePartnerKeys(),
    endpoints: endpointLookup(endpoints, pageSize),
    inboundQueue: inboundQueueOf(settings),
  });
  const call = async (event: APIGatewayProxyEvent) => {
    const response = await handler(event, lambdaContext('ingest'));
    return { status: response.statusCode, json: JSON.parse(response.body) as Record<string, unknown> };
  };
  return { call, store, queues, created: () => store.create.mock.calls.map(([job]) => job) };
}

const postTo = (queue: string, body: unknown) => anApiGatewayEvent({ path: `/jobs/${queue}`, pathParameters: { id: queue }, body });
const batchTo = (queue: string, jobs: unknown[]) =>
  anApiGatewayEvent({ resource: '/jobs/{id}/batch', path: `/jobs/${queue}/batch`, pathParameters: { id: queue }, body: { jobs } });

describe('POST /jobs/{queue} naming an endpoint', () => {
  it('delivers a job naming an enabled endpoint to it: the message carries its id', async () => {
    // Prepare
    const pipeline = ingest();

    // Act
    const answer = await pipeline.call(postTo('webhook-delivery', aJobRequestBody({ endpoint_id: AN_ENDPOINT_ID })));

    // Assess
    expect(answer.status).toBe(202);
    expect(pipeline.created()[0]?.message.endpointId).toBe(AN_ENDPOINT_ID);
    expect(pipeline.queues.sendBatch.mock.calls[0]?.[1][0]?.message.endpointId).toBe(AN_ENDPOINT_ID);
  });

  it("resolves user_id to the user's one enabled endpoint, passing over disabled ones", async () => {
    // Prepare
    const pipeline = ingest([anEndpoint({ endpointId: SECOND_ENDPOINT, enabled: false, disabledReason: 'operator' }), anEndpoint()], 1);

    // Act
    const answer = await pipeline.call(postTo('webhook-delivery', aJobRequestBody({ user_id: A_USER_ID })));

    // Assess
    expect(answer.status).toBe(202);
    expect(pipeline.created()[0]?.message.endpointId).toBe(AN_ENDPOINT_ID);
  });

  it.each<[string, Endpoint[], Record<string, unknown>, string, string]>([
    ['an unknown endpoint', [], { endpoint_id: AN_ENDPOINT_ID }, 'endpoint_id', `endpoint ${AN_ENDPOINT_ID} does not exist for partner acme; an operator registers one with POST /admin/endpoints and "partner": "acme"`],
    // Another partner's endpoint, or one for inbound callbacks only, is answered as one that does not exist.
    ["another partner's endpoint", [anEndpoint({ partner: 'globex' })], { endpoint_id: AN_ENDPOINT_ID }, 'endpoint_id', `endpoint ${AN_ENDPOINT_ID} does not exist for partner acme; an operator registers one with POST /admin/endpoints and "partner": "acme"`],
    ['an endpoint for inbound callbacks only', [anEndpoint({ partner: undefined })], { endpoint_id: AN_ENDPOINT_ID }, 'endpoint_id', `endpoint ${AN_ENDPOINT_ID} does not exist for partner acme; an operator registers one with POST /admin/endpoints and "partner": "acme"`],
    [
      "a user whose one endpoint is another partner's",
      [anEndpoint({ partner: 'globex' })],
      { user_id: A_USER_ID },
      'user_id',
      `user ${A_USER_ID} has no enabled endpoint for partner acme; an operator registers one with POST /admin/endpoints and "partner": "acme", or enables theirs`,
    ],
    [
      'an endpoint disabled by a 410',
      [anEndpoint({ enabled: false, disabledReason: 'gone' })],
      { endpoint_id: AN_ENDPOINT_ID },
      'endpoint_id',
      `endpoint ${AN_ENDPOINT_ID} is disabled (it answered 410 Gone); enable it with PATCH /admin/endpoints/${AN_ENDPOINT_ID} and { "enabled": true }`,
    ],
    [
      'an endpoint disabled by an operator',
      [anEndpoint({ enabled: false, disabledReason: 'operator' })],
      { endpoint_id: AN_ENDPOINT_ID },
      'endpoint_id',
      expect.stringContaining(`endpoint ${AN_ENDPOINT_ID} is disabled (by an operator)`) as unknown as string,
    ],
    [
      'a user with no endpoint',
      [],
      { user_id: A_USER_ID },
      'user_id',
      `user ${A_USER_ID} has no enabled endpoint for partner acme; an operator registers one with POST /admin/endpoints and "partner": "acme", or enables theirs`,
    ],
    [
      'a user with two enabled endpoints',
      [anEndpoint(), anEndpoint({ endpointId: SECOND_ENDPOINT })],
      { user_id: A_USER_ID },
      'user_id',
      `user ${A_USER_ID} has 2 enabled endpoints; name endpoint_id`,
    ],
  ])('refuses %s with 400 naming it and why, writing nothing', async (_label, endpoints, fields, field, message) => {
    // Prepare
    const pipeline = ingest(endpoints, 1);

    // Act
    const answer = await pipeline.call(postTo('webhook-delivery', aJobRequestBody(fields)));

    // Assess
    expect(answer).toEqual({ status: 400, json: { ok: false, error: { code: 'invalid_request', message, details: [{ field, message: expect.any(String) }] } } });
    expect(pipeline.store.create).not.toHaveBeenCalled();
  });

  it.each(['endpoint_id', 'user_id'])('refuses %s on a queue whose catalog entry has no endpoints, naming the field', async (field) => {
    // Prepare
    const pipeline = ingest();

    // Act
    const answer = await pipeline.call(postTo('payments', aJobRequestBody({ [field]: field === 'user_id' ? A_USER_ID : AN_ENDPOINT_ID })));

    // Assess
    expect(answer).toMatchObject({
      status: 400,
      json: { error: { code: 'invalid_request', message: expect.stringContaining(`drop ${field}`), details: [{ field, message: 'not allowed on a queue without endpoints' }] } },
    });
    expect(pipeline.store.create).not.toHaveBeenCalled();
  });

  it('refuses one job of a batch for its endpoint and accepts the others', async () => {
    // Prepare
    const pipeline = ingest();

    // Act
    const answer = await pipeline.call(batchTo('webhook-delivery', [aJobRequestBody({ endpoint_id: SECOND_ENDPOINT }), aJobRequestBody({ user_id: A_USER_ID })]));

    // Assess
    expect(answer.status).toBe(207);
    expect(answer.json).toMatchObject({ ok: false, accepted: 1, rejected: 1 });
    expect((answer.json.results as Record<string, unknown>[])[0]).toMatchObject({ ok: false, error: { message: expect.stringContaining(`endpoint ${SECOND_ENDPOINT} does not exist`) } });
    expect(pipeline.created().map((job) => job.message.endpointId)).toEqual([AN_ENDPOINT_ID]);
  });
});

describe('POST /jobs/{queue} with a backoff of its own', () => {
  it('keeps the backoff on the job and its message, in milliseconds', async () => {
    // Prepare
    const pipeline = ingest();

    // Act
    const answer = await pipeline.call(postTo('payments', aJobRequestBody({ backoff: { type: 'fixed', delay: 1500 } })));

    // Assess
    expect(answer.status).toBe(202);
    expect(pipeline.created()[0]?.message.backoff).toEqual({ type: 'fixed', delayMs: 1500 });
  });
});

describe('POST /api/payments/intent/queue', () => {
  const intentEvent = (body: unknown, apiKeyId?: string | null) =>
    anApiGatewayEvent({ resource: '/api/payments/intent/queue', path: '/api/payments/intent/queue', pathParameters: null, body, ...(apiKeyId === undefined ? {} : { apiKeyId }) });
  const intent = { intent_id: 'intent-42', payload: { action: 'stk_push', amount: 1000, phone_number: '+254712345678' }, priority: 10 };

  it("queues a payments job with seed 000's data and answers 202 in the seed's shape", async () => {
    // Prepare
    const pipeline = ingest();

    // Act
    const answer = await pipeline.call(intentEvent(intent));

    // Assess
    const jobId = jobIdFor(A_PARTNER, 'payments', 'intent-42');
    expect(answer).toEqual({
      status: 202,
      json: { ok: true, success: true, intent_id: 'intent-42', job_id: jobId, status: 'queued', queued_at: FIXED_NOW.toISOString() },
    });
    expect(pipeline.created()[0]).toMatchObject({
      lane: 'high',
      dedupKey: 'intent-42',
      message: { jobId, queue: 'payments', data: { intentId: 'intent-42', payload: intent.payload, action: 'stk_push' }, partner: A_PARTNER },
    });
    expect(pipeline.queues.sendBatch).toHaveBeenCalledTimes(1);
  });

  it('answers a live twin of the intent with 200, its job id and its status, sending nothing', async () => {
    // Prepare
    const pipeline = ingest();
    const twin = aJobRecord({ jobId: jobIdFor(A_PARTNER, 'payments', 'intent-42'), status: 'active' });
    pipeline.store.create.mockResolvedValueOnce({ created: false, existing: twin });

    // Act
    const answer = await pipeline.call(intentEvent(intent));

    // Assess
    expect(answer).toEqual({ status: 200, json: { ok: true, success: true, intent_id: 'intent-42', job_id: twin.jobId, status: 'active', duplicate: true } });
    expect(pipeline.queues.sendBatch).not.toHaveBeenCalled();
  });

  it("names a payload field the payments data schema refuses as the intent names it, not as the job's data does", async () => {
    // Prepare
    const pipeline = ingest([anEndpoint()], 100, 'payment-intent');

    // Act
    const answer = await pipeline.call(intentEvent({ ...intent, payload: { ...intent.payload, amount: 'a lot' } }));

    // Assess
    expect(answer).toMatchObject({ status: 400, json: { error: { code: 'invalid_request', details: [{ field: 'payload.amount' }] } } });
    expect(pipeline.store.create).not.toHaveBeenCalled();
  });

  it('refuses an intent with an unknown field, naming it, and one with no API key', async () => {
    // Prepare
    const pipeline = ingest();

    // Act
    const unknown = await pipeline.call(intentEvent({ ...intent, data: {} }));
    const anonymous = await pipeline.call(intentEvent(intent, null));

    // Assess
    expect(unknown).toMatchObject({ status: 400, json: { error: { code: 'invalid_request', details: [{ field: 'data', message: 'unknown field; check the spelling' }] } } });
    expect(anonymous).toMatchObject({ status: 403, json: { error: { code: 'forbidden' } } });
    expect(pipeline.store.create).not.toHaveBeenCalled();
  });
});
