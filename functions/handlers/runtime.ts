import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { systemClock } from '../adapters/clock';
import { DynamoDbJobStore } from '../adapters/dynamodb-job-store';
import { DynamoDbMetricsStore } from '../adapters/dynamodb-metrics-store';
import { SqsQueueClient } from '../adapters/sqs-queue-client';
import { parseConfig, partnerApiConfigSchema, pipelineConfigSchema, type PipelineConfig } from '../core/runtime-config';
import { partnerDirectory } from './http/partner';
import { serviceLogger } from './service-logger';
import { queueDirectory } from './workflows/queue-directory';

// Each function's runtime imports only the adapters and SDK clients it uses,
// so its bundle holds nothing else and its init loads nothing else: this file
// is the ingest side's (DynamoDB and SQS); the consumer's is
// `consumer-runtime.ts`, job status's `job-status-runtime.ts`, the scheduled
// functions' `scheduled-runtime.ts`.

export { serviceLogger } from './service-logger';

type Environment = Record<string, string | undefined>;

/**
 * The adapters of the ingest-side functions (sweeper, reconciler, health;
 * ingest adds its partners with {@link partnerApiRuntime}), built once per container from the checked environment. SDK
 * clients take their endpoints from the standard `AWS_ENDPOINT_URL_*` variables,
 * so the same code runs in AWS and against local emulators.
 */
export function pipelineRuntime(environment: Environment, service: string) {
  return runtimeOf(parseConfig(pipelineConfigSchema, environment), service);
}

/**
 * The adapters of the ingest function: those of {@link pipelineRuntime}, plus
 * the partner of each API key id, from the required `PARTNER_KEYS`.
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
