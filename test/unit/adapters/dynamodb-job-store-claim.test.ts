import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { dynamoDbJobStore } from '../../../functions/adapters/dynamodb-job-store';
import { scheduleShard } from '../../../functions/adapters/job-keys';
import type { ClaimOptions } from '../../../functions/adapters/job-store';
import { JobNotFoundError, TransitionConflictError } from '../../../functions/core/errors';
import { A_JOB_ID, A_PARTNER, A_RUN_ID, FIXED_NOW, OTHER_PARTNER, aJobMessage } from '../../helpers/factories';
import { aStateItem, conditionFailed } from './stored-items';

const documents = mockClient(DynamoDBDocumentClient);
const store = dynamoDbJobStore({ client: new DynamoDBClient({ region: 'eu-west-1' }), tableName: 'jobs' });
const nowMs = FIXED_NOW.getTime();

/** The placeholders an update's expressions use, against those it declares: DynamoDB refuses any declared and unused. */
function placeholders(input: UpdateCommandInput | undefined) {
  const text = `${input?.UpdateExpression ?? ''} ${input?.ConditionExpression ?? ''}`;
  return {
    usedNames: [...new Set(text.match(/#\w+/g))].sort(),
    declaredNames: Object.keys(input?.ExpressionAttributeNames ?? {}).sort(),
    usedValues: [...new Set(text.match(/:\w+/g))].sort(),
    declaredValues: Object.keys(input?.ExpressionAttributeValues ?? {}).sort(),
  };
}

beforeEach(() => {
  documents.reset();
});

describe('DynamoDbJobStore.claim', () => {
  it('claims in one conditional update and returns the new record', async () => {
    // Prepare
    documents.on(UpdateCommand).resolves({ Attributes: aStateItem({ status: 'active', attempts: 1, lease_until_ms: nowMs + 60_000 }) });

    // Act
    const outcome = await store.claim(A_JOB_ID, A_RUN_ID, FIXED_NOW, 60_000);

    // Assess
    expect(outcome).toMatchObject({ claimed: true, job: { status: 'active', attempts: 1 } });
    const input = documents.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toContain('run_id = :run AND attempts < max_attempts');
    expect(input?.ConditionExpression).toContain('#status = :active AND lease_until_ms < :nowMs');
    expect(input?.ConditionExpression).toContain('#status = :retrying AND (attribute_not_exists(retry_at_ms) OR retry_at_ms <= :nowMs)');
    // The schedule entry stays (values it already has, so no index write), for the stuck detector.
    expect(input?.UpdateExpression).toContain('#schedPk = :pending, #schedAt = if_not_exists(#schedAt, :nowMs)');
    expect(input?.UpdateExpression).toMatch(/REMOVE payload, retry_at_ms$/);
    expect(input?.ExpressionAttributeNames).toMatchObject({ '#schedPk': 'sched_pk', '#schedAt': 'sched_at' });
    expect(input?.ExpressionAttributeValues).toMatchObject({
      ':run': A_RUN_ID,
      ':lease': nowMs + 60_000,
      ':nowMs': nowMs,
      ':pending': `PENDING#${scheduleShard(A_JOB_ID)}`,
    });
    expect(input?.ReturnValues).toBe('ALL_NEW');
    expect(input?.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
  });

  it.each([
    ['stale_run', aStateItem({ run_id: 'run-other' })],
    ['final', aStateItem({ status: 'completed', attempts: 1 })],
    ['final', aStateItem({ status: 'cancelled' })],
    ['held', aStateItem({ status: 'active', attempts: 1, lease_until_ms: nowMs + 1 })],
    ['exhausted', aStateItem({ status: 'active', attempts: 3, lease_until_ms: nowMs - 1 })],
    ['exhausted', aStateItem({ status: 'retrying', attempts: 3 })],
    ['not_due', aStateItem({ status: 'retrying', attempts: 1, retry_at_ms: nowMs + 5000 })],
    ['letter_due', aStateItem({ status: 'failed', attempts: 3, failed_at: nowMs - 1000, letter_pending: true })],
    ['final', aStateItem({ status: 'failed', attempts: 3, failed_at: nowMs - 1000 })],
  ])('explains a refusal as %s from the old item, without a read', async (reason, old) => {
    // Prepare
    documents.on(UpdateCommand).rejects(conditionFailed(old));

    // Act
    const outcome = await store.claim(A_JOB_ID, A_RUN_ID, FIXED_NOW, 60_000);

    // Assess
    expect(outcome).toMatchObject({ claimed: false, reason, job: { jobId: A_JOB_ID } });
    expect(documents.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('refuses a job with no record as missing', async () => {
    // Prepare
    documents.on(UpdateCommand).rejects(conditionFailed());
    documents.on(GetCommand).resolves({});

    // Act
    const outcome = await store.claim(A_JOB_ID, A_RUN_ID, FIXED_NOW, 60_000);

    // Assess
    expect(outcome).toEqual({ claimed: false, reason: 'missing' });
  });
});

describe('DynamoDbJobStore.claim of an unindexed job', () => {
  it('writes no schedule entry on the first receive, and declares none of its names or values', async () => {
    // Prepare
    documents.on(UpdateCommand).resolves({ Attributes: aStateItem({ status: 'active', attempts: 1, sched_pk: undefined, sched_at: undefined }) });

    // Act
    const outcome = await store.claim(A_JOB_ID, A_RUN_ID, FIXED_NOW, 60_000, { firstReceiveUnindexed: true });

    // Assess: SQS holds the message meanwhile, so the job needs no entry yet
    expect(outcome).toMatchObject({ claimed: true, job: { status: 'active', attempts: 1 } });
    const input = documents.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.UpdateExpression).not.toContain('#schedPk');
    expect(input?.UpdateExpression).not.toContain('#schedAt');
    expect(input?.UpdateExpression).toMatch(/REMOVE payload, retry_at_ms$/);
    expect(input?.ConditionExpression).toContain('run_id = :run AND attempts < max_attempts');
    expect(input?.ExpressionAttributeNames).not.toHaveProperty('#schedPk');
    expect(input?.ExpressionAttributeNames).not.toHaveProperty('#schedAt');
    expect(input?.ExpressionAttributeValues).not.toHaveProperty(':pending');
    const { usedNames, declaredNames, usedValues, declaredValues } = placeholders(input);
    expect(declaredNames).toEqual(usedNames);
    expect(declaredValues).toEqual(usedValues);
  });

  it.each<[string, ClaimOptions | undefined]>([
    ['a later receive', {}],
    ['no options', undefined],
    ['a redriven letter', { letter: { failedAt: new Date(nowMs - 60_000), message: aJobMessage(), lane: 'normal', maxAttempts: 3 } }],
  ])('writes the schedule entry when missing on %s, declaring only what it uses', async (_case, options) => {
    // Prepare
    documents.on(UpdateCommand).resolves({ Attributes: aStateItem({ status: 'active', attempts: 1 }) });

    // Act
    await store.claim(A_JOB_ID, A_RUN_ID, FIXED_NOW, 60_000, options);

    // Assess: from now on the stuck detector sees the job
    const input = documents.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.UpdateExpression).toContain('#schedPk = :pending, #schedAt = if_not_exists(#schedAt, :nowMs)');
    expect(input?.ExpressionAttributeNames).toMatchObject({ '#schedPk': 'sched_pk', '#schedAt': 'sched_at' });
    expect(input?.ExpressionAttributeValues).toMatchObject({ ':pending': `PENDING#${scheduleShard(A_JOB_ID)}` });
    const { usedNames, declaredNames, usedValues, declaredValues } = placeholders(input);
    expect(declaredNames).toEqual(usedNames);
    expect(declaredValues).toEqual(usedValues);
  });

  it('refuses a job with no record as missing, and writes none', async () => {
    // Prepare
    documents.on(UpdateCommand).rejects(conditionFailed());
    documents.on(GetCommand).resolves({});

    // Act
    const outcome = await store.claim(A_JOB_ID, A_RUN_ID, FIXED_NOW, 60_000, { firstReceiveUnindexed: true });

    // Assess
    expect(outcome).toEqual({ claimed: false, reason: 'missing' });
    expect(documents.commandCalls(PutCommand)).toHaveLength(0);
    expect(documents.commandCalls(UpdateCommand)).toHaveLength(1);
  });
});

describe('DynamoDbJobStore.cancel', () => {
  it('cancels a waiting job of the partner, dropping its schedule entry and setting its expiry', async () => {
    // Prepare
    documents.on(UpdateCommand).resolves({ Attributes: aStateItem({ status: 'cancelled', partner: A_PARTNER, sched_pk: undefined, sched_at: undefined }) });
    const expiresAt = new Date(nowMs + 86_400_000);

    // Act
    const job = await store.cancel(A_JOB_ID, A_PARTNER, FIXED_NOW, expiresAt);

    // Assess
    expect(job).toMatchObject({ status: 'cancelled', partner: A_PARTNER });
    const input = documents.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe('#status IN (:waiting, :delayed) AND #partner = :partner');
    expect(input?.ExpressionAttributeNames).toMatchObject({ '#partner': 'partner' });
    expect(input?.ExpressionAttributeValues?.[':partner']).toBe(A_PARTNER);
    expect(input?.UpdateExpression).toContain('REMOVE sched_pk, sched_at, payload');
    expect(input?.ExpressionAttributeValues?.[':expires']).toBe(Math.floor(expiresAt.getTime() / 1000));
  });

  it('throws TransitionConflictError with the current status once the partner\'s job is active', async () => {
    // Prepare
    documents.on(UpdateCommand).rejects(conditionFailed(aStateItem({ status: 'active', attempts: 1, partner: A_PARTNER })));

    // Act
    const cancelling = store.cancel(A_JOB_ID, A_PARTNER, FIXED_NOW, FIXED_NOW);

    // Assess
    await expect(cancelling).rejects.toBeInstanceOf(TransitionConflictError);
    await expect(cancelling).rejects.toMatchObject({ context: { status: 'active', transition: 'cancel' } });
  });

  it.each([
    ['another partner', { partner: OTHER_PARTNER }],
    ['no partner (an item from before partners were recorded)', {}],
  ])('throws JobNotFoundError, not a conflict, for a waiting job of %s', async (_owner, owner) => {
    // Prepare: the condition fails on the partner alone
    documents.on(UpdateCommand).rejects(conditionFailed(aStateItem({ status: 'waiting', ...owner })));

    // Act
    const cancelling = store.cancel(A_JOB_ID, A_PARTNER, FIXED_NOW, FIXED_NOW);

    // Assess
    await expect(cancelling).rejects.toBeInstanceOf(JobNotFoundError);
    await expect(cancelling).rejects.not.toHaveProperty('context.status');
  });

  it('throws JobNotFoundError for a job with no record', async () => {
    // Prepare
    documents.on(UpdateCommand).rejects(conditionFailed());
    documents.on(GetCommand).resolves({});

    // Act / Assess
    await expect(store.cancel(A_JOB_ID, A_PARTNER, FIXED_NOW, FIXED_NOW)).rejects.toBeInstanceOf(JobNotFoundError);
  });
});

describe('DynamoDbJobStore.markEnqueued', () => {
  it('moves a sent job to waiting and its schedule entry to the pending partition, stamped now', async () => {
    // Prepare
    documents.on(UpdateCommand).resolves({ Attributes: aStateItem() });
    const shard = scheduleShard(A_JOB_ID);

    // Act
    await store.markEnqueued(A_JOB_ID, A_RUN_ID, FIXED_NOW);

    // Assess
    const input = documents.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe('run_id = :run AND #status IN (:delayed, :waiting)');
    expect(input?.UpdateExpression).toBe('SET #status = :waiting, updated_at = :now, #schedPk = :pending, #schedAt = :nowMs');
    expect(input?.ExpressionAttributeValues).toMatchObject({ ':pending': `PENDING#${shard}`, ':nowMs': nowMs, ':waiting': 'waiting' });
  });

  it('throws TransitionConflictError when the job was claimed meanwhile', async () => {
    // Prepare
    documents.on(UpdateCommand).rejects(conditionFailed(aStateItem({ status: 'active', attempts: 1 })));

    // Act / Assess
    await expect(store.markEnqueued(A_JOB_ID, A_RUN_ID, FIXED_NOW)).rejects.toMatchObject({
      name: 'TransitionConflictError',
      context: { status: 'active' },
    });
  });
});
