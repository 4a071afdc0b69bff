import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { dynamoDbJobStore } from '../../../functions/adapters/dynamodb-job-store';
import { encodeCursor } from '../../../functions/adapters/failed-listing';
import { A_JOB_ID, A_RUN_ID, FIXED_NOW, anAttemptRecord } from '../../helpers/factories';
import { aStateItem, conditionFailed } from '../adapters/stored-items';

const documents = mockClient(DynamoDBDocumentClient);
const store = dynamoDbJobStore({ client: new DynamoDBClient({ region: 'eu-west-1' }), tableName: 'jobs' });
const failedItem = (overrides: Record<string, unknown> = {}) =>
  aStateItem({
    status: 'failed', attempts: 1, payload: undefined, sched_pk: undefined, sched_at: undefined,
    error: { category: 'client', message: 'HTTP 400' }, failed_pk: 'payments', failed_at: FIXED_NOW.getTime(), ...overrides,
  });
const position = (jobId: string) => ({ pk: `JOB#${jobId}`, sk: 'STATE', failed_pk: 'payments', failed_at: FIXED_NOW.getTime() });

beforeEach(() => {
  documents.reset();
});

describe('DynamoDbJobStore.fail and the failed index', () => {
  it("enters a failing job in the failed index under its own queue, at the failure's time", async () => {
    // Prepare
    documents.on(UpdateCommand).resolves({ Attributes: failedItem() });

    // Act
    await store.fail(
      { jobId: A_JOB_ID, runId: A_RUN_ID, attempt: 1 },
      { now: FIXED_NOW, error: { category: 'client', message: 'HTTP 400' }, entry: anAttemptRecord({ outcome: 'failed' }), expiresAt: FIXED_NOW },
    );

    // Assess
    const input = documents.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.UpdateExpression).toContain('#failedPk = #queue, #failedAt = :failedAtMs');
    expect(input?.ExpressionAttributeNames).toMatchObject({ '#failedPk': 'failed_pk', '#failedAt': 'failed_at', '#queue': 'queue' });
    expect(input?.ExpressionAttributeValues?.[':failedAtMs']).toBe(FIXED_NOW.getTime());
  });
});

describe('DynamoDbJobStore.listFailed', () => {
  it('reads the failed index newest first and hands out an opaque cursor', async () => {
    // Prepare
    documents.on(QueryCommand).resolves({ Items: [failedItem()], LastEvaluatedKey: position(A_JOB_ID) });

    // Act
    const page = await store.listFailed('payments', { limit: 1 });

    // Assess
    const input = documents.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ IndexName: 'failed', KeyConditionExpression: '#pk = :queue', ScanIndexForward: false, Limit: 1 });
    expect(page.jobs[0]).toMatchObject({ jobId: A_JOB_ID, attempts: 1, error: { category: 'client', message: 'HTTP 400' }, failedAt: FIXED_NOW });
    expect(page.cursor).toBe(encodeCursor(position(A_JOB_ID)));
  });

  it('lists each failed job with its partner', async () => {
    // Prepare
    documents.on(QueryCommand).resolves({ Items: [failedItem({ partner: 'globex' }), failedItem({ job_id: 'old', pk: 'JOB#old' })] });

    // Act
    const page = await store.listFailed('payments', { limit: 2 });

    // Assess
    expect(page.jobs[0]).toMatchObject({ jobId: A_JOB_ID, partner: 'globex' });
    expect(page.jobs[1]).not.toHaveProperty('partner');
  });

  it('resumes from a cursor and ends without one', async () => {
    // Prepare
    documents.on(QueryCommand).resolves({ Items: [failedItem()] });

    // Act
    const page = await store.listFailed('payments', { limit: 10, cursor: encodeCursor(position('job-0')) });

    // Assess
    expect(documents.commandCalls(QueryCommand)[0]?.args[0].input.ExclusiveStartKey).toEqual(position('job-0'));
    expect(page.cursor).toBeUndefined();
  });

  it("refuses a malformed cursor, or another queue's", async () => {
    // Act / Assess
    await expect(store.listFailed('payments', { limit: 10, cursor: 'garbage' })).rejects.toMatchObject({ name: 'InvalidRequestError' });
    await expect(store.listFailed('email', { limit: 10, cursor: encodeCursor(position('job-0')) })).rejects.toMatchObject({ name: 'InvalidRequestError' });
    expect(documents.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('with a category filter, reads on (asking only for what is missing) until the page is full', async () => {
    // Prepare: the first read evaluates 3 items and matches 1
    documents
      .on(QueryCommand)
      .resolvesOnce({ Items: [failedItem({ job_id: 'a' })], LastEvaluatedKey: position('c') })
      .resolvesOnce({ Items: [failedItem({ job_id: 'd' }), failedItem({ job_id: 'e' })], LastEvaluatedKey: position('e') });

    // Act
    const page = await store.listFailed('payments', { limit: 3, category: 'client', failedUpTo: FIXED_NOW });

    // Assess
    const calls = documents.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => input.Limit)).toEqual([3, 2]);
    expect(calls[0]).toMatchObject({ FilterExpression: '#error.#category = :category', KeyConditionExpression: '#pk = :queue AND #at <= :upTo' });
    expect(calls[1]?.ExclusiveStartKey).toEqual(position('c'));
    expect(page.jobs.map((job) => job.jobId)).toEqual(['a', 'd', 'e']);
    expect(page.cursor).toBe(encodeCursor(position('e')));
  });
});

describe('DynamoDbJobStore.resetForRedrive', () => {
  it('puts a failed job back to waiting with no attempts, no error, no expiry, out of the failed index, keeping run and history', async () => {
    // Prepare
    documents.on(UpdateCommand).resolves({ Attributes: aStateItem({ status: 'waiting', attempts: 0, payload: undefined, history: [{ attempt: 1, at: 'x', outcome: 'failed', duration_ms: 5 }] }) });

    // Act
    const job = await store.resetForRedrive(A_JOB_ID, FIXED_NOW);

    // Assess
    const input = documents.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe('#status = :failed');
    expect(input?.UpdateExpression).toBe('SET #status = :waiting, attempts = :zero, updated_at = :now REMOVE #error, lease_until_ms, expires_at, failed_pk, failed_at');
    expect(input?.UpdateExpression).not.toContain('run_id');
    expect(input?.UpdateExpression).not.toContain('history');
    expect(job).toMatchObject({ status: 'waiting', runId: A_RUN_ID, history: [{ attempt: 1, outcome: 'failed' }] });
  });

  it('refuses a job that is not failed', async () => {
    // Prepare
    documents.on(UpdateCommand).rejects(conditionFailed(aStateItem({ status: 'completed' })));

    // Act / Assess
    await expect(store.resetForRedrive(A_JOB_ID, FIXED_NOW)).rejects.toMatchObject({ name: 'TransitionConflictError', context: { status: 'completed' } });
  });
});

describe('DynamoDbJobStore.markPurged', () => {
  it('marks the failed jobs, once each, and skips those that moved on', async () => {
    // Prepare
    documents
      .on(UpdateCommand, { Key: { pk: 'JOB#a', sk: 'STATE' } }).resolves({ Attributes: failedItem({ job_id: 'a' }) })
      .on(UpdateCommand, { Key: { pk: 'JOB#b', sk: 'STATE' } }).rejects(conditionFailed(aStateItem({ job_id: 'b', status: 'waiting' })));

    // Act
    const marked = await store.markPurged(['a', 'b', 'a'], FIXED_NOW);

    // Assess
    expect(marked).toBe(1);
    const inputs = documents.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(inputs).toHaveLength(2);
    expect(inputs[0]?.UpdateExpression).toBe('SET #purgedAt = :now, updated_at = :now REMOVE failed_pk, failed_at');
    expect(inputs[0]?.ExpressionAttributeNames?.['#purgedAt']).toBe('dlq_purged_at');
  });
});

describe('DynamoDbJobStore.clean', () => {
  it('finds failed jobs through the failed index and deletes each only while still failed and that old', async () => {
    // Prepare
    documents.on(QueryCommand).resolves({ Items: [{ job_id: 'a' }, { job_id: 'b' }] });
    documents.on(DeleteCommand, { Key: { pk: 'JOB#a', sk: 'STATE' } }).resolves({});
    documents.on(DeleteCommand, { Key: { pk: 'JOB#b', sk: 'STATE' } }).rejects(conditionFailed());

    // Act
    const deleted = await store.clean('payments', 'failed', FIXED_NOW);

    // Assess
    expect(deleted).toBe(1);
    expect(documents.commandCalls(ScanCommand)).toHaveLength(0);
    expect(documents.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({ IndexName: 'failed', KeyConditionExpression: '#pk = :queue AND #at < :before' });
    expect(documents.commandCalls(DeleteCommand)[0]?.args[0].input).toMatchObject({
      ConditionExpression: '#status = :status AND #at < :before',
      ExpressionAttributeValues: { ':status': 'failed', ':before': FIXED_NOW.getTime() },
    });
  });

  it('finds completed jobs with a paginated, filtered scan', async () => {
    // Prepare
    documents
      .on(ScanCommand)
      .resolvesOnce({ Items: [{ job_id: 'a' }], LastEvaluatedKey: { pk: 'JOB#a', sk: 'STATE' } })
      .resolvesOnce({ Items: [{ job_id: 'b' }] });
    documents.on(DeleteCommand).resolves({});

    // Act
    const deleted = await store.clean('payments', 'completed', FIXED_NOW);

    // Assess
    expect(deleted).toBe(2);
    const scans = documents.commandCalls(ScanCommand).map((call) => call.args[0].input);
    expect(scans[0]?.FilterExpression).toBe('#sk = :state_sk AND #queue = :queue AND #status = :status AND updated_at < :before');
    expect(scans[0]?.ExpressionAttributeValues).toMatchObject({ ':status': 'completed', ':queue': 'payments', ':before': FIXED_NOW.toISOString() });
    expect(scans[1]?.ExclusiveStartKey).toEqual({ pk: 'JOB#a', sk: 'STATE' });
  });
});
