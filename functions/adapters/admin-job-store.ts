import type { StoreContext } from './conditional-update';
import { listFailedJobs } from './failed-listing';
import type { JobAdminStore } from './job-admin-store';
import { readJob } from './job-read';
import type { JobStore } from './job-store';
import { cleanRecords } from './record-cleaning';
import { markPurged, resetForRedrive } from './redrive-transitions';

/**
 * The admin function's job store on DynamoDB: a job's record, and the
 * operations routes' listings and transitions (failed jobs, redrive, purge,
 * clean). The pipeline's own transitions are not in it.
 *
 * @example
 * const store = adminJobStore(jobStoreContext({ client: dynamodb, tableName: 'jobs' }));
 * const page = await store.listFailed('payments', { limit: 50 });
 */
export function adminJobStore(context: StoreContext): Pick<JobStore, 'get'> & JobAdminStore {
  return {
    get: (jobId) => readJob(context, jobId),
    listFailed: (queue, options) => listFailedJobs(context, queue, options),
    resetForRedrive: (jobId, now) => resetForRedrive(context, jobId, now),
    markPurged: (jobIds, now) => markPurged(context, jobIds, now),
    clean: (queue, state, olderThan) => cleanRecords(context, queue, state, olderThan),
  };
}
