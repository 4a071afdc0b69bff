import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { dynamoDbJobStore } from '../../../functions/adapters/dynamodb-job-store';
import { itemSize } from '../../../functions/adapters/item-size';
import { KEPT_PAYLOAD_ROOM_BYTES, newJobItems } from '../../../functions/adapters/new-job-item';
import { A_JOB_ID, A_RUN_ID, FIXED_NOW, aJobMessage, aNewJob, anAttemptRecord } from '../../helpers/factories';
import { aStateItem, conditionFailed } from './stored-items';

const documents = mockClient(DynamoDBDocumentClient);
const TOKEN = 'tok-aaaaaaaaaaaaaaaaaaaa';
const store = dynamoDbJobStore({ client: new DynamoDBClient({ region: 'eu-west-1' }), tableName: 'jobs', newProgressToken: () => TOKEN });
const ref = { jobId: A_JOB_ID, runId: A_RUN_ID, attempt: 1 };
const activeItem = aStateItem({ status: 'active', attempts: 1, lease_until_ms: FIXED_NOW.getTime() + 60_000, payload: undefined, progress_token: TOKEN });

beforeEach(() => {
  documents.reset();
});

describe('the progress token of an attempt', () => {
  it('is written by the claim, in its one update, and shown on the claimed record', async () => {
    // Prepare
    documents.on(UpdateCommand).resolves({ Attributes: activeItem });

    // Act
    const outcome = await store.claim(A_JOB_ID, A_RUN_ID, FIXED_NOW, 60_000);

    // Assess
    const calls = documents.commandCalls(UpdateCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input?.UpdateExpression).toContain('progress_token = :token');
    expect(input?.ExpressionAttributeValues?.[':token']).toBe(TOKEN);
    expect(outcome).toMatchObject({ claimed: true, job: { progressToken: TOKEN } });
  });

  it('is a fresh random value on each claim by default', async () => {
    // Prepare
    documents.on(UpdateCommand).resolves({ Attributes: activeItem });
    const randomStore = dynamoDbJobStore({ client: new DynamoDBClient({ region: 'eu-west-1' }), tableName: 'jobs' });

    // Act
    await randomStore.claim(A_JOB_ID, A_RUN_ID, FIXED_NOW, 60_000);
    await randomStore.claim(A_JOB_ID, A_RUN_ID, FIXED_NOW, 60_000);

    // Assess
    const [first, second] = documents.commandCalls(UpdateCommand).map((call) => call.args[0].input.ExpressionAttributeValues?.[':token'] as string);
    expect(first).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(second).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(first).not.toBe(second);
  });

  it.each([
    ['complete', () => store.complete(ref, { now: FIXED_NOW, result: { ok: true }, entry: anAttemptRecord(), expiresAt: FIXED_NOW })],
    ['retry', () => store.retry(ref, { now: FIXED_NOW, error: { category: 'server', message: '503' }, entry: anAttemptRecord({ outcome: 'retrying' }) })],
    ['fail', () => store.fail(ref, { now: FIXED_NOW, error: { category: 'client', message: '400' }, entry: anAttemptRecord({ outcome: 'failed' }), expiresAt: FIXED_NOW })],
  ])('is removed by %s, in the same write that ends the attempt', async (_name, transition) => {
    // Prepare
    documents.on(UpdateCommand).resolves({ Attributes: { ...activeItem, status: 'completed', progress_token: undefined } });

    // Act
    await transition();

    // Assess
    const calls = documents.commandCalls(UpdateCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input.UpdateExpression).toMatch(/REMOVE .*progress_token/);
  });
});

describe('DynamoDbJobStore.reportProgress', () => {
  it('sets progress in one conditional write on the token and the active state', async () => {
    // Prepare
    documents.on(UpdateCommand).resolves({ Attributes: { ...activeItem, progress: 40 } });

    // Act
    const outcome = await store.reportProgress(A_JOB_ID, TOKEN, 40);

    // Assess
    expect(outcome).toBe('recorded');
    const input = documents.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.UpdateExpression).toBe('SET progress = :progress');
    expect(input?.ConditionExpression).toBe('progress_token = :token AND #status = :active');
    expect(input?.ExpressionAttributeValues).toMatchObject({ ':progress': 40, ':token': TOKEN, ':active': 'active' });
    expect(documents.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('answers final for a finished job, from the refused item, without a read', async () => {
    // Prepare
    documents.on(UpdateCommand).rejects(conditionFailed(aStateItem({ status: 'completed', payload: undefined })));

    // Act
    const outcome = await store.reportProgress(A_JOB_ID, TOKEN, 40);

    // Assess
    expect(outcome).toBe('final');
    expect(documents.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('answers not_found for a wrong token on an active job and for a job that does not exist', async () => {
    // Prepare
    documents.on(UpdateCommand).rejectsOnce(conditionFailed(activeItem)).rejectsOnce(conditionFailed());
    documents.on(GetCommand).resolves({});

    // Act
    const wrongToken = await store.reportProgress(A_JOB_ID, 'not-the-token', 40);
    const missing = await store.reportProgress('job-missing', TOKEN, 40);

    // Assess
    expect(wrongToken).toBe('not_found');
    expect(missing).toBe('not_found');
  });
});

describe('keeping a job\'s data for its owner', () => {
  it('keeps a small inline payload for the record\'s life, and leaves a larger one for the claim to drop', () => {
    // Prepare
    const small = aNewJob({ message: aJobMessage({ data: { amount: 10 } }) });
    const medium = aNewJob({ message: aJobMessage({ data: { note: 'x'.repeat(450) } }) });

    // Act
    const smallItems = newJobItems(small);
    const mediumItems = newJobItems(medium);

    // Assess
    expect(smallItems.state).toHaveProperty('kept_payload', '{"amount":10}');
    expect(smallItems.state).not.toHaveProperty('payload');
    expect(itemSize(smallItems.state) + KEPT_PAYLOAD_ROOM_BYTES).toBeLessThanOrEqual(1024 + 5);
    expect(mediumItems.state).toHaveProperty('payload');
    expect(mediumItems.state).not.toHaveProperty('kept_payload');
    expect(mediumItems.payload).toBeUndefined();
  });

  it('keeps a large payload\'s own item as long as the record lives', () => {
    // Prepare
    const retentionMs = 14 * 24 * 3_600_000;
    const job = aNewJob({ message: aJobMessage({ data: { blob: 'x'.repeat(5000) } }), recordRetentionMs: retentionMs });

    // Act
    const items = newJobItems(job);

    // Assess
    const expiresAt = Number(items.payload?.expires_at) * 1000;
    expect(expiresAt).toBeGreaterThanOrEqual(FIXED_NOW.getTime() + 7 * 24 * 3_600_000 + retentionMs - 1000);
  });

  it('drops the kept payload at completion only when the result needs its room', async () => {
    // Prepare
    documents.on(UpdateCommand).resolves({ Attributes: { ...activeItem, status: 'completed' } });

    // Act
    await store.complete(ref, { now: FIXED_NOW, result: { ok: true }, entry: anAttemptRecord(), expiresAt: FIXED_NOW });
    await store.complete(ref, { now: FIXED_NOW, result: { text: 'y'.repeat(300) }, entry: anAttemptRecord(), expiresAt: FIXED_NOW });

    // Assess
    const [smallResult, largeResult] = documents.commandCalls(UpdateCommand).map((call) => call.args[0].input.UpdateExpression ?? '');
    expect(smallResult).not.toContain('kept_payload');
    expect(largeResult).toMatch(/REMOVE .*kept_payload/);
  });

  it('reads the data from the state item when it is inline, else from the run\'s payload item', async () => {
    // Prepare
    documents
      .on(GetCommand)
      .resolvesOnce({ Item: { run_id: A_RUN_ID, kept_payload: '{"amount":10}' } })
      .resolvesOnce({ Item: { run_id: A_RUN_ID } })
      .resolvesOnce({ Item: { payload: '{"blob":"big"}' } })
      .resolvesOnce({ Item: { run_id: A_RUN_ID } })
      .resolvesOnce({});

    // Act
    const inline = await store.readData(A_JOB_ID, A_RUN_ID);
    const apart = await store.readData(A_JOB_ID, A_RUN_ID);
    const gone = await store.readData(A_JOB_ID, A_RUN_ID);

    // Assess
    expect(inline).toEqual({ available: true, data: { amount: 10 } });
    expect(apart).toEqual({ available: true, data: { blob: 'big' } });
    expect(gone).toEqual({ available: false });
    const keys = documents.commandCalls(GetCommand).map((call) => call.args[0].input.Key?.sk);
    expect(keys).toEqual(['STATE', 'STATE', `PAYLOAD#${A_RUN_ID}`, 'STATE', `PAYLOAD#${A_RUN_ID}`]);
  });

  it('writes the notify endpoint on the state item and shows it on the record', async () => {
    // Prepare
    documents.on(PutCommand).resolves({});

    // Act
    const outcome = await store.create(aNewJob({ message: aJobMessage({ notify: { endpointId: 'ep_abcdefghijklmnopqrst' } }) }));

    // Assess
    expect(documents.commandCalls(PutCommand)[0]?.args[0].input.Item).toMatchObject({ notify: { endpoint_id: 'ep_abcdefghijklmnopqrst' } });
    expect(outcome).toMatchObject({ created: true, job: { notify: { endpointId: 'ep_abcdefghijklmnopqrst' } } });
  });
});
