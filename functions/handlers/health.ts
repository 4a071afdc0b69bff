import { createHealthHandler } from './factories/health-api';
import { pipelineRuntime } from './runtime';

const runtime = pipelineRuntime(process.env, 'health');

/** Lambda entry: `GET /health`, `GET /health/queue` and the admin `GET /queue/status`. */
export const handler = createHealthHandler({
  ...runtime,
  settings: runtime.config.QUEUES,
  queueUrlBase: runtime.config.QUEUE_URL_BASE,
  prefix: runtime.config.QUEUE_NAME_PREFIX,
});
