import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { NewJob } from '../../../functions/adapters/job-store';
import { jobIdFor } from '../../../functions/core/dedup';
import type { Endpoint } from '../../../functions/core/endpoint';
import { parseQueueDefinition, type QueueDefinitionInput } from '../../../functions/core/queue-config';
import { queueSettingsOf } from '../../../functions/core/runtime-config';
import { createIngestHandler } from '../../../functions/handlers/factories/ingest-api';
import { inboundQueueOf } from '../../../functions/handlers/workflows/inbound-callback';
import { queueDirectory } from '../../../functions/handlers/workflows/queue-directory';
import { FIXED_NOW, aJobRecord, aQueueDefinitionInput, anApiGatewayEvent, somePartnerKeys } from '../../helpers/factories';
import { lambdaContext } from '../../integration/support/lambda-context';
import { fakeQueues, fakeStore } from './consumer-fakes';
import { AN_ENDPOINT_ID, AN_INBOUND_TOKEN, A_USER_ID, anEndpoint, endpointLookup } from './endpoint-lookup';

const FIXTURES = join(__dirname, '..', '..', '..', '..', 'shared', 'fixtures', 'daraja');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
const QUEUE_BASE = 'https://sqs.eu-west-1.amazonaws.com/123456789012';
const ACK = { ResultCode: 0, ResultDesc: 'Accepted' };
const NOT_FOUND = { ok: false, error: { code: 'not_found', message: 'no such callback URL' } };

function inboundPipeline(options: { endpoints?: Endpoint[]; delivery?: Partial<QueueDefinitionInput>; noInboundQueue?: boolean } = {}) {
  const definitions = [
    aQueueDefinitionInput(),
    aQueueDefinitionInput({ name: 'webhook-delivery', lanes: true, endpoints: options.noInboundQueue !== true, maxPayloadBytes: 2048, ...options.delivery }),
  ].map((input) => queueSettingsOf(parseQueueDefinition(input)));
  const store = fakeStore();
  store.create.mockImplementation(async (job: NewJob) => ({ created: true, job: aJobRecord({ jobId: job.message.jobId, queue: job.message.queue }) }));
  const queues = fakeQueues();
  const logger = new Logger({ serviceName: 'ingest', logLevel: 'SILENT' });
  const handler = createIngestHandler({
    store,
    queues,
    directory: queueDirectory(definitions, QUEUE_BASE, 'jobs'),
    clock: { now: () => FIXED_NOW, sleep: async () => undefined },
    logger,
    partners: somePartnerKeys(),
    endpoints: endpointLookup(options.endpoints ?? [anEndpoint()]),
    inboundQueue: inboundQueueOf(definitions),
  });
  const call = async (event: APIGatewayProxyEvent) => {
    const response = await handler(event, lambdaContext('ingest'));
    return { status: response.statusCode, json: JSON.parse(response.body) as unknown };
  };
  return { call, store, queues, logger, created: () => store.create.mock.calls.map(([job]) => job) };
}

/** Safaricom's post: no API key, the body as sent. */
function callback(body: string, path: { userId?: string; token?: string } = {}, extra: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  const userId = path.userId ?? A_USER_ID;
  const token = path.token ?? AN_INBOUND_TOKEN;
  return anApiGatewayEvent({
    resource: '/webhook/{user_id}/{token}',
    path: `/webhook/${userId}/${token}`,
    pathParameters: { user_id: userId, token },
    apiKeyId: null,
    body,
    ...extra,
  });
}

beforeEach(() => {
  vi.restoreAllMocks();
});

describe('POST /webhook/{user_id}/{token}: a Daraja callback', () => {
  it('records an STK success for the endpoint, raw and parsed, in the high lane, and acknowledges as Daraja expects', async () => {
    // Prepare
    const pipeline = inboundPipeline();
    const body = fixture('stk-success.json');

    // Act
    const answer = await pipeline.call(callback(body));

    // Assess
    expect(answer).toEqual({ status: 200, json: ACK });
    const [job] = pipeline.created();
    const jobId = jobIdFor(`user:${A_USER_ID}`, 'webhook-delivery', `${AN_ENDPOINT_ID}:ws_CO_191220191020363925`);
    expect(job).toMatchObject({
      message: {
        jobId,
        queue: 'webhook-delivery',
        name: 'daraja.stk_callback',
        data: JSON.parse(body) as unknown,
        raw: body,
        endpointId: AN_ENDPOINT_ID,
        priority: 'high',
        partner: `user:${A_USER_ID}`,
      },
      lane: 'high',
      dedupKey: `${AN_ENDPOINT_ID}:ws_CO_191220191020363925`,
      dedupAcrossFinished: true,
      partner: `user:${A_USER_ID}`,
      payloadBytes: Buffer.byteLength(body),
    });
    const [url, sent] = pipeline.queues.sendBatch.mock.calls[0] ?? [];
    expect(url).toBe(`${QUEUE_BASE}/jobs-webhook-delivery-high`);
    expect(sent?.[0]?.message.raw).toBe(body);
  });

  it.each([
    ['stk-cancelled.json', 'urgent', 'daraja.stk_callback'],
    ['c2b-confirmation.json', 'high', 'daraja.c2b_confirmation'],
    ['b2c-result.json', 'high', 'daraja.b2c_result'],
  ])('sends %s to the %s lane as %s', async (file, lane, name) => {
    // Prepare
    const pipeline = inboundPipeline();

    // Act
    const answer = await pipeline.call(callback(fixture(file)));

    // Assess
    expect(answer.status).toBe(200);
    expect(pipeline.created()[0]).toMatchObject({ lane, message: { name, priority: lane } });
  });

  it('keeps the exact text of a body API Gateway sent base64-encoded', async () => {
    // Prepare
    const pipeline = inboundPipeline();
    const body = '{ "TransID" : "RK1",\n  "TransAmount": "10.00", "note": "café" }';

    // Act
    await pipeline.call(callback(Buffer.from(body, 'utf8').toString('base64'), {}, { isBase64Encoded: true }));

    // Assess
    expect(pipeline.created()[0]?.message).toMatchObject({ raw: body, data: { TransID: 'RK1', TransAmount: '10.00', note: 'café' } });
  });

  it('acknowledges a repeated callback without sending it again', async () => {
    // Prepare
    const pipeline = inboundPipeline();
    pipeline.store.create.mockResolvedValueOnce({ created: false, existing: aJobRecord({ queue: 'webhook-delivery', status: 'completed' }) });

    // Act
    const answer = await pipeline.call(callback(fixture('stk-success.json')));

    // Assess
    expect(answer).toEqual({ status: 200, json: ACK });
    expect(pipeline.queues.sendBatch).not.toHaveBeenCalled();
  });

  it('takes a body it does not recognise as a new job each time, in the normal lane', async () => {
    // Prepare
    const pipeline = inboundPipeline();

    // Act
    await pipeline.call(callback('{"event":"ping"}'));
    await pipeline.call(callback('{"event":"ping"}'));

    // Assess
    const [first, second] = pipeline.created();
    expect(first).toMatchObject({ lane: 'normal', message: { name: 'inbound', priority: 'normal', endpointId: AN_ENDPOINT_ID } });
    expect(first?.dedupKey).toBeUndefined();
    expect(first?.message.jobId).not.toBe(second?.message.jobId);
  });

  it('groups an endpoint’s callbacks by endpoint on a FIFO inbound queue', async () => {
    // Prepare
    const pipeline = inboundPipeline({ delivery: { fifo: true, lanes: false } });

    // Act
    await pipeline.call(callback(fixture('c2b-confirmation.json')));

    // Assess
    expect(pipeline.created()[0]?.message.groupId).toBe(AN_ENDPOINT_ID);
  });
});

describe('POST /webhook/{user_id}/{token}: what it refuses', () => {
  const otherUsers = anEndpoint({ endpointId: 'ep_zzzzzzzzzzzzzzzzzzzz', userId: 'other-user', inboundToken: `ep_zzzzzzzzzzzzzzzzzzzz.${'C'.repeat(32)}` });

  it.each([
    ['a malformed token', { token: 'not-a-token' }],
    ['a token of an endpoint that does not exist', { token: `ep_yyyyyyyyyyyyyyyyyyyy.${'A'.repeat(32)}` }],
    ['another user’s endpoint, with its right token', { token: otherUsers.inboundToken }],
    ['the right endpoint with a wrong secret part', { token: `${AN_ENDPOINT_ID}.${'A'.repeat(32)}` }],
    ['a user id that is not one', { userId: 'shop 42' }],
  ])('answers %s with the same 404, writing nothing', async (_label, path) => {
    // Prepare
    const pipeline = inboundPipeline({ endpoints: [anEndpoint(), otherUsers] });

    // Act
    const answer = await pipeline.call(callback(fixture('stk-success.json'), path));

    // Assess
    expect(answer).toEqual({ status: 404, json: NOT_FOUND });
    expect(pipeline.store.create).not.toHaveBeenCalled();
    expect(pipeline.queues.sendBatch).not.toHaveBeenCalled();
  });

  it('answers 503 endpoint_disabled for a disabled endpoint, logs it, and writes nothing', async () => {
    // Prepare
    const pipeline = inboundPipeline({ endpoints: [anEndpoint({ enabled: false, disabledReason: 'gone' })] });
    const warn = vi.spyOn(pipeline.logger, 'warn');

    // Act
    const answer = await pipeline.call(callback(fixture('stk-success.json')));

    // Assess
    expect(answer).toMatchObject({ status: 503, json: { ok: false, error: { code: 'endpoint_disabled' } } });
    expect(pipeline.store.create).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('disabled'), expect.objectContaining({ endpoint_id: AN_ENDPOINT_ID, disabled_reason: 'gone' }));
  });

  it("refuses a body over the inbound queue's maxPayloadBytes with 413 naming it, and one that is not JSON with 400", async () => {
    // Prepare
    const pipeline = inboundPipeline();

    // Act
    const large = await pipeline.call(callback(JSON.stringify({ note: 'x'.repeat(2048) })));
    const broken = await pipeline.call(callback('{"Body": '));
    const empty = await pipeline.call(callback(''));

    // Assess
    expect(large).toMatchObject({ status: 413, json: { error: { code: 'payload_too_large', message: expect.stringContaining('queue "webhook-delivery"\'s maxPayloadBytes is 2048 bytes') } } });
    expect(broken).toMatchObject({ status: 400, json: { error: { code: 'invalid_json' } } });
    expect(empty).toMatchObject({ status: 400, json: { error: { code: 'invalid_json' } } });
    expect(pipeline.store.create).not.toHaveBeenCalled();
  });

  it('answers 500, writing nothing, when no queue of the catalog takes endpoints (so Daraja sends again later)', async () => {
    // Prepare
    const pipeline = inboundPipeline({ noInboundQueue: true });

    // Act
    const answer = await pipeline.call(callback(fixture('stk-success.json')));

    // Assess
    expect(answer).toMatchObject({ status: 500, json: { error: { code: 'internal_error' } } });
    expect(pipeline.store.create).not.toHaveBeenCalled();
  });
});
