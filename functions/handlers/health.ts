import { readFileSync } from 'node:fs';
import { DynamoDbMetricsStore } from '../adapters/dynamodb-metrics-store';
import { DynamoDbHealthSnapshotStore } from '../adapters/health-snapshot-store';
import { DynamoDbJobCensus } from '../adapters/job-census';
import { DynamoDbPauseStore } from '../adapters/pause-store';
import { OPENAPI_FILE_NAME } from '../core/openapi-file';
import { createHealthHandler } from './factories/health-api';
import { pipelineRuntime } from './runtime';

const runtime = pipelineRuntime(process.env, 'health');
// One DynamoDB client, the runtime's, for every adapter of the function.
const { dynamodb } = runtime;

/**
 * Lambda entry: `GET /health`, the public `GET /openapi.json`, `GET /health/queue`
 * and the admin `GET /queue/status` and `GET /api/queue/status` (seed 000's).
 */
export const handler = createHealthHandler({
  ...runtime,
  settings: runtime.config.QUEUES,
  queueUrlBase: runtime.config.QUEUE_URL_BASE,
  prefix: runtime.config.QUEUE_NAME_PREFIX,
  metrics: new DynamoDbMetricsStore({ client: dynamodb, tableName: runtime.config.TABLE_NAME }),
  snapshots: new DynamoDbHealthSnapshotStore({ client: dynamodb, tableName: runtime.config.TABLE_NAME }),
  census: new DynamoDbJobCensus({ client: dynamodb, tableName: runtime.config.TABLE_NAME }),
  pauses: new DynamoDbPauseStore({ client: dynamodb, tableName: runtime.config.TABLE_NAME }),
  // Shipped beside this bundle by the stack (see PipelineFunctionProps.files).
  openApiDocument: () => readFileSync(new URL(`./${OPENAPI_FILE_NAME}`, import.meta.url), 'utf8'),
});
