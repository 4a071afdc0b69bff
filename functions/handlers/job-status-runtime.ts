import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { systemClock } from '../adapters/clock';
import { jobStatusStore } from '../adapters/job-status-store';
import { jobStoreContext } from '../adapters/job-store-context';
import { parseConfig, partnerApiConfigSchema } from '../core/runtime-config';
import type { JobStatusDeps } from './factories/job-status-api';
import { partnerDirectory } from './http/partner';
import { serviceLogger } from './service-logger';
import { queueDirectory } from './workflows/queue-directory';

/**
 * The adapters of the job-status function (`GET` and `DELETE /jobs/{id}`,
 * `POST /jobs/{id}/progress`),
 * built once per container. It checks the same environment as the ingest
 * (`PARTNER_KEYS` included) but reads and cancels job records only, so it
 * builds no SQS client: its bundle holds the DynamoDB client alone, and of
 * the job store only its own four operations (`job-status-store.ts`).
 *
 * @example
 * export const handler = createJobStatusHandler(jobStatusRuntime(process.env));
 */
export function jobStatusRuntime(environment: Record<string, string | undefined>): JobStatusDeps {
  const config = parseConfig(partnerApiConfigSchema, environment);
  return {
    store: jobStatusStore(jobStoreContext({ client: new DynamoDBClient({}), tableName: config.TABLE_NAME })),
    directory: queueDirectory(config.QUEUES, config.QUEUE_URL_BASE, config.QUEUE_NAME_PREFIX),
    clock: systemClock,
    logger: serviceLogger('job-status'),
    partners: partnerDirectory(config.PARTNER_KEYS),
  };
}
