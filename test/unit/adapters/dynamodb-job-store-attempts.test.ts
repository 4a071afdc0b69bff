import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { dynamoDbJobStore } from '../../../functions/adapters/dynamodb-job-store';
import { historyItemOf } from '../../../functions/adapters/job-item';
import { JobNotFoundError, TransitionConflictError } from '../../../functions/core/errors';
import { MAX_HISTORY_ENTRIES } from '../../../functions/core/job';
import { A_JOB_ID, A_RUN_ID, FIXED_NOW, anAttemptRecord } from '../../helpers/factories';
import { aStateItem, conditionFailed } from './stored-items';

const documents = mockClient(DynamoDBDocumentClient);
const store = dynamoDbJobStore({ client: new DynamoDBClient({ region: 'eu-west-1' }), tableName: 'jobs' });
const ref = { jobId: A_JOB_ID, runId: A_RUN_ID, attempt: 1 };
const expiresAt = new Date(FIXED_NOW.getTime() + 86_400_000);
const activeItem = aStateItem({ status: 'active', attempts: 1, lease_until_ms: FIXED_NOW.getTime() + 60_000, payload: undefined });

beforeEach(() => {
  documents.reset();
});

describe('DynamoDbJobStore.complete', () => {
  it('completes the attempt that holds the job, appending its history entry', async () => {
    // Prepare
    documents.on(UpdateCommand).resolves({ Attributes: { ...activeItem, status: 'completed', result: { ok: true } } });

    // Act
    const job = await store.complete(ref, { now: FIXED_NOW, result: { ok: true }, entry: anAttemptRecord(), expiresAt });

    // Assess
    expect(job).toMatchObject({ status: 'completed', result: { ok: true } });
    const input = documents.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe(
      '(run_id = :run AND attempts = :attempt AND #status = :active) AND (attribute_not_exists(#history) OR size(#history) < :historyCap)',
    );
    expect(input?.UpdateExpression).toContain('#history = list_append(if_not_exists(#history, :noHistory), :entry)');
    expect(input?.UpdateExpression).toContain('REMOVE #error, lease_until_ms, progress_token, sched_pk, sched_at');
    expect(input?.ExpressionAttributeValues).toMatchObject({
      ':attempt': 1,
      ':entry': [{ attempt: 1, outcome: 'completed', duration_ms: 120 }],
      ':expires': Math.floor(expiresAt.getTime() / 1000),
      ':result': { ok: true },
    });
  });

  it('keeps a large result as a summary', async () => {
    // Prepare
    documents.on(UpdateCommand).resolves({ Attributes: { ...activeItem, status: 'completed' } });

    const result = { blob: 'z'.repeat(2000) };

    // Act
    await store.complete(ref, { now: FIXED_NOW, result, entry: anAttemptRecord(), expiresAt });

    // Assess
    expect(documents.commandCalls(UpdateCommand)[0]?.args[0].input.ExpressionAttributeValues?.[':result']).toEqual({
      truncated: true,
      bytes: Buffer.byteLength(JSON.stringify(result)),
    });
  });

  it('rewrites a full history with the oldest entry dropped, guarded by its length', async () => {
    // Prepare
    const full = Array.from({ length: MAX_HISTORY_ENTRIES }, (_, i) =>
      historyItemOf(anAttemptRecord({ attempt: i + 1, outcome: 'retrying', category: 'server' })),
    );
    const old = { ...activeItem, attempts: 9, max_attempts: 10, history: full };
    documents
      .on(UpdateCommand)
      .rejectsOnce(conditionFailed(old))
      .resolvesOnce({ Attributes: { ...old, status: 'completed' } });

    // Act
    await store.complete({ ...ref, attempt: 9 }, { now: FIXED_NOW, result: 1, entry: anAttemptRecord({ attempt: 9 }), expiresAt });

    // Assess
    const second = documents.commandCalls(UpdateCommand)[1]?.args[0].input;
    expect(second?.ConditionExpression).toContain('size(#history) = :historyLength');
    const written = second?.ExpressionAttributeValues?.[':history'] as { attempt: number }[];
    expect(written.map((entry) => entry.attempt)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(second?.ExpressionAttributeValues?.[':historyLength']).toBe(MAX_HISTORY_ENTRIES);
  });

  it('throws TransitionConflictError with the current status when a duplicate delivery finds it completed', async () => {
    // Prepare
    documents.on(UpdateCommand).rejects(conditionFailed({ ...activeItem, status: 'completed' }));

    // Act
    const completing = store.complete(ref, { now: FIXED_NOW, result: 1, entry: anAttemptRecord(), expiresAt });

    // Assess
    await expect(completing).rejects.toBeInstanceOf(TransitionConflictError);
    await expect(completing).rejects.toMatchObject({ context: { status: 'completed', transition: 'complete', expectedAttempt: 1 } });
    expect(documents.commandCalls(UpdateCommand)).toHaveLength(1);
  });

  it('throws TransitionConflictError when a later attempt holds the job', async () => {
    // Prepare
    documents.on(UpdateCommand).rejects(conditionFailed({ ...activeItem, attempts: 2 }));

    // Act / Assess
    await expect(store.complete(ref, { now: FIXED_NOW, result: 1, entry: anAttemptRecord(), expiresAt })).rejects.toMatchObject({
      name: 'TransitionConflictError',
      context: { status: 'active', attempts: 2 },
    });
  });

  it('throws JobNotFoundError for a job with no record', async () => {
    // Prepare
    documents.on(UpdateCommand).rejects(conditionFailed());
    documents.on(GetCommand).resolves({});

    // Act / Assess
    await expect(store.complete(ref, { now: FIXED_NOW, result: 1, entry: anAttemptRecord(), expiresAt })).rejects.toBeInstanceOf(
      JobNotFoundError,
    );
  });
});

describe('DynamoDbJobStore.retry', () => {
  it('sets retrying with the error and ends the lease', async () => {
    // Prepare
    documents.on(UpdateCommand).resolves({ Attributes: { ...activeItem, status: 'retrying' } });
    const error = { category: 'server', message: 'HTTP 503' } as const;

    // Act
    await store.retry(ref, { now: FIXED_NOW, error, entry: anAttemptRecord({ outcome: 'retrying', retryInMs: 2000 }) });

    // Assess
    const input = documents.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.UpdateExpression).toMatch(/^SET #status = :retrying, updated_at = :now, #error = :error, #history = /);
    expect(input?.UpdateExpression).toMatch(/REMOVE lease_until_ms, progress_token, kept_payload$/);
    // The job is not finished: its schedule entry stays, untouched, so the retry writes no index.
    expect(input?.UpdateExpression).not.toContain('sched_');
    expect(input?.ExpressionAttributeValues).toMatchObject({ ':error': error, ':entry': [{ retry_in_ms: 2000 }] });
  });
});

describe('DynamoDbJobStore.fail', () => {
  it('also fails a retrying job with no attempts left', async () => {
    // Prepare
    documents.on(UpdateCommand).resolves({ Attributes: { ...activeItem, status: 'failed' } });

    // Act
    await store.fail({ ...ref, attempt: 3 }, { now: FIXED_NOW, error: { category: 'timeout', message: 'lease lapsed' }, expiresAt });

    // Assess
    const input = documents.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe(
      '(run_id = :run AND attempts = :attempt AND (#status = :active OR (#status = :retrying AND attempts >= max_attempts)))',
    );
    expect(input?.UpdateExpression).not.toContain('#history');
    expect(input?.UpdateExpression).toContain('REMOVE lease_until_ms, retry_at_ms, progress_token, sched_pk, sched_at, payload, kept_payload');
  });

  it('throws TransitionConflictError for a retrying job that still has attempts', async () => {
    // Prepare
    documents.on(UpdateCommand).rejects(conditionFailed({ ...activeItem, status: 'retrying' }));

    // Act / Assess
    await expect(
      store.fail(ref, { now: FIXED_NOW, error: { category: 'client', message: 'HTTP 400' }, entry: anAttemptRecord(), expiresAt }),
    ).rejects.toMatchObject({ name: 'TransitionConflictError', context: { status: 'retrying' } });
    expect(documents.commandCalls(UpdateCommand)).toHaveLength(1);
  });
});
