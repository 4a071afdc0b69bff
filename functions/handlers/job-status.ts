import { createJobStatusHandler } from './factories/job-status-api';
import { jobStatusRuntime } from './job-status-runtime';

/** Lambda entry: `GET /jobs/{id}`, `DELETE /jobs/{id}` and `POST /jobs/{id}/progress`. */
export const handler = createJobStatusHandler(jobStatusRuntime(process.env));
