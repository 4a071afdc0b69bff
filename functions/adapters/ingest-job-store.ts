import type { StoreContext } from './conditional-update';
import { createJob } from './job-create';
import type { JobCreator } from './job-store';

/**
 * The ingest's job store on DynamoDB: it only creates jobs, so its bundle
 * holds the create path and none of the other transitions.
 *
 * @example
 * const store = ingestJobStore(jobStoreContext({ client: dynamodb, tableName: 'jobs' }));
 * const outcome = await store.create(newJob);
 */
export function ingestJobStore(context: StoreContext): JobCreator {
  return { create: (job) => createJob(context, job) };
}
