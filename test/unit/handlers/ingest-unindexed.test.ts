import { SendMessageBatchCommand, SQSClient, type SendMessageBatchCommandInput } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { scheduleShard } from '../../../functions/adapters/job-keys';
import { jobIdFor } from '../../../functions/core/dedup';
import { decodeJobMessage } from '../../../functions/core/job-message';
import { A_PARTNER, FIXED_NOW, aJobRequestBody, anApiGatewayEvent } from '../../helpers/factories';
import { aStateItem } from '../adapters/stored-items';
import { sdkMockedIngest } from './sdk-mocked-ingest';

const documents = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);

/** Every put, send and update, in the order the ingest made them, as `put <jobId>`, `send <jobId>` and `update <jobId>`. */
let calls: string[] = [];

const postBatch = (jobs: unknown[]) => anApiGatewayEvent({ resource: '/jobs/{id}/batch', path: '/jobs/payments/batch', body: { jobs } });

/** The state item put for a job, and its condition. */
function putOf(jobId: string): PutCommandInput | undefined {
  return documents.commandCalls(PutCommand).find((call) => call.args[0].input.Item?.job_id === jobId)?.args[0].input;
}

/** Every message sent, decoded, in send order. */
function sentMessages() {
  return sqs.commandCalls(SendMessageBatchCommand).flatMap((call) => (call.args[0].input.Entries ?? []).map((entry) => decodeJobMessage(entry.MessageBody ?? '')));
}

/** SQS refuses every entry of each batch call, as it does when a lane is throttled. */
function refuseEverySend(): void {
  sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({
    Successful: [],
    Failed: (input.Entries ?? []).map((entry) => ({ Id: entry.Id, SenderFault: false, Code: 'InternalError', Message: 'try again' })),
  }));
}

beforeEach(() => {
  documents.reset();
  sqs.reset();
  calls = [];
  documents.on(PutCommand).callsFake((input: PutCommandInput) => {
    calls.push(`put ${String(input.Item?.job_id)}`);
    return {};
  });
  sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => {
    for (const entry of input.Entries ?? []) calls.push(`send ${decodeJobMessage(entry.MessageBody ?? '').jobId}`);
    return { Successful: [], Failed: [] };
  });
});

describe('POST /jobs/{queue}: a plain job is recorded without a schedule entry', () => {
  it('puts a record with no schedule entry, only where none exists, then sends its message marked unindexed', async () => {
    // Act
    const answer = await sdkMockedIngest([{}])(anApiGatewayEvent({ body: aJobRequestBody() }));

    // Assess
    expect(answer.status).toBe(202);
    const jobId = String(answer.json.job_id);
    expect(calls).toEqual([`put ${jobId}`, `send ${jobId}`]);
    expect(sentMessages()[0]?.unindexed).toBe(true);
    const put = putOf(jobId);
    expect(put?.Item).toMatchObject({ status: 'waiting', run_id: sentMessages()[0]?.runId });
    expect(put?.Item).not.toHaveProperty('sched_pk');
    expect(put?.Item).not.toHaveProperty('sched_at');
    expect(put?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(put?.ExpressionAttributeNames).toBeUndefined();
    expect(put?.ExpressionAttributeValues).toBeUndefined();
    expect(documents.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('gives the job its schedule entry, for the reconciler, when SQS refuses the send, and still answers 202', async () => {
    // Prepare
    refuseEverySend();
    documents.on(UpdateCommand).resolves({ Attributes: aStateItem() });

    // Act
    const answer = await sdkMockedIngest([{}])(anApiGatewayEvent({ body: aJobRequestBody() }));

    // Assess
    expect(answer.status).toBe(202);
    const jobId = String(answer.json.job_id);
    const updates = documents.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({
      Key: { pk: `JOB#${jobId}`, sk: 'STATE' },
      UpdateExpression: expect.stringContaining('#schedPk = :pending, #schedAt = :nowMs'),
      ExpressionAttributeValues: { ':run': putOf(jobId)?.Item?.run_id, ':pending': `PENDING#${scheduleShard(jobId)}`, ':nowMs': FIXED_NOW.getTime() },
    });
  });

  it('answers 500 internal_error when the send fails and the schedule entry cannot be written either', async () => {
    // Prepare
    refuseEverySend();
    documents.on(UpdateCommand).rejects(Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' }));

    // Act
    const answer = await sdkMockedIngest([{}])(anApiGatewayEvent({ body: aJobRequestBody() }));

    // Assess
    expect(answer.status).toBe(500);
    expect(answer.json).toMatchObject({ error: { code: 'internal_error' } });
  });
});

describe('POST /jobs/{queue}/batch: plain, invalid and deduplicated jobs together', () => {
  it('answers 207 in request order, every put before the sends, the deduplicated job put with its entry', async () => {
    // Prepare
    const dedupJobId = jobIdFor(A_PARTNER, 'payments', 'intent-42');

    // Act
    const answer = await sdkMockedIngest([{ dedup: true }])(
      postBatch([aJobRequestBody(), aJobRequestBody({ attempts: 0 }), aJobRequestBody({ dedup_key: 'intent-42' })]),
    );

    // Assess
    expect(answer.status).toBe(207);
    const plainJobId = String((answer.json.results as Record<string, unknown>[])[0]?.job_id);
    expect(answer.json).toMatchObject({
      accepted: 2,
      rejected: 1,
      results: [
        { ok: true, job_id: plainJobId, status: 'waiting' },
        { ok: false, error: { code: 'invalid_request' } },
        { ok: true, job_id: dedupJobId, status: 'waiting' },
      ],
    });
    expect(plainJobId).not.toBe(dedupJobId);
    expect(calls).toHaveLength(4);
    expect(calls.slice(0, 2).sort()).toEqual([`put ${dedupJobId}`, `put ${plainJobId}`].sort());
    expect(calls.slice(2).sort()).toEqual([`send ${dedupJobId}`, `send ${plainJobId}`].sort());
    expect(putOf(plainJobId)?.Item).not.toHaveProperty('sched_pk');
    expect(putOf(plainJobId)?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(putOf(dedupJobId)?.Item).toMatchObject({ sched_pk: `PENDING#${scheduleShard(dedupJobId)}`, sched_at: FIXED_NOW.getTime() });
    expect(putOf(dedupJobId)?.ConditionExpression).toBe('attribute_not_exists(pk) OR #status IN (:completed, :failed, :cancelled)');
    const byJob = new Map(sentMessages().map((message) => [message.jobId, message]));
    expect(byJob.get(plainJobId)?.unindexed).toBe(true);
    expect(byJob.get(dedupJobId)).not.toHaveProperty('unindexed');
  });
});
