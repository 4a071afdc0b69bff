import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../functions/adapters/clock';
import { dynamoDbJobStore } from '../../../functions/adapters/dynamodb-job-store';
import { parseQueueDefinition } from '../../../functions/core/queue-config';
import { queueSettingsOf } from '../../../functions/core/runtime-config';
import { createJobStatusHandler, WAIT_POLL_MS } from '../../../functions/handlers/factories/job-status-api';
import { queueDirectory } from '../../../functions/handlers/workflows/queue-directory';
import {
  A_JOB_ID,
  A_PARTNER,
  FIXED_NOW,
  OTHER_PARTNER,
  OTHER_PARTNER_KEY_ID,
  aQueueDefinitionInput,
  anApiGatewayEvent,
  somePartnerKeys,
} from '../../helpers/factories';
import { lambdaContext } from '../../integration/support/lambda-context';
import { aStateItem, conditionFailed } from '../adapters/stored-items';

const documents = mockClient(DynamoDBDocumentClient);

/** A clock that moves only when slept on, recording each sleep. */
function manualClock(): Clock & { readonly sleeps: number[] } {
  let nowMs = FIXED_NOW.getTime();
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => new Date(nowMs),
    sleep: async (ms) => {
      sleeps.push(ms);
      nowMs += ms;
    },
  };
}

function statusHandler(clock: Clock = manualClock()) {
  const settings = [queueSettingsOf(parseQueueDefinition(aQueueDefinitionInput()))];
  const handler = createJobStatusHandler({
    store: dynamoDbJobStore({ client: new DynamoDBClient({ region: 'eu-west-1' }), tableName: 'jobs' }),
    directory: queueDirectory(settings, 'https://sqs.eu-west-1.amazonaws.com/123456789012', 'jobs'),
    clock,
    logger: new Logger({ serviceName: 'job-status', logLevel: 'SILENT' }),
    partners: somePartnerKeys(),
  });
  return async (event: APIGatewayProxyEvent) => {
    const response = await handler(event, lambdaContext('job-status'));
    return { status: response.statusCode, json: JSON.parse(response.body) as Record<string, unknown> };
  };
}

function jobEvent(method: 'GET' | 'DELETE', options: { id?: string; wait?: string; apiKeyId?: string | null } = {}): APIGatewayProxyEvent {
  const id = options.id ?? A_JOB_ID;
  return anApiGatewayEvent({
    httpMethod: method,
    path: `/jobs/${id}`,
    pathParameters: { id },
    queryStringParameters: options.wait === undefined ? null : { wait: options.wait },
    ...(options.apiKeyId === undefined ? {} : { apiKeyId: options.apiKeyId }),
  });
}

const notFound = { status: 404, json: { ok: false, error: { code: 'job_not_found', message: `there is no job with id "${A_JOB_ID}"` } } };

beforeEach(() => {
  documents.reset();
});

describe('GET /jobs/{id} ownership', () => {
  it("shows the partner its own job, with the partner's name", async () => {
    // Prepare
    documents.on(GetCommand).resolves({ Item: aStateItem({ partner: A_PARTNER }) });

    // Act
    const answer = await statusHandler()(jobEvent('GET'));

    // Assess
    expect(answer).toMatchObject({ status: 200, json: { ok: true, job_id: A_JOB_ID, status: 'waiting', partner: A_PARTNER } });
  });

  it.each([
    ['another partner', { partner: OTHER_PARTNER }],
    ['no partner (recorded before partners were)', {}],
  ])("answers a job of %s exactly as an id that does not exist", async (_owner, owner) => {
    // Prepare
    const handler = statusHandler();
    documents.on(GetCommand).resolvesOnce({ Item: aStateItem(owner) }).resolvesOnce({});

    // Act
    const foreign = await handler(jobEvent('GET'));
    const missing = await handler(jobEvent('GET'));

    // Assess
    expect(foreign).toEqual(notFound);
    expect(foreign).toEqual(missing);
  });

  it.each([
    ['a key id no partner of this stage owns', 'key-of-nobody', 'the API key belongs to no partner of this stage'],
    ['no key id at all', null, 'the request carries no API key, so it belongs to no partner of this stage'],
  ])('refuses a request with %s with 403 forbidden, reading nothing', async (_case, apiKeyId, message) => {
    // Prepare
    documents.on(GetCommand).resolves({ Item: aStateItem({ partner: A_PARTNER }) });

    // Act
    const read = await statusHandler()(jobEvent('GET', { apiKeyId }));
    const cancel = await statusHandler()(jobEvent('DELETE', { apiKeyId }));

    // Assess
    expect(read).toEqual({ status: 403, json: { ok: false, error: { code: 'forbidden', message } } });
    expect(cancel).toEqual(read);
    expect(documents.commandCalls(GetCommand)).toHaveLength(0);
    expect(documents.commandCalls(UpdateCommand)).toHaveLength(0);
  });
});

describe('GET /jobs/{id}?wait=N', () => {
  it("answers another partner's job 404 at once, without waiting", async () => {
    // Prepare
    const clock = manualClock();
    documents.on(GetCommand).resolves({ Item: aStateItem({ partner: A_PARTNER }) });

    // Act
    const answer = await statusHandler(clock)(jobEvent('GET', { wait: '10', apiKeyId: OTHER_PARTNER_KEY_ID }));

    // Assess
    expect(answer).toEqual(notFound);
    expect(clock.sleeps).toEqual([]);
  });

  it('checks the owner on every poll, not only the first', async () => {
    // Prepare: the id is someone else's by the second read
    documents
      .on(GetCommand)
      .resolvesOnce({ Item: aStateItem({ partner: A_PARTNER }) })
      .resolves({ Item: aStateItem({ partner: OTHER_PARTNER, status: 'completed' }) });

    // Act
    const answer = await statusHandler()(jobEvent('GET', { wait: '10' }));

    // Assess
    expect(answer).toEqual(notFound);
  });

  it('reads the job about once a second and answers at the first read that finds it final', async () => {
    // Prepare
    const clock = manualClock();
    documents
      .on(GetCommand)
      .resolvesOnce({ Item: aStateItem({ partner: A_PARTNER }) })
      .resolvesOnce({ Item: aStateItem({ partner: A_PARTNER, status: 'active', attempts: 1 }) })
      .resolves({ Item: aStateItem({ partner: A_PARTNER, status: 'completed', attempts: 1 }) });

    // Act
    const answer = await statusHandler(clock)(jobEvent('GET', { wait: '20' }));

    // Assess
    expect(answer).toMatchObject({ status: 200, json: { status: 'completed' } });
    expect(WAIT_POLL_MS).toBe(1000);
    expect(clock.sleeps).toEqual([1000, 1000]);
    expect(documents.commandCalls(GetCommand)).toHaveLength(3);
  });

  it('never waits past the deadline: the last sleep is cut to it and the last read lands on it', async () => {
    // Prepare
    const clock = manualClock();
    documents.on(GetCommand).resolves({ Item: aStateItem({ partner: A_PARTNER }) });

    // Act
    const answer = await statusHandler(clock)(jobEvent('GET', { wait: '2.5' }));

    // Assess
    expect(answer).toMatchObject({ status: 200, json: { status: 'waiting' } });
    expect(clock.sleeps).toEqual([1000, 1000, 500]);
    expect(clock.now().getTime() - FIXED_NOW.getTime()).toBe(2500);
    expect(documents.commandCalls(GetCommand)).toHaveLength(4);
  });

  it('reads once, and does not sleep, without wait', async () => {
    // Prepare
    const clock = manualClock();
    documents.on(GetCommand).resolves({ Item: aStateItem({ partner: A_PARTNER }) });

    // Act
    await statusHandler(clock)(jobEvent('GET'));

    // Assess
    expect(clock.sleeps).toEqual([]);
    expect(documents.commandCalls(GetCommand)).toHaveLength(1);
  });
});

describe('DELETE /jobs/{id} ownership', () => {
  it("cancels the partner's own waiting job, on the condition that it is still the partner's", async () => {
    // Prepare
    documents.on(GetCommand).resolves({ Item: aStateItem({ partner: A_PARTNER }) });
    documents.on(UpdateCommand).resolves({ Attributes: aStateItem({ partner: A_PARTNER, status: 'cancelled' }) });

    // Act
    const answer = await statusHandler()(jobEvent('DELETE'));

    // Assess
    expect(answer).toMatchObject({ status: 200, json: { job_id: A_JOB_ID, status: 'cancelled' } });
    const input = documents.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toContain('#partner = :partner');
    expect(input?.ExpressionAttributeValues?.[':partner']).toBe(A_PARTNER);
  });

  it("answers another partner's job 404, as a missing id, and writes nothing", async () => {
    // Prepare
    const handler = statusHandler();
    documents.on(GetCommand).resolvesOnce({ Item: aStateItem({ partner: A_PARTNER }) }).resolvesOnce({});

    // Act
    const foreign = await handler(jobEvent('DELETE', { apiKeyId: OTHER_PARTNER_KEY_ID }));
    const missing = await handler(jobEvent('DELETE', { apiKeyId: OTHER_PARTNER_KEY_ID }));

    // Assess
    expect(foreign).toEqual(notFound);
    expect(foreign).toEqual(missing);
    expect(documents.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('answers 404, not 409, when the job turns out to be another partner\'s at the write', async () => {
    // Prepare: the read saw the partner's job; the conditional write finds it is not
    documents.on(GetCommand).resolves({ Item: aStateItem({ partner: A_PARTNER }) });
    documents.on(UpdateCommand).rejects(conditionFailed(aStateItem({ partner: OTHER_PARTNER })));

    // Act
    const answer = await statusHandler()(jobEvent('DELETE'));

    // Assess
    expect(answer).toEqual(notFound);
  });

  it("still answers 409 for the partner's own job once it is active", async () => {
    // Prepare
    documents.on(GetCommand).resolvesOnce({ Item: aStateItem({ partner: A_PARTNER }) }).resolves({ Item: aStateItem({ partner: A_PARTNER, status: 'active' }) });
    documents.on(UpdateCommand).rejects(conditionFailed(aStateItem({ partner: A_PARTNER, status: 'active' })));

    // Act
    const answer = await statusHandler()(jobEvent('DELETE'));

    // Assess
    expect(answer).toMatchObject({ status: 409, json: { error: { code: 'not_cancellable', message: expect.stringContaining('active') } } });
  });
});
