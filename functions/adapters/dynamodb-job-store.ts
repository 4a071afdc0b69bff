import { adminJobStore } from './admin-job-store';
import type { StoreContext } from './conditional-update';
import { consumerJobStore, type ConsumerJobStoreOptions } from './consumer-job-store';
import type { JobAdminStore } from './job-admin-store';
import type { JobDataStore } from './job-data';
import { createUnindexedJobs } from './job-batch-create';
import { delayedPartition, pendingPartition } from './job-keys';
import type { JobProgressStore } from './job-progress';
import { jobStatusStore } from './job-status-store';
import { jobStoreContext, type JobStoreTable } from './job-store-context';
import type { JobStore } from './job-store';
import { listScheduled } from './schedule-listing';
import { scheduledJobStore } from './scheduled-job-store';

/** What a {@link dynamoDbJobStore} needs: the table, and how claims make their progress tokens. */
export interface DynamoDbJobStoreOptions extends JobStoreTable, ConsumerJobStoreOptions {}

/** Every port of the job store, as one object. */
export type DynamoDbJobStore = JobStore & JobAdminStore & JobProgressStore & JobDataStore;

/**
 * The whole job store on DynamoDB: one state item per job (kept under one
 * write unit), a payload item beside it when the payload is large, and a
 * sparse schedule index of the jobs not finished yet. Every transition is one
 * conditional write whose refusal carries the old item, so a refusal is
 * explained without another read.
 *
 * Each transition lives in its own module (`job-create.ts`, `job-claim.ts`,
 * …) and takes a {@link StoreContext}; each Lambda function holds only the
 * transitions it calls, through its own small store (`ingest-job-store.ts`,
 * `consumer-job-store.ts`, `job-status-store.ts`, `scheduled-job-store.ts`,
 * `admin-job-store.ts`), since a class's methods cannot be left out of a
 * bundle. This puts those stores together, with the schedule listings, for
 * tests and tools that use every port at once.
 *
 * @example
 * const store = dynamoDbJobStore({ client: new DynamoDBClient({}), tableName: 'jobs' });
 * const outcome = await store.claim(message.jobId, message.runId, new Date(), 60_000);
 */
export function dynamoDbJobStore(options: DynamoDbJobStoreOptions): DynamoDbJobStore {
  const context = jobStoreContext(options);
  return {
    ...adminJobStore(context),
    ...jobStatusStore(context),
    ...scheduledJobStore(context),
    ...consumerJobStore(context, { newProgressToken: options.newProgressToken }),
    createUnindexed: (jobs) => createUnindexedJobs(context, jobs),
    listDue: (now, limit) => listScheduled(context, { partition: delayedPartition, comparison: '<=', boundMs: now.getTime(), limit }),
    listUnclaimed: (dueBefore, limit) => listScheduled(context, { partition: pendingPartition, comparison: '<', boundMs: dueBefore.getTime(), limit }),
  };
}
