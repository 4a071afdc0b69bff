import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { dynamoDbJobStore } from '../../../functions/adapters/dynamodb-job-store';
import { JOBS_TABLE } from '../../../functions/core/table-schema';
import { FIXED_NOW } from '../../helpers/factories';
import { aStateItem } from './stored-items';

const documents = mockClient(DynamoDBDocumentClient);
const store = dynamoDbJobStore({ client: new DynamoDBClient({ region: 'eu-west-1' }), tableName: 'jobs' });
const nowMs = FIXED_NOW.getTime();

/** A job's state item. */
function delayed(jobId: string, schedAt: number, extra: Record<string, unknown> = {}) {
  return aStateItem({
    pk: `JOB#${jobId}`,
    job_id: jobId,
    run_id: `run-${jobId}`,
    status: 'delayed',
    sched_at: schedAt,
    due_at: new Date(schedAt).toISOString(),
    ...extra,
  });
}

/** The schedule index's entry of a state item: only what the index projects. */
function entryOf(item: Record<string, unknown>) {
  return { pk: item.pk, sk: item.sk, sched_pk: item.sched_pk, sched_at: item.sched_at, job_id: item.job_id, queue: item.queue, lane: item.lane };
}

/** BatchGetItem answered from these items (state and payload), by key. */
function batchGetFrom(items: Record<string, unknown>[]) {
  return (input: { RequestItems: Record<string, { Keys: { pk: unknown; sk: unknown }[] }> }) => ({
    Responses: { jobs: (input.RequestItems.jobs?.Keys ?? []).flatMap((key) => items.filter((item) => item.pk === key.pk && item.sk === key.sk)) },
  });
}

beforeEach(() => {
  documents.reset();
});

describe('DynamoDbJobStore.listDue', () => {
  it('queries every DELAYED shard up to now and merges them oldest first, cut to the limit', async () => {
    // Prepare
    const byShard: Record<string, Record<string, unknown>[]> = {
      '0': [delayed('a', nowMs - 300, { partner: 'acme' }), delayed('d', nowMs - 10)],
      '2': [delayed('b', nowMs - 200)],
      '3': [delayed('c', nowMs - 100)],
    };
    documents.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, unknown> }) => {
      const shard = String(input.ExpressionAttributeValues[':pk']).split('#')[1];
      return { Items: (byShard[shard ?? ''] ?? []).map(entryOf) };
    });
    documents.on(BatchGetCommand).callsFake(batchGetFrom(Object.values(byShard).flat()));

    // Act
    const due = await store.listDue(FIXED_NOW, 3);

    // Assess
    expect(due.map((job) => job.message.jobId)).toEqual(['a', 'b', 'c']);
    const queries = documents.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(queries.map((query) => query.ExpressionAttributeValues?.[':pk'])).toEqual(Array.from({ length: 32 }, (_, shard) => `DELAYED#${shard}`));
    expect(queries[0]).toMatchObject({
      IndexName: JOBS_TABLE.scheduleIndex.name,
      KeyConditionExpression: '#pk = :pk AND #at <= :bound',
      ExpressionAttributeValues: { ':bound': nowMs },
      ScanIndexForward: true,
      Limit: 3,
    });
    expect(due[0]).toMatchObject({
      message: { jobId: 'a', runId: 'run-a', queue: 'payments', data: { intentId: 'intent-42', amount: 1000 }, correlationId: 'corr-1', partner: 'acme' },
      lane: 'normal',
      status: 'delayed',
      dueAt: new Date(nowMs - 300),
    });
  });

  it('reads the listed jobs’ state items consistently, then fetches payloads kept in their own item in one batch', async () => {
    // Prepare
    const states = [delayed('big', nowMs - 5, { payload: undefined }), delayed('gone', nowMs - 4, { payload: undefined })];
    documents.on(QueryCommand).resolves({ Items: [] });
    documents.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'DELAYED#1', ':bound': nowMs } }).resolves({ Items: states.map(entryOf) });
    documents.on(BatchGetCommand).callsFake(batchGetFrom([...states, { pk: 'JOB#big', sk: 'PAYLOAD#run-big', job_id: 'big', payload: '{"large":true}' }]));

    // Act
    const due = await store.listDue(FIXED_NOW, 10);

    // Assess: a job whose payload item expired cannot be sent, so it is left out
    expect(due.map((job) => [job.message.jobId, job.message.data])).toEqual([['big', { large: true }]]);
    const reads = documents.commandCalls(BatchGetCommand).map((call) => call.args[0].input.RequestItems?.jobs);
    expect(reads[0]).toEqual({ Keys: [{ pk: 'JOB#big', sk: 'STATE' }, { pk: 'JOB#gone', sk: 'STATE' }], ConsistentRead: true });
    expect(reads[1]?.Keys).toEqual([
      { pk: 'JOB#big', sk: 'PAYLOAD#run-big' },
      { pk: 'JOB#gone', sk: 'PAYLOAD#run-gone' },
    ]);
  });
});

describe('DynamoDbJobStore.listUnclaimed', () => {
  it('queries every PENDING shard strictly before the bound, leaving out the jobs claimed since they were sent', async () => {
    // Prepare
    const waiting = aStateItem({ pk: 'JOB#w', job_id: 'w', run_id: 'run-w', sched_at: nowMs - 60_000 });
    const running = aStateItem({ pk: 'JOB#r', job_id: 'r', run_id: 'run-r', sched_at: nowMs - 60_000, status: 'active', attempts: 1 });
    documents.on(QueryCommand).resolves({ Items: [] });
    documents.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'PENDING#5', ':bound': nowMs } }).resolves({ Items: [entryOf(running), entryOf(waiting)] });
    documents.on(BatchGetCommand).callsFake(batchGetFrom([waiting, running]));

    // Act
    const unclaimed = await store.listUnclaimed(FIXED_NOW, 2);

    // Assess
    expect(unclaimed.map((job) => job.message.jobId)).toEqual(['w']);
    expect(unclaimed[0]).toMatchObject({ status: 'waiting', dueAt: new Date(nowMs - 60_000), delaySeconds: 0 });
    const queries = documents.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(queries.map((query) => query.ExpressionAttributeValues?.[':pk'])).toEqual(Array.from({ length: 32 }, (_, shard) => `PENDING#${shard}`));
    expect(queries[0]?.KeyConditionExpression).toBe('#pk = :pk AND #at < :bound');
  });
});
