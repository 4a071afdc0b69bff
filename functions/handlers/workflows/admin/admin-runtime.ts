import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { systemClock } from '../../../adapters/clock';
import { adminJobStore } from '../../../adapters/admin-job-store';
import { SqsDeadLetterQueue } from '../../../adapters/dead-letter-queue';
import { DynamoDbEndpointRegistry } from '../../../adapters/dynamodb-endpoint-registry';
import { DynamoDbMetricsStore } from '../../../adapters/dynamodb-metrics-store';
import { DynamoDbJobCensus } from '../../../adapters/job-census';
import { jobStoreContext } from '../../../adapters/job-store-context';
import { LambdaEventSourceControl } from '../../../adapters/event-source-control';
import { SqsMessageMoveTasks } from '../../../adapters/message-move-tasks';
import { DynamoDbPauseStore } from '../../../adapters/pause-store';
import { SqsQueueClient } from '../../../adapters/sqs-queue-client';
import { parseConfig } from '../../../core/runtime-config';
import { generateSigningSecret } from '../../../processors/webhook-signature';
import { serviceLogger } from '../../service-logger';
import { queueDirectory } from '../queue-directory';
import { adminConfigSchema } from './admin-config';
import type { AdminDeps } from './admin-deps';
import { queueLocator } from './queue-locations';

/**
 * The admin function's adapters, built once per container from its checked
 * environment (see `adminConfigSchema`). SDK clients find their endpoints
 * through the standard `AWS_ENDPOINT_URL_*` variables, as every function does.
 */
export function adminRuntime(environment: Record<string, string | undefined>): AdminDeps {
  const config = parseConfig(adminConfigSchema, environment);
  const dynamodb = new DynamoDBClient({});
  const sqs = new SQSClient({});
  return {
    settings: config.QUEUES,
    directory: queueDirectory(config.QUEUES, config.QUEUE_URL_BASE, config.QUEUE_NAME_PREFIX),
    locate: queueLocator(config.QUEUE_URL_BASE, config.QUEUE_ARN_BASE, config.QUEUE_NAME_PREFIX),
    store: adminJobStore(jobStoreContext({ client: dynamodb, tableName: config.TABLE_NAME })),
    metrics: new DynamoDbMetricsStore({ client: dynamodb, tableName: config.TABLE_NAME }),
    census: new DynamoDbJobCensus({ client: dynamodb, tableName: config.TABLE_NAME }),
    queues: new SqsQueueClient({ client: sqs }),
    deadLetters: new SqsDeadLetterQueue({ client: sqs }),
    moveTasks: new SqsMessageMoveTasks({ client: sqs }),
    eventSources: new LambdaEventSourceControl({ client: new LambdaClient({}) }),
    pauses: new DynamoDbPauseStore({ client: dynamodb, tableName: config.TABLE_NAME }),
    endpoints: new DynamoDbEndpointRegistry({ client: dynamodb, tableName: config.TABLE_NAME, newSecret: generateSigningSecret }),
    targetGuard: { allowLoopback: config.ALLOW_LOOPBACK_TARGETS, allowPrivate: config.ALLOW_PRIVATE_TARGETS },
    consumerFunctions: config.CONSUMER_FUNCTIONS,
    queueUrlBase: config.QUEUE_URL_BASE,
    prefix: config.QUEUE_NAME_PREFIX,
    clock: systemClock,
    logger: serviceLogger('admin'),
  };
}
