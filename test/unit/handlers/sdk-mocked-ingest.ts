import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Clock } from '../../../functions/adapters/clock';
import { dynamoDbJobStore } from '../../../functions/adapters/dynamodb-job-store';
import { SqsQueueClient } from '../../../functions/adapters/sqs-queue-client';
import { parseQueueDefinition, type QueueDefinitionInput } from '../../../functions/core/queue-config';
import { queueSettingsOf } from '../../../functions/core/runtime-config';
import { createIngestHandler } from '../../../functions/handlers/factories/ingest-api';
import { queueDirectory } from '../../../functions/handlers/workflows/queue-directory';
import { FIXED_NOW, aQueueDefinitionInput, somePartnerKeys } from '../../helpers/factories';
import { lambdaContext } from '../../integration/support/lambda-context';
import { endpointLookup } from './endpoint-lookup';

const clock: Clock = { now: () => FIXED_NOW, sleep: async () => undefined };

/**
 * The ingest function over the real DynamoDB and SQS adapters, whose SDK
 * clients the calling test mocks (`mockClient`), for the queues given (each
 * over {@link aQueueDefinitionInput}); it answers with the status and the
 * parsed body.
 */
export function sdkMockedIngest(queues: readonly Partial<QueueDefinitionInput>[]) {
  const settings = queues.map((input) => queueSettingsOf(parseQueueDefinition(aQueueDefinitionInput(input))));
  const handler = createIngestHandler({
    store: dynamoDbJobStore({ client: new DynamoDBClient({ region: 'eu-west-1' }), tableName: 'jobs' }),
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
