import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { systemClock } from '../adapters/clock';
import { DynamoDbConcurrencyPool } from '../adapters/dynamodb-concurrency-pool';
import { DynamoDbJobStore } from '../adapters/dynamodb-job-store';
import { DynamoDbMetricsStore } from '../adapters/dynamodb-metrics-store';
import { DynamoDbRateLimiter } from '../adapters/dynamodb-rate-limiter';
import { EmfBatchMetrics } from '../adapters/emf-metrics';
import { cachedSecret } from '../adapters/secret-value';
import { SqsQueueClient } from '../adapters/sqs-queue-client';
import { lanesOf } from '../core/lanes';
import { deadLetterQueueName, laneQueueName, queueUrl } from '../core/queue-names';
import { consumerConfigWithSecretSchema, parseConfig } from '../core/runtime-config';
import { createHttpProcessor } from '../processors/http-processor';
import { signingSecretOf } from '../processors/webhook-signature';
import { consumerPauseGuard } from './consumer-pause';
import { serviceLogger } from './service-logger';
import type { ConsumerDeps } from './workflows/consumer-deps';

// Only the consumer reads the signing secret, so only its bundle holds the
// Secrets Manager client: the other functions' runtimes never import this file.

type Environment = Record<string, string | undefined>;

/** The signing secret from its stored form (see `signingSecretOf`). */
function signingSecretFrom(stored: () => Promise<string>): () => Promise<string> {
  return async () => signingSecretOf(await stored());
}

/**
 * The dependencies of one queue's consumer, from the checked environment,
 * with the guard that hands a paused queue's batches back (`paused-batch.ts`).
 */
export function consumerRuntime(environment: Environment): ConsumerDeps {
  const config = parseConfig(consumerConfigWithSecretSchema, environment);
  const definition = config.QUEUE_SETTINGS;
  const dynamodb = new DynamoDBClient({});
  const logger = serviceLogger(`consumer-${definition.name}`);
  const pause = consumerPauseGuard({
    dynamodb,
    tableName: config.TABLE_NAME,
    queue: definition.name,
    functionName: environment.AWS_LAMBDA_FUNCTION_NAME,
    clock: systemClock,
  });
  return {
    pause,
    definition,
    lanes: lanesOf(definition).map((lane) => {
      const name = laneQueueName(config.QUEUE_NAME_PREFIX, definition, lane);
      return { lane, name, url: queueUrl(config.QUEUE_URL_BASE, name) };
    }),
    deadLetterUrl: queueUrl(config.QUEUE_URL_BASE, deadLetterQueueName(config.QUEUE_NAME_PREFIX, definition)),
    store: new DynamoDbJobStore({ client: dynamodb, tableName: config.TABLE_NAME }),
    queues: new SqsQueueClient({ client: new SQSClient({}) }),
    limiter: definition.rateLimit ? new DynamoDbRateLimiter({ client: dynamodb, tableName: config.TABLE_NAME }) : undefined,
    pool: new DynamoDbConcurrencyPool({ client: dynamodb, tableName: config.TABLE_NAME }),
    metrics: new DynamoDbMetricsStore({ client: dynamodb, tableName: config.TABLE_NAME }),
    cloudWatch: new EmfBatchMetrics(),
    processor: createHttpProcessor({
      targetUrl: config.TARGET_URL,
      signingSecret: config.SIGNING_SECRET ?? signingSecretFrom(cachedSecret(new SecretsManagerClient({}), config.SIGNING_SECRET_ARN ?? '')),
      timeoutMs: definition.timeoutMs,
      allowLoopback: config.ALLOW_LOOPBACK_TARGETS,
      allowPrivate: config.ALLOW_PRIVATE_TARGETS,
    }),
    clock: systemClock,
    logger,
  };
}
