import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { dynamoDbJobStore } from '../../../functions/adapters/dynamodb-job-store';
import { SqsQueueClient } from '../../../functions/adapters/sqs-queue-client';
import { MAX_REQUEST_BODY_BYTES, MAX_STORABLE_PAYLOAD_BYTES } from '../../../functions/core/limits';
import { parseQueueDefinition } from '../../../functions/core/queue-config';
import { queueSettingsOf } from '../../../functions/core/runtime-config';
import { createIngestHandler } from '../../../functions/handlers/factories/ingest-api';
import { queueDirectory } from '../../../functions/handlers/workflows/queue-directory';
import { FIXED_NOW, aQueueDefinitionInput, anApiGatewayEvent, somePartnerKeys } from '../../helpers/factories';
import { lambdaContext } from '../../integration/support/lambda-context';
import { endpointLookup } from './endpoint-lookup';

const documents = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);

/** An ingest whose one queue, payments, takes the largest payload a queue may set. */
function ingestHandler() {
  const settings = [queueSettingsOf(parseQueueDefinition(aQueueDefinitionInput({ maxPayloadBytes: MAX_STORABLE_PAYLOAD_BYTES })))];
  const handler = createIngestHandler({
    store: dynamoDbJobStore({ client: new DynamoDBClient({ region: 'eu-west-1' }), tableName: 'jobs' }),
    queues: new SqsQueueClient({ client: new SQSClient({ region: 'eu-west-1' }) }),
    directory: queueDirectory(settings, 'https://sqs.eu-west-1.amazonaws.com/123456789012', 'jobs'),
    clock: { now: () => FIXED_NOW, sleep: async () => undefined },
    logger: new Logger({ serviceName: 'ingest', logLevel: 'SILENT' }),
    partners: somePartnerKeys(),
    endpoints: endpointLookup(),
  });
  return async (event: APIGatewayProxyEvent) => {
    const response = await handler(event, lambdaContext('ingest'));
    return { status: response.statusCode, json: JSON.parse(response.body) as { error?: { code?: string; message?: string } } };
  };
}

beforeEach(() => {
  documents.reset();
  sqs.reset();
});

describe('the ingest body limit', () => {
  it('refuses a batch body over the request limit with 413 naming the limit, before writing anything', async () => {
    // Prepare: 100 jobs of this queue could be 40 MB, so the request limit decides.
    const body = JSON.stringify({ jobs: [{ data: 'x'.repeat(MAX_REQUEST_BODY_BYTES) }] });
    const event = anApiGatewayEvent({ resource: '/jobs/{id}/batch', path: '/jobs/payments/batch', body });

    // Act
    const answer = await ingestHandler()(event);

    // Assess
    expect(answer.status).toBe(413);
    expect(answer.json.error?.code).toBe('payload_too_large');
    expect(answer.json.error?.message).toContain(`the request limit (5 MiB, so the request fits Lambda's 6 MB payload) is ${MAX_REQUEST_BODY_BYTES} bytes`);
    expect(documents.calls()).toHaveLength(0);
    expect(sqs.calls()).toHaveLength(0);
  });

  it("refuses a single job's body over the queue's data limit and envelope with 413 naming that limit", async () => {
    // Prepare
    const event = anApiGatewayEvent({ body: { data: 'x'.repeat(MAX_STORABLE_PAYLOAD_BYTES + 17 * 1024) } });

    // Act
    const answer = await ingestHandler()(event);

    // Assess
    expect(answer.status).toBe(413);
    expect(answer.json.error?.message).toMatch(/the limit of one job \(queue "\w+"'s maxPayloadBytes of \d+ plus 16384 for the request's other fields\) is \d+ bytes/);
    expect(answer.json.error?.message).toContain(`is ${MAX_STORABLE_PAYLOAD_BYTES + 16 * 1024} bytes`);
    expect(documents.calls()).toHaveLength(0);
  });
});

describe('a body that is not JSON', () => {
  it('is refused with 400 invalid_json giving the position, without quoting the body', async () => {
    // Prepare: V8's parser quotes a short body in its message
    const event = anApiGatewayEvent({ body: '{"data": "+254700000001" oops}' });

    // Act
    const answer = await ingestHandler()(event);

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.json.error?.code).toBe('invalid_json');
    expect(answer.json.error?.message).toMatch(/^the request body is not valid JSON/);
    expect(answer.json.error?.message).not.toContain('254700000001');
  });
});
