import { createJobStatusHandler } from './factories/job-status-api';
import { jobStatusRuntime } from './job-status-runtime';

/** Lambda entry: `GET /jobs/{id}` and `DELETE /jobs/{id}`. */
export const handler = createJobStatusHandler(jobStatusRuntime(process.env));
