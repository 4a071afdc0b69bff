import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../functions/adapters/clock';
import { DynamoDbJobStore } from '../../../functions/adapters/dynamodb-job-store';
import { SqsQueueClient } from '../../../functions/adapters/sqs-queue-client';
import { jobIdFor } from '../../../functions/core/dedup';
import { parseQueueDefinition } from '../../../functions/core/queue-config';
import { queueSettingsOf } from '../../../functions/core/runtime-config';
import { createIngestHandler } from '../../../functions/handlers/factories/ingest-api';
import { queueDirectory } from '../../../functions/handlers/workflows/queue-directory';
import {
  A_PARTNER,
  FIXED_NOW,
  OTHER_PARTNER,
  OTHER_PARTNER_KEY_ID,
  aJobRequestBody,
  aQueueDefinitionInput,
  anApiGatewayEvent,
  somePartnerKeys,
} from '../../helpers/factories';
import { lambdaContext } from '../../integration/support/lambda-context';
import { endpointLookup } from './endpoint-lookup';

const documents = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const clock: Clock = { now: () => FIXED_NOW, sleep: async () => undefined };

function ingestHandler() {
  const settings = [queueSettingsOf(parseQueueDefinition(aQueueDefinitionInput({ dedup: true })))];
  const handler = createIngestHandler({
    store: new DynamoDbJobStore({ client: new DynamoDBClient({ region: 'eu-west-1' }), tableName: 'jobs' }),
    queues: new SqsQueueClient({ client: new SQSClient({ region: 'eu-west-1' }) }),
    directory: queueDirectory(settings, 'https://sqs.eu-west-1.amazonaws.com/123456789012', 'jobs'),
    clock,
    logger: new Logger({ serviceName: 'ingest', logLevel: 'SILENT' }),
    partners: somePartnerKeys(),
    endpoints: endpointLookup(),
  });
  return async (event: APIGatewayProxyEvent) => {
    const response = await handler(event, lambdaContext('ingest'));
    return { status: response.statusCode, json: JSON.parse(response.body) as Record<string, unknown> };
  };
}

const postJob = (body: unknown, apiKeyId?: string | null) =>
  anApiGatewayEvent({ body, ...(apiKeyId === undefined ? {} : { apiKeyId }) });

const postBatch = (jobs: unknown[], apiKeyId?: string) =>
  anApiGatewayEvent({ resource: '/jobs/{id}/batch', path: '/jobs/payments/batch', body: { jobs }, ...(apiKeyId === undefined ? {} : { apiKeyId }) });

beforeEach(() => {
  documents.reset();
  sqs.reset();
  documents.on(PutCommand).resolves({});
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
    const partners = documents.commandCalls(PutCommand).map((call) => call.args[0].input.Item?.partner);
    expect(partners).toEqual([OTHER_PARTNER, OTHER_PARTNER]);
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
