import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { jobIdFor } from '../../../functions/core/dedup';
import {
  A_PARTNER,
  OTHER_PARTNER,
  OTHER_PARTNER_KEY_ID,
  aJobRequestBody,
  anApiGatewayEvent,
} from '../../helpers/factories';
import { sdkMockedIngest } from './sdk-mocked-ingest';

const documents = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);

function ingestHandler() {
  return sdkMockedIngest([{ dedup: true }]);
}

const postJob = (body: unknown, apiKeyId?: string | null) =>
  anApiGatewayEvent({ body, ...(apiKeyId === undefined ? {} : { apiKeyId }) });

const postBatch = (jobs: unknown[], apiKeyId?: string) =>
  anApiGatewayEvent({ resource: '/jobs/{id}/batch', path: '/jobs/payments/batch', body: { jobs }, ...(apiKeyId === undefined ? {} : { apiKeyId }) });

beforeEach(() => {
  documents.reset();
  sqs.reset();
  documents.on(PutCommand).resolves({});
  documents.on(BatchWriteCommand).resolves({});
  sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
});

describe('POST /jobs/{queue} and its partner', () => {
  it('records the partner of the API key on the job and in its message', async () => {
    // Act
    const answer = await ingestHandler()(postJob(aJobRequestBody(), OTHER_PARTNER_KEY_ID));

    // Assess
    expect(answer.status).toBe(202);
    expect(documents.commandCalls(PutCommand)[0]?.args[0].input.Item).toMatchObject({ partner: OTHER_PARTNER });
    const entry = sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.Entries?.[0];
    expect(JSON.parse(entry?.MessageBody ?? '{}')).toMatchObject({ partner: OTHER_PARTNER });
  });

  it('records the partner of each job of a batch', async () => {
    // Act
    const answer = await ingestHandler()(postBatch([aJobRequestBody(), aJobRequestBody()], OTHER_PARTNER_KEY_ID));

    // Assess
    expect(answer.status).toBe(202);
    // Two plain jobs: their records are put together, in one batch put.
    const puts = documents.commandCalls(BatchWriteCommand).flatMap((call) => call.args[0].input.RequestItems?.jobs ?? []);
    expect(puts.map((request) => request.PutRequest?.Item?.partner)).toEqual([OTHER_PARTNER, OTHER_PARTNER]);
  });

  it('gives two partners with the same dedup key two job ids, and one partner the same id twice', async () => {
    // Prepare
    const handler = ingestHandler();
    const body = aJobRequestBody({ dedup_key: 'intent-42' });

    // Act
    const acme = await handler(postJob(body));
    const globex = await handler(postJob(body, OTHER_PARTNER_KEY_ID));
    const acmeAgain = await handler(postJob(body));

    // Assess
    expect(acme.json.job_id).toBe(jobIdFor(A_PARTNER, 'payments', 'intent-42'));
    expect(globex.json.job_id).toBe(jobIdFor(OTHER_PARTNER, 'payments', 'intent-42'));
    expect(globex.json.job_id).not.toBe(acme.json.job_id);
    expect(acmeAgain.json.job_id).toBe(acme.json.job_id);
  });

  it.each([
    ['a key id no partner of this stage owns', 'key-of-nobody'],
    ['no key id at all', null],
  ])('refuses a request with %s with 403 forbidden, writing nothing', async (_case, apiKeyId) => {
    // Act
    const single = await ingestHandler()(postJob(aJobRequestBody(), apiKeyId));
    const batch = await ingestHandler()({ ...postBatch([aJobRequestBody()]), requestContext: postJob({}, apiKeyId).requestContext });

    // Assess
    expect(single).toMatchObject({ status: 403, json: { ok: false, error: { code: 'forbidden', message: expect.stringContaining('belongs to no partner of this stage') } } });
    expect(batch).toEqual(single);
    expect(documents.commandCalls(PutCommand)).toHaveLength(0);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });
});
