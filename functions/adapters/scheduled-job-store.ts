import { failAttempt } from './attempt-finishes';
import type { StoreContext } from './conditional-update';
import { markJobEnqueued } from './job-enqueued';
import type { ScheduledJobStore } from './job-store';
import { markLettered } from './letter-transitions';

/**
 * The job store of the sweeper, the reconciler and the stuck detector on
 * DynamoDB: they find jobs through the schedule index (`schedule-scan.ts`),
 * and write only these three transitions.
 *
 * @example
 * const store = scheduledJobStore(jobStoreContext({ client: dynamodb, tableName: 'jobs' }));
 * await store.markEnqueued(jobId, runId, new Date());
 */
export function scheduledJobStore(context: StoreContext): ScheduledJobStore {
  return {
    markEnqueued: (jobId, runId, now) => markJobEnqueued(context, jobId, runId, now),
    fail: (ref, outcome) => failAttempt(context, ref, outcome),
    markLettered: (jobId, runId, failedAt) => markLettered(context, jobId, runId, failedAt),
  };
}
