import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { dynamoDbJobStore } from '../../../functions/adapters/dynamodb-job-store';
import { itemSize } from '../../../functions/adapters/item-size';
import { scheduleShard } from '../../../functions/adapters/job-keys';
import { PipelineError } from '../../../functions/core/errors';
import { A_JOB_ID, A_PARTNER, A_RUN_ID, FIXED_NOW, OTHER_PARTNER, aJobMessage, aNewJob } from '../../helpers/factories';
import { aStateItem, conditionFailed } from './stored-items';

const documents = mockClient(DynamoDBDocumentClient);
const store = dynamoDbJobStore({ client: new DynamoDBClient({ region: 'eu-west-1' }), tableName: 'jobs' });
const shard = scheduleShard(A_JOB_ID);

beforeEach(() => {
  documents.reset();
});

describe('DynamoDbJobStore.create', () => {
  it('writes one state item with the payload inline when it is small, kept for the record\'s life when the item has room', async () => {
    // Prepare
    documents.on(PutCommand).resolves({});

    // Act
    const outcome = await store.create(aNewJob());

    // Assess
    expect(outcome).toMatchObject({ created: true, job: { jobId: A_JOB_ID, status: 'waiting', attempts: 0, history: [] } });
    const puts = documents.commandCalls(PutCommand);
    expect(puts).toHaveLength(1);
    const input = puts[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe('attribute_not_exists(pk) OR #status IN (:completed, :failed, :cancelled)');
    expect(input?.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
    expect(input?.Item).toMatchObject({
      pk: `JOB#${A_JOB_ID}`,
      sk: 'STATE',
      run_id: A_RUN_ID,
      status: 'waiting',
      attempts: 0,
      max_attempts: 3,
      kept_payload: JSON.stringify(aJobMessage().data),
      sched_pk: `PENDING#${shard}`,
      sched_at: FIXED_NOW.getTime(),
    });
    expect(input?.Item).not.toHaveProperty('expires_at');
    expect(input?.Item).not.toHaveProperty('payload');
  });

  it('records the partner in the state item and the record, and the item stays within one write unit', async () => {
    // Prepare
    documents.on(PutCommand).resolves({});

    // Act
    const outcome = await store.create(aNewJob({ partner: OTHER_PARTNER, message: aJobMessage({ partner: OTHER_PARTNER }) }));

    // Assess
    const item = documents.commandCalls(PutCommand)[0]?.args[0].input.Item;
    expect(item).toMatchObject({ partner: OTHER_PARTNER });
    expect(itemSize(item ?? {})).toBeLessThan(1024);
    expect(outcome).toMatchObject({ created: true, job: { partner: OTHER_PARTNER } });
  });

  it('keeps a job the sweeper sends in the DELAYED partition, due at its due time', async () => {
    // Prepare
    documents.on(PutCommand).resolves({});
    const dueAt = new Date(FIXED_NOW.getTime() + 3_600_000);

    // Act
    await store.create(aNewJob({ status: 'delayed', dueAt, viaSweeper: true }));

    // Assess
    expect(documents.commandCalls(PutCommand)[0]?.args[0].input.Item).toMatchObject({
      status: 'delayed',
      due_at: dueAt.toISOString(),
      sched_pk: `DELAYED#${shard}`,
      sched_at: dueAt.getTime(),
    });
  });

  it('writes a large payload to its own item first, so the state item stays under one write unit', async () => {
    // Prepare
    documents.on(PutCommand).resolves({});
    const data = { blob: 'x'.repeat(5000) };

    // Act
    await store.create(aNewJob({ message: aJobMessage({ data }), payloadBytes: 5012 }));

    // Assess
    const [payloadPut, statePut] = documents.commandCalls(PutCommand).map((call) => call.args[0].input);
    expect(payloadPut?.Item).toMatchObject({ pk: `JOB#${A_JOB_ID}`, sk: `PAYLOAD#${A_RUN_ID}`, payload: JSON.stringify(data) });
    expect(payloadPut?.Item?.expires_at).toBeGreaterThan(FIXED_NOW.getTime() / 1000);
    expect(payloadPut?.ConditionExpression).toBeUndefined();
    expect(statePut?.Item).not.toHaveProperty('payload');
    expect(itemSize(statePut?.Item ?? {})).toBeLessThan(1024);
  });

  it('returns the live twin from the refusal itself, without a read', async () => {
    // Prepare
    documents.on(PutCommand).rejects(conditionFailed(aStateItem({ run_id: 'run-of-the-twin', status: 'active', attempts: 1, lease_until_ms: 1 })));

    // Act
    const outcome = await store.create(aNewJob());

    // Assess
    expect(outcome).toMatchObject({ created: false, existing: { jobId: A_JOB_ID, status: 'active', attempts: 1 } });
    expect(documents.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('deletes the payload item of a run that lost to a live twin', async () => {
    // Prepare
    documents
      .on(PutCommand)
      .resolvesOnce({})
      .rejectsOnce(conditionFailed(aStateItem({ run_id: 'run-of-the-twin' })));
    documents.on(DeleteCommand).rejects(new Error('throttled'));

    // Act
    const outcome = await store.create(aNewJob({ message: aJobMessage({ data: 'y'.repeat(700) }) }));

    // Assess: a failed delete is tolerated, the item expires anyway
    expect(outcome.created).toBe(false);
    expect(documents.commandCalls(DeleteCommand)[0]?.args[0].input.Key).toEqual({ pk: `JOB#${A_JOB_ID}`, sk: `PAYLOAD#${A_RUN_ID}` });
  });

  it("takes its own write, applied but answered with a 500 and met by the SDK's retry, as created, and keeps its payload", async () => {
    // Prepare: the refusal's old item is this very run's
    documents
      .on(PutCommand)
      .resolvesOnce({})
      .rejectsOnce(conditionFailed(aStateItem({ run_id: A_RUN_ID, status: 'waiting' })));

    // Act
    const outcome = await store.create(aNewJob({ message: aJobMessage({ data: 'y'.repeat(700) }) }));

    // Assess: the caller sends it, as for any new job
    expect(outcome).toMatchObject({ created: true, job: { jobId: A_JOB_ID, runId: A_RUN_ID, status: 'waiting' } });
    expect(documents.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  it('reads the twin when the refusal carries no old item', async () => {
    // Prepare
    documents.on(PutCommand).rejects(conditionFailed());
    documents.on(GetCommand).resolves({ Item: aStateItem({ run_id: 'run-of-the-twin', status: 'delayed' }) });

    // Act
    const outcome = await store.create(aNewJob());

    // Assess
    expect(outcome).toMatchObject({ created: false, existing: { status: 'delayed' } });
    expect(documents.commandCalls(GetCommand)[0]?.args[0].input.ConsistentRead).toBe(true);
  });

  it('writes an unindexed job with no schedule entry, only where no record exists, declaring no unused names', async () => {
    // Prepare
    documents.on(PutCommand).resolves({});

    // Act
    const outcome = await store.create(aNewJob({ unindexed: true }));

    // Assess: its id is new, so any record under it can only be this run's own
    expect(outcome).toMatchObject({ created: true, job: { jobId: A_JOB_ID, status: 'waiting' } });
    const input = documents.commandCalls(PutCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(input?.ExpressionAttributeNames).toBeUndefined();
    expect(input?.ExpressionAttributeValues).toBeUndefined();
    expect(input?.Item).toMatchObject({ run_id: A_RUN_ID, status: 'waiting', kept_payload: JSON.stringify(aJobMessage().data) });
    expect(input?.Item).not.toHaveProperty('sched_pk');
    expect(input?.Item).not.toHaveProperty('sched_at');
  });

  it("takes an unindexed job's own write, met by the SDK's retry, as created, without a read", async () => {
    // Prepare: the refusal's old item is this very run's, as the first try wrote it
    documents.on(PutCommand).rejects(conditionFailed(aStateItem({ status: 'waiting', sched_pk: undefined, sched_at: undefined })));

    // Act
    const outcome = await store.create(aNewJob({ unindexed: true }));

    // Assess: the caller goes on to send it
    expect(outcome).toMatchObject({ created: true, job: { jobId: A_JOB_ID, runId: A_RUN_ID, status: 'waiting' } });
    expect(documents.commandCalls(PutCommand)).toHaveLength(1);
    expect(documents.commandCalls(GetCommand)).toHaveLength(0);
  });

  it("answers a record of another run under an unindexed job's id, even a finished one, as its twin", async () => {
    // Prepare
    documents.on(PutCommand).rejects(conditionFailed(aStateItem({ run_id: 'run-of-the-twin', status: 'completed', attempts: 1 })));

    // Act
    const outcome = await store.create(aNewJob({ unindexed: true }));

    // Assess
    expect(outcome).toMatchObject({ created: false, existing: { jobId: A_JOB_ID, runId: 'run-of-the-twin', status: 'completed' } });
  });

  it('wraps any other DynamoDB failure in a PipelineError that keeps the cause', async () => {
    // Prepare
    const throttled = Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' });
    documents.on(PutCommand).rejects(throttled);

    // Act
    const creating = store.create(aNewJob());

    // Assess
    await expect(creating).rejects.toBeInstanceOf(PipelineError);
    await expect(creating).rejects.toMatchObject({ cause: throttled, context: { operation: 'create', jobId: A_JOB_ID } });
  });
});

describe('DynamoDbJobStore.get', () => {
  it('reads consistently and maps the item to a camelCase record', async () => {
    // Prepare
    documents.on(GetCommand).resolves({
      Item: aStateItem({ status: 'active', attempts: 1, lease_until_ms: FIXED_NOW.getTime(), error: { category: 'server', message: 'HTTP 503' } }),
    });

    // Act
    const job = await store.get(A_JOB_ID);

    // Assess
    expect(job).toMatchObject({
      jobId: A_JOB_ID,
      runId: A_RUN_ID,
      maxAttempts: 3,
      leaseUntil: FIXED_NOW.toISOString(),
      error: { category: 'server', message: 'HTTP 503' },
      correlationId: 'corr-1',
    });
    expect(job).not.toHaveProperty('payload');
    expect(documents.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({
      Key: { pk: `JOB#${A_JOB_ID}`, sk: 'STATE' },
      ConsistentRead: true,
    });
  });

  it('maps the partner, and reads an item from before partners were recorded as a job of no partner', async () => {
    // Prepare
    documents.on(GetCommand).resolvesOnce({ Item: aStateItem({ partner: A_PARTNER }) }).resolvesOnce({ Item: aStateItem() });

    // Act
    const owned = await store.get(A_JOB_ID);
    const old = await store.get(A_JOB_ID);

    // Assess
    expect(owned?.partner).toBe(A_PARTNER);
    expect(old).toBeDefined();
    expect(old).not.toHaveProperty('partner');
  });

  it('returns undefined for a job with no record', async () => {
    // Prepare
    documents.on(GetCommand).resolves({});

    // Act / Assess
    await expect(store.get('nope')).resolves.toBeUndefined();
  });

  it('refuses an item of the wrong shape loudly', async () => {
    // Prepare
    documents.on(GetCommand).resolves({ Item: aStateItem({ status: 'sleeping' }) });

    // Act / Assess
    await expect(store.get(A_JOB_ID)).rejects.toThrow(/malformed/);
  });
});
