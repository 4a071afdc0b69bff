import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { systemClock } from '../adapters/clock';
import { ingestJobStore } from '../adapters/ingest-job-store';
import { jobStoreContext } from '../adapters/job-store-context';
import { SqsQueueClient } from '../adapters/sqs-queue-client';
import { parseConfig, partnerApiConfigSchema, pipelineConfigSchema, type PipelineConfig } from '../core/runtime-config';
import { partnerDirectory } from './http/partner';
import { serviceLogger } from './service-logger';
import { queueDirectory } from './workflows/queue-directory';

// Each function's runtime imports only the adapters and SDK clients it uses,
// so its bundle holds nothing else and its init loads nothing else: this file
// is the ingest side's (DynamoDB and SQS); the consumer's is
// `consumer-runtime.ts`, job status's `job-status-runtime.ts`, the scheduled
// functions' `scheduled-runtime.ts`. Each function builds one DynamoDB client
// and shares it among its adapters.

export { serviceLogger } from './service-logger';

type Environment = Record<string, string | undefined>;

/**
 * What every ingest-side function (ingest, sweeper, reconciler, stuck
 * detector, health) starts from, built once per container from the checked
 * environment: its one DynamoDB client (each function adds the adapters it
 * uses on it), the lanes' SQS client, the queue directory, the clock and the
 * logger. SDK clients take their endpoints from the standard
 * `AWS_ENDPOINT_URL_*` variables, so the same code runs in AWS and against
 * local emulators.
 */
export function pipelineRuntime(environment: Environment, service: string) {
  return runtimeOf(parseConfig(pipelineConfigSchema, environment), service);
}

/**
 * The adapters of the ingest function: those of {@link pipelineRuntime}, the
 * job store's create path (the only transition the ingest makes), and the
 * partner of each API key id, from the required `PARTNER_KEYS`.
 */
export function partnerApiRuntime(environment: Environment, service: string) {
  const config = parseConfig(partnerApiConfigSchema, environment);
  const base = runtimeOf(config, service);
  return {
    ...base,
    store: ingestJobStore(jobStoreContext({ client: base.dynamodb, tableName: config.TABLE_NAME })),
    partners: partnerDirectory(config.PARTNER_KEYS),
  };
}

/** What every ingest-side function shares, from its checked configuration. */
function runtimeOf<T extends PipelineConfig>(config: T, service: string) {
  return {
    config,
    dynamodb: new DynamoDBClient({}),
    queues: new SqsQueueClient({ client: new SQSClient({}) }),
    directory: queueDirectory(config.QUEUES, config.QUEUE_URL_BASE, config.QUEUE_NAME_PREFIX),
    clock: systemClock,
    logger: serviceLogger(service),
  };
}
