import type { StoreContext } from './conditional-update';
import { cancelJob } from './job-cancel';
import { readJobData, type JobDataStore } from './job-data';
import { reportProgress, type JobProgressStore } from './job-progress';
import { readJob } from './job-read';
import type { JobStore } from './job-store';

/** What the job-status function does to job records: read, cancel, record progress, read data back. */
export type JobStatusStore = Pick<JobStore, 'get' | 'cancel'> & JobProgressStore & JobDataStore;

/**
 * The job-status function's job store on DynamoDB (`GET` and `DELETE
 * /jobs/{id}`, `POST /jobs/{id}/progress`).
 *
 * @example
 * const store = jobStatusStore(jobStoreContext({ client: dynamodb, tableName: 'jobs' }));
 * const job = await store.get('job-1');
 */
export function jobStatusStore(context: StoreContext): JobStatusStore {
  return {
    get: (jobId) => readJob(context, jobId),
    cancel: (jobId, partner, now, expiresAt) => cancelJob(context, jobId, partner, now, expiresAt),
    reportProgress: (jobId, token, progress) => reportProgress(context, jobId, token, progress),
    readData: (jobId, runId) => readJobData(context, jobId, runId),
  };
}
