import { createJobStatusHandler } from './factories/job-status-api';
import { pipelineRuntime } from './runtime';

/** Lambda entry: `GET /jobs/{id}` and `DELETE /jobs/{id}`. */
export const handler = createJobStatusHandler(pipelineRuntime(process.env, 'job-status'));
