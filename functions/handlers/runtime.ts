import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { systemClock } from '../adapters/clock';
import { DynamoDbJobStore } from '../adapters/dynamodb-job-store';
import { DynamoDbRateLimiter } from '../adapters/dynamodb-rate-limiter';
import { DynamoDbMetricsStore } from '../adapters/dynamodb-metrics-store';
import { EmfBatchMetrics } from '../adapters/emf-metrics';
import { SqsQueueClient } from '../adapters/sqs-queue-client';
import { deadLetterQueueName, laneQueueName, queueUrl } from '../core/queue-names';
import { lanesOf } from '../core/lanes';
import { consumerConfigWithSecretSchema, parseConfig, partnerApiConfigSchema, pipelineConfigSchema, type PipelineConfig } from '../core/runtime-config';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { cachedSecret } from '../adapters/secret-value';
import { partnerDirectory } from './http/partner';
import { createHttpProcessor } from '../processors/http-processor';
import { signingSecretOf } from '../processors/webhook-signature';
import type { ConsumerDeps } from './workflows/consumer-deps';
import { consumerPauseGuard } from './consumer-pause';
import { queueDirectory } from './workflows/queue-directory';

type Environment = Record<string, string | undefined>;

/** The signing secret from its stored form (see `signingSecretOf`). */
function signingSecretFrom(stored: () => Promise<string>): () => Promise<string> {
  return async () => signingSecretOf(await stored());
}

/** A logger named after the function, the way every handler logs. */
export function serviceLogger(service: string): Logger {
  return new Logger({ serviceName: service });
}

/**
 * The adapters of the ingest-side functions (sweeper, reconciler, health;
 * ingest and status add their partners with {@link partnerApiRuntime}), built once per container from the checked environment. SDK
 * clients take their endpoints from the standard `AWS_ENDPOINT_URL_*` variables,
 * so the same code runs in AWS and against local emulators.
 */
export function pipelineRuntime(environment: Environment, service: string) {
  return runtimeOf(parseConfig(pipelineConfigSchema, environment), service);
}

/**
 * The adapters of the partner-facing functions (ingest and job status): those
 * of {@link pipelineRuntime}, plus the partner of each API key id, from the
 * required `PARTNER_KEYS`.
 */
export function partnerApiRuntime(environment: Environment, service: string) {
  const config = parseConfig(partnerApiConfigSchema, environment);
  return { ...runtimeOf(config, service), partners: partnerDirectory(config.PARTNER_KEYS) };
}

/** The adapters every ingest-side function shares, from its checked configuration. */
function runtimeOf<T extends PipelineConfig>(config: T, service: string) {
  const dynamodb = new DynamoDBClient({});
  return {
    config,
    store: new DynamoDbJobStore({ client: dynamodb, tableName: config.TABLE_NAME }),
    metrics: new DynamoDbMetricsStore({ client: dynamodb, tableName: config.TABLE_NAME }),
    queues: new SqsQueueClient({ client: new SQSClient({}) }),
    directory: queueDirectory(config.QUEUES, config.QUEUE_URL_BASE, config.QUEUE_NAME_PREFIX),
    clock: systemClock,
    logger: serviceLogger(service),
  };
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
