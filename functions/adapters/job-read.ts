import type { JobRecord } from '../core/job';
import { readState, type StoreContext } from './conditional-update';
import { jobRecordOf } from './job-item';

/**
 * A strongly consistent read of a job's record; `undefined` when there is none.
 *
 * @example
 * const job = await readJob(context, 'job-1');
 */
export async function readJob(context: StoreContext, jobId: string): Promise<JobRecord | undefined> {
  const item = await readState(context, jobId);
  return item === undefined ? undefined : jobRecordOf(item);
}
