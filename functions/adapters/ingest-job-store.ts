import type { StoreContext } from './conditional-update';
import { createUnindexedJobs } from './job-batch-create';
import { createJob } from './job-create';
import { markJobEnqueued } from './job-enqueued';
import type { IngestJobStore } from './job-store';

/**
 * The ingest's job store on DynamoDB: it creates jobs (a request's unindexed
 * ones in batch writes), and gives an unindexed job whose send failed its
 * schedule entry (`markEnqueued`), so its bundle holds those paths and none
 * of the other transitions.
 *
 * @example
 * const store = ingestJobStore(jobStoreContext({ client: dynamodb, tableName: 'jobs' }));
 * const outcome = await store.create(newJob);
 */
export function ingestJobStore(context: StoreContext): IngestJobStore {
  return {
    create: (job) => createJob(context, job),
    createUnindexed: (jobs) => createUnindexedJobs(context, jobs),
    markEnqueued: (jobId, runId, now) => markJobEnqueued(context, jobId, runId, now),
  };
}
