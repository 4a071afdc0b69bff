import { createJobStatusHandler } from './factories/job-status-api';
import { partnerApiRuntime } from './runtime';

/** Lambda entry: `GET /jobs/{id}` and `DELETE /jobs/{id}`. */
export const handler = createJobStatusHandler(partnerApiRuntime(process.env, 'job-status'));
