import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { systemClock } from '../adapters/clock';
import { DynamoDbConcurrencyPool } from '../adapters/dynamodb-concurrency-pool';
import { consumerJobStore } from '../adapters/consumer-job-store';
import { DynamoDbMetricsStore } from '../adapters/dynamodb-metrics-store';
import { DynamoDbRateLimiter } from '../adapters/dynamodb-rate-limiter';
import { DynamoDbEndpointCircuit } from '../adapters/dynamodb-endpoint-circuit';
import { endpointGetter } from '../adapters/endpoint-reader';
import { EmfBatchMetrics, EmfCircuitMetrics } from '../adapters/emf-metrics';
import { jobStoreContext } from '../adapters/job-store-context';
import { cachedSecret, prefetched } from '../adapters/secret-value';
import { SqsQueueClient } from '../adapters/sqs-queue-client';
import { lanesOf } from '../core/lanes';
import { deadLetterQueueName, laneQueueName, queueUrl } from '../core/queue-names';
import { consumerConfigWithSecretSchema, parseConfig, type ConsumerConfig } from '../core/runtime-config';
import { createEndpointProcessor } from '../processors/endpoint-processor';
import { createHttpProcessor } from '../processors/http-processor';
import { signingSecretOf } from '../processors/webhook-signature';
import { consumerPauseGuard } from './consumer-pause';
import { serviceLogger } from './service-logger';
import type { ConsumerDeps } from './workflows/consumer-deps';
import { endpointBreaker } from './workflows/endpoint-breaker';
import { finalJobNotifier, type FinalJobNotifier } from './workflows/notify-final';
import { queueDirectory } from './workflows/queue-directory';

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
  // The consumer's transitions only (claim, settle, dead-letter, notify): see `consumer-job-store.ts`.
  const store = consumerJobStore(jobStoreContext({ client: dynamodb, tableName: config.TABLE_NAME }));
  const queues = new SqsQueueClient({ client: new SQSClient({}) });
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
    store,
    queues,
    limiter: definition.rateLimit ? new DynamoDbRateLimiter({ client: dynamodb, tableName: config.TABLE_NAME }) : undefined,
    pool: new DynamoDbConcurrencyPool({ client: dynamodb, tableName: config.TABLE_NAME }),
    metrics: new DynamoDbMetricsStore({ client: dynamodb, tableName: config.TABLE_NAME }),
    cloudWatch: new EmfBatchMetrics(),
    ...processing(config, dynamodb, logger),
    ...(config.API_BASE_URL === undefined ? {} : { apiBaseUrl: config.API_BASE_URL }),
    ...notification(config, { store, queues, logger }),
    clock: systemClock,
    logger,
  };
}

/**
 * The notifier of final jobs that asked for `notify`, when the stage has a
 * queue that delivers to endpoints (`NOTIFY_QUEUE`): events are recorded in
 * the jobs table and sent to that queue's lanes, as the ingest would.
 */
function notification(
  config: ConsumerConfig,
  deps: Pick<ConsumerDeps, 'store' | 'queues' | 'logger'>,
): { notifier?: FinalJobNotifier } {
  const settings = config.NOTIFY_QUEUE;
  if (settings === undefined) return {};
  return {
    notifier: finalJobNotifier({
      ...deps,
      directory: queueDirectory([settings], config.QUEUE_URL_BASE, config.QUEUE_NAME_PREFIX),
      clock: systemClock,
      notifyQueue: settings.name,
    }),
  };
}

/**
 * The processor, and on a queue whose jobs may name an endpoint (catalog
 * `endpoints`) the endpoints' breaker gate beside it: endpoints are read from
 * the registry in the jobs table, cached per warm instance.
 */
function processing(config: ConsumerConfig, dynamodb: DynamoDBClient, logger: Logger): Pick<ConsumerDeps, 'processor' | 'endpointGate'> {
  const definition = config.QUEUE_SETTINGS;
  const http = {
    targetUrl: config.TARGET_URL,
    signingSecret: config.SIGNING_SECRET ?? signingSecretFrom(prefetched(cachedSecret(new SecretsManagerClient({}), config.SIGNING_SECRET_ARN ?? ''))),
    timeoutMs: definition.timeoutMs,
    allowLoopback: config.ALLOW_LOOPBACK_TARGETS,
    allowPrivate: config.ALLOW_PRIVATE_TARGETS,
  };
  if (!definition.endpoints) return { processor: createHttpProcessor(http) };
  const { gate, directory } = endpointBreaker({
    // The consumer only reads endpoints, one by id; registrations (and their secrets) are the admin function's.
    registry: endpointGetter({ client: dynamodb, tableName: config.TABLE_NAME }),
    circuit: new DynamoDbEndpointCircuit({ client: dynamodb, tableName: config.TABLE_NAME }),
    queue: definition.name,
    jobTimeoutMs: definition.timeoutMs,
    clock: systemClock,
    logger,
    metrics: new EmfCircuitMetrics(),
  });
  return { processor: createEndpointProcessor({ ...http, endpoints: directory }), endpointGate: gate };
}
