import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { dynamoDbJobStore } from '../../../functions/adapters/dynamodb-job-store';
import type { RedrivenLetter } from '../../../functions/adapters/job-store';
import { TransitionConflictError } from '../../../functions/core/errors';
import { A_JOB_ID, A_PARTNER, A_RUN_ID, FIXED_NOW, aJobMessage, anAttemptRecord } from '../../helpers/factories';
import { aStateItem, conditionFailed } from './stored-items';

const documents = mockClient(DynamoDBDocumentClient);
const store = dynamoDbJobStore({ client: new DynamoDBClient({ region: 'eu-west-1' }), tableName: 'jobs' });
const nowMs = FIXED_NOW.getTime();
const failedAtMs = nowMs - 3_600_000;
const failedItem = aStateItem({ status: 'failed', attempts: 3, failed_pk: 'payments', failed_at: failedAtMs, error: { category: 'server', message: 'HTTP 503' }, payload: undefined });
const letter: RedrivenLetter = { failedAt: new Date(failedAtMs), message: aJobMessage({ groupId: 'order-7' }), lane: 'normal', maxAttempts: 5 };

beforeEach(() => {
  documents.reset();
});

describe('DynamoDbJobStore.retry', () => {
  it('fences the job until its retry is due', async () => {
    // Prepare
    documents.on(UpdateCommand).resolves({ Attributes: aStateItem({ status: 'retrying', attempts: 1, retry_at_ms: nowMs + 4000 }) });

    // Act
    await store.retry(
      { jobId: A_JOB_ID, runId: A_RUN_ID, attempt: 1 },
      { now: FIXED_NOW, error: { category: 'server', message: 'HTTP 503' }, entry: anAttemptRecord({ outcome: 'retrying' }), retryAt: new Date(nowMs + 4000) },
    );

    // Assess
    const input = documents.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.UpdateExpression).toContain('retry_at_ms = :retryAt');
    expect(input?.ExpressionAttributeValues).toMatchObject({ ':retryAt': nowMs + 4000 });
  });
});

describe('DynamoDbJobStore.fail with the letter still to send', () => {
  it('marks the record letter_pending in the same write that fails it', async () => {
    // Prepare
    documents.on(UpdateCommand).resolves({ Attributes: { ...failedItem, letter_pending: true } });

    // Act
    const job = await store.fail(
      { jobId: A_JOB_ID, runId: A_RUN_ID, attempt: 3 },
      { now: FIXED_NOW, error: { category: 'server', message: 'HTTP 503' }, expiresAt: new Date(nowMs + 1000), letterPending: true },
    );

    // Assess
    const input = documents.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.UpdateExpression).toContain('letter_pending = :letterPending');
    expect(input?.UpdateExpression).toContain('#failedAt = :failedAtMs');
    expect(job).toMatchObject({ status: 'failed', letterPending: true, failedAt: new Date(failedAtMs).toISOString() });
  });
});

describe('DynamoDbJobStore.markLettered', () => {
  it('clears letter_pending only on the record of that failure', async () => {
    // Prepare
    documents.on(UpdateCommand).resolves({ Attributes: failedItem });

    // Act
    await store.markLettered(A_JOB_ID, A_RUN_ID, new Date(failedAtMs));

    // Assess
    const input = documents.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.UpdateExpression).toBe('REMOVE letter_pending');
    expect(input?.ConditionExpression).toBe('run_id = :run AND #status = :failed AND #failedAt = :at');
    expect(input?.ExpressionAttributeValues).toMatchObject({ ':run': A_RUN_ID, ':at': failedAtMs });
  });
});

describe('DynamoDbJobStore.abandon', () => {
  it('fails any unfinished state of the run, into the failed index with its letter pending', async () => {
    // Prepare
    documents.on(UpdateCommand).resolves({ Attributes: { ...failedItem, letter_pending: true } });

    // Act
    await store.abandon(A_JOB_ID, A_RUN_ID, { now: FIXED_NOW, error: { category: 'rate_limited', message: 'receive limit' }, expiresAt: new Date(nowMs + 1000) });

    // Assess
    const input = documents.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe(
      'run_id = :run AND (#status IN (:waiting, :delayed, :retrying) OR (#status = :active AND lease_until_ms < :nowMs))',
    );
    expect(input?.UpdateExpression).toContain('letter_pending = :true, #failedPk = #queue, #failedAt = :nowMs');
  });

  it('refuses a job that is already final', async () => {
    // Prepare
    documents.on(UpdateCommand).rejects(conditionFailed(aStateItem({ status: 'completed', attempts: 1 })));

    // Act / Assess
    await expect(store.abandon(A_JOB_ID, A_RUN_ID, { now: FIXED_NOW, error: { category: 'server', message: 'x' }, expiresAt: FIXED_NOW })).rejects.toBeInstanceOf(
      TransitionConflictError,
    );
  });
});

describe('DynamoDbJobStore.claim of a redriven letter', () => {
  it('reopens the record failed by the letter\'s own failure, attempts starting over', async () => {
    // Prepare: the ordinary claim is refused (failed), the reopen applies
    documents
      .on(UpdateCommand)
      .rejectsOnce(conditionFailed(failedItem))
      .resolvesOnce({ Attributes: aStateItem({ status: 'active', attempts: 1, lease_until_ms: nowMs + 60_000, payload: undefined }) });

    // Act
    const outcome = await store.claim(A_JOB_ID, A_RUN_ID, FIXED_NOW, 60_000, { letter });

    // Assess
    expect(outcome).toMatchObject({ claimed: true, reopened: 'reopened', job: { status: 'active', attempts: 1 } });
    const reopen = documents.commandCalls(UpdateCommand)[1]?.args[0].input;
    expect(reopen?.ConditionExpression).toBe('run_id = :run AND #status = :failed AND #failedAt = :at');
    expect(reopen?.UpdateExpression).toMatch(/^SET #status = :active, attempts = :one, lease_until_ms = :lease/);
    expect(reopen?.UpdateExpression).toContain('REMOVE #error, expires_at, letter_pending, retry_at_ms, #purged, failed_pk, failed_at');
    expect(reopen?.ExpressionAttributeValues).toMatchObject({ ':at': failedAtMs, ':lease': nowMs + 60_000 });
  });

  it('leaves a record failed by a later failure alone: an old letter cannot reopen it', async () => {
    // Prepare
    documents.on(UpdateCommand).rejects(conditionFailed({ ...failedItem, failed_at: failedAtMs + 60_000 }));

    // Act
    const outcome = await store.claim(A_JOB_ID, A_RUN_ID, FIXED_NOW, 60_000, { letter });

    // Assess
    expect(outcome).toMatchObject({ claimed: false, reason: 'final' });
    expect(documents.commandCalls(UpdateCommand)).toHaveLength(1);
  });

  it('rebuilds a record that is gone from the letter, keeping its partner, group and correlation id', async () => {
    // Prepare
    documents.on(UpdateCommand).rejects(conditionFailed());
    documents.on(GetCommand).resolves({});
    documents.on(PutCommand).resolves({});

    // Act
    const outcome = await store.claim(A_JOB_ID, A_RUN_ID, FIXED_NOW, 60_000, { letter });

    // Assess
    expect(outcome).toMatchObject({ claimed: true, reopened: 'rebuilt', job: { status: 'active', attempts: 1, maxAttempts: 5, partner: A_PARTNER } });
    const put = documents.commandCalls(PutCommand)[0]?.args[0].input;
    expect(put?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(put?.Item).toMatchObject({
      job_id: A_JOB_ID,
      run_id: A_RUN_ID,
      status: 'active',
      attempts: 1,
      max_attempts: 5,
      lane: 'normal',
      group_id: 'order-7',
      correlation_id: 'corr-1',
      partner: A_PARTNER,
      lease_until_ms: nowMs + 60_000,
    });
  });

  it('drops a plain copy (no letter) of a failed job as before', async () => {
    // Prepare
    documents.on(UpdateCommand).rejects(conditionFailed(failedItem));

    // Act
    const outcome = await store.claim(A_JOB_ID, A_RUN_ID, FIXED_NOW, 60_000);

    // Assess
    expect(outcome).toMatchObject({ claimed: false, reason: 'final' });
    expect(documents.commandCalls(UpdateCommand)).toHaveLength(1);
  });
});
