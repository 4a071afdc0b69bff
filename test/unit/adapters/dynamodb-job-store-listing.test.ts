import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbJobStore } from '../../../functions/adapters/dynamodb-job-store';
import { JOBS_TABLE } from '../../../functions/core/table-schema';
import { FIXED_NOW } from '../../helpers/factories';
import { aStateItem } from './stored-items';

const documents = mockClient(DynamoDBDocumentClient);
const store = new DynamoDbJobStore({ client: new DynamoDBClient({ region: 'eu-west-1' }), tableName: 'jobs' });
const nowMs = FIXED_NOW.getTime();

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

beforeEach(() => {
  documents.reset();
});

describe('DynamoDbJobStore.listDue', () => {
  it('queries every DELAYED shard up to now and merges them oldest first, cut to the limit', async () => {
    // Prepare
    documents.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, unknown> }) => {
      const shard = String(input.ExpressionAttributeValues[':pk']).split('#')[1];
      const byShard: Record<string, Record<string, unknown>[]> = {
        '0': [delayed('a', nowMs - 300, { partner: 'acme' }), delayed('d', nowMs - 10)],
        '2': [delayed('b', nowMs - 200)],
        '3': [delayed('c', nowMs - 100)],
      };
      return { Items: byShard[shard ?? ''] ?? [] };
    });

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

  it('fetches payloads kept in their own item in one batch', async () => {
    // Prepare
    documents.on(QueryCommand).resolves({ Items: [] });
    documents.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'DELAYED#1', ':bound': nowMs } }).resolves({
      Items: [delayed('big', nowMs - 5, { payload: undefined }), delayed('gone', nowMs - 4, { payload: undefined })],
    });
    documents.on(BatchGetCommand).resolves({
      Responses: { jobs: [{ pk: 'JOB#big', sk: 'PAYLOAD#run-big', job_id: 'big', payload: '{"large":true}' }] },
    });

    // Act
    const due = await store.listDue(FIXED_NOW, 10);

    // Assess: a job whose payload item expired cannot be sent, so it is left out
    expect(due.map((job) => [job.message.jobId, job.message.data])).toEqual([['big', { large: true }]]);
    expect(documents.commandCalls(BatchGetCommand)[0]?.args[0].input.RequestItems?.jobs?.Keys).toEqual([
      { pk: 'JOB#big', sk: 'PAYLOAD#run-big' },
      { pk: 'JOB#gone', sk: 'PAYLOAD#run-gone' },
    ]);
  });
});

describe('DynamoDbJobStore.listUnclaimed', () => {
  it('queries every PENDING shard strictly before the bound', async () => {
    // Prepare
    documents.on(QueryCommand).resolves({ Items: [aStateItem({ sched_at: nowMs - 60_000 })] });

    // Act
    const unclaimed = await store.listUnclaimed(FIXED_NOW, 2);

    // Assess
    expect(unclaimed).toHaveLength(2);
    expect(unclaimed[0]).toMatchObject({ status: 'waiting', dueAt: new Date(nowMs - 60_000), delaySeconds: 0 });
    const queries = documents.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(queries.map((query) => query.ExpressionAttributeValues?.[':pk'])).toEqual(Array.from({ length: 32 }, (_, shard) => `PENDING#${shard}`));
    expect(queries[0]?.KeyConditionExpression).toBe('#pk = :pk AND #at < :bound');
  });
});
