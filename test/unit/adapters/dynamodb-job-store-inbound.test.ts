import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { dynamoDbJobStore } from '../../../functions/adapters/dynamodb-job-store';
import { pendingJobOf } from '../../../functions/adapters/schedule-listing';
import { jobRecordFromItem, parseStateItem } from '../../../functions/adapters/job-item';
import { stateItemOf } from '../../../functions/adapters/new-job-item';
import { A_JOB_ID, A_RUN_ID, FIXED_NOW, aJobMessage, aNewJob } from '../../helpers/factories';
import { aStateItem, conditionFailed } from './stored-items';

const documents = mockClient(DynamoDBDocumentClient);
const store = dynamoDbJobStore({ client: new DynamoDBClient({ region: 'eu-west-1' }), tableName: 'jobs' });

/** An inbound callback's text as Daraja sends it: spaced and indented, which its data serialized is not. */
const RAW = '{\n  "TransID": "RKTQDM7W6S",\n  "TransAmount": "10.00"\n}';
const ENDPOINT_ID = 'ep_abcdefghijklmnopqrst';

beforeEach(() => {
  documents.reset();
});

describe('DynamoDbJobStore.create for inbound callbacks and jobs with their own backoff', () => {
  it('blocks on any twin, finished ones included, when the job asks for dedupAcrossFinished', async () => {
    // Prepare
    documents.on(PutCommand).rejects(conditionFailed(aStateItem({ run_id: 'run-of-the-twin', status: 'completed' })));

    // Act
    const outcome = await store.create(aNewJob({ dedupAcrossFinished: true }));

    // Assess
    const input = documents.commandCalls(PutCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(input?.ExpressionAttributeNames).toBeUndefined();
    expect(input?.ExpressionAttributeValues).toBeUndefined();
    expect(outcome).toMatchObject({ created: false, existing: { status: 'completed' } });
    expect(documents.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('keeps the live-twin rule without it', async () => {
    // Prepare
    documents.on(PutCommand).resolves({});

    // Act
    await store.create(aNewJob({ dedupAcrossFinished: false }));

    // Assess
    expect(documents.commandCalls(PutCommand)[0]?.args[0].input.ConditionExpression).toBe('attribute_not_exists(pk) OR #status IN (:completed, :failed, :cancelled)');
  });

  it('records the endpoint and the backoff, and keeps the raw text as the payload, once', async () => {
    // Prepare
    documents.on(PutCommand).resolves({});
    const message = aJobMessage({ data: JSON.parse(RAW) as unknown, raw: RAW, endpointId: ENDPOINT_ID, backoff: { type: 'fixed', delayMs: 1500 } });

    // Act
    const outcome = await store.create(aNewJob({ message, payloadBytes: Buffer.byteLength(RAW) }));

    // Assess
    const item = documents.commandCalls(PutCommand)[0]?.args[0].input.Item;
    expect(item).toMatchObject({ endpoint_id: ENDPOINT_ID, backoff: { type: 'fixed', delay_ms: 1500 }, kept_payload: RAW, payload_is_raw: true });
    expect(JSON.stringify(item)).not.toContain('"raw"');
    expect(outcome).toMatchObject({ created: true, job: { endpointId: ENDPOINT_ID, backoff: { type: 'fixed', delayMs: 1500 }, rawPayload: true } });
  });

  it('writes no endpoint, backoff or raw flag for a job without them', async () => {
    // Prepare
    documents.on(PutCommand).resolves({});

    // Act
    const outcome = await store.create(aNewJob());

    // Assess
    const item = documents.commandCalls(PutCommand)[0]?.args[0].input.Item ?? {};
    for (const attribute of ['endpoint_id', 'backoff', 'payload_is_raw']) expect(item[attribute], attribute).toBeUndefined();
    expect(outcome.created && outcome.job).not.toHaveProperty('endpointId');
  });
});

describe('a message rebuilt from a record (sweeper, reconciler)', () => {
  it('carries the endpoint, the backoff and the raw text again, byte for byte', () => {
    // Prepare
    const item = parseStateItem(aStateItem({ endpoint_id: ENDPOINT_ID, backoff: { type: 'exponential', delay_ms: 250 }, payload: RAW, payload_is_raw: true }));

    // Act
    const pending = pendingJobOf(item, RAW);

    // Assess
    expect(pending.message).toMatchObject({
      jobId: A_JOB_ID,
      runId: A_RUN_ID,
      data: { TransID: 'RKTQDM7W6S', TransAmount: '10.00' },
      raw: RAW,
      endpointId: ENDPOINT_ID,
      backoff: { type: 'exponential', delayMs: 250 },
    });
  });

  it('gives a job posted as JSON no raw', () => {
    // Act
    const pending = pendingJobOf(parseStateItem(aStateItem()), '{"intentId":"intent-42","amount":1000}');

    // Assess
    expect(pending.message).not.toHaveProperty('raw');
    expect(pending.message).not.toHaveProperty('endpointId');
  });
});

describe('a record rebuilt from a dead letter’s message', () => {
  it('keeps the endpoint and the backoff the message carries', () => {
    // Prepare: what a claim of a redriven letter whose record is gone writes first
    const message = aJobMessage({ endpointId: ENDPOINT_ID, raw: RAW, backoff: { type: 'fixed', delayMs: 700 } });

    // Act
    const record = jobRecordFromItem(stateItemOf({ message, lane: 'high', status: 'active', maxAttempts: 3, now: FIXED_NOW, payloadBytes: 10 }));

    // Assess
    expect(record).toMatchObject({ endpointId: ENDPOINT_ID, backoff: { type: 'fixed', delayMs: 700 } });
    expect(record).not.toHaveProperty('rawPayload');
  });
});
