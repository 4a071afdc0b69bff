import { JobNotFoundError, TransitionConflictError } from '../core/errors';
import { JOB_STATUS, type JobRecord } from '../core/job';
import { ADMIN_ATTRIBUTE } from '../core/table-schema';
import { conditionalUpdate, type StoreContext } from './conditional-update';
import { FAILED_INDEX_KEYS } from './failed-index';
import { jobRecordFromItem } from './job-item';

/** Marks run this many updates at a time: quick, without a burst that throttles a small table. */
const MARK_CONCURRENCY = 8;

const NAMES = { '#status': 'status', '#error': 'error' };

/**
 * failed → waiting, for a redrive. Attempts go back to 0 and the error goes,
 * but the history stays (its entries of the earlier run are the record of why
 * the job was redriven) and so does the run id: the redriven message carries
 * it, and a claim requires it. The record stops expiring while it waits (a
 * later completion or failure sets the expiry again) and leaves the failed
 * index. It is not put back in the schedule index: its payload travels only in
 * the dead-letter message, so the reconciler could not send it again anyway;
 * the claim of the redriven message puts it back, for the stuck detector.
 *
 * @throws JobNotFoundError when the job has no record
 * @throws TransitionConflictError when the job is not failed
 */
export async function resetForRedrive(context: StoreContext, jobId: string, now: Date): Promise<JobRecord> {
  const outcome = await conditionalUpdate(context, jobId, 'reset for redrive', {
    UpdateExpression: `SET #status = :waiting, attempts = :zero, updated_at = :now REMOVE #error, lease_until_ms, expires_at, ${FAILED_INDEX_KEYS.join(', ')}`,
    ConditionExpression: '#status = :failed',
    ExpressionAttributeNames: NAMES,
    ExpressionAttributeValues: { ':waiting': JOB_STATUS.waiting, ':failed': JOB_STATUS.failed, ':zero': 0, ':now': now.toISOString() },
  });
  if (outcome.applied) return jobRecordFromItem(outcome.item);
  if (outcome.current === undefined) throw new JobNotFoundError(jobId, { context: { transition: 'reset for redrive' } });
  throw new TransitionConflictError(jobId, 'reset for redrive', {
    context: { status: outcome.current.status, runId: outcome.current.run_id },
  });
}

/**
 * Marks failed jobs whose dead-letter message was purged: status stays
 * `failed`, `dlq_purged_at` is set and the job leaves the failed index. A job
 * that is no longer failed (redriven, replaced by a new run, cleaned) is
 * skipped. Resolves to the number marked.
 */
export async function markPurged(context: StoreContext, jobIds: readonly string[], now: Date): Promise<number> {
  let marked = 0;
  const queue = [...new Set(jobIds)];
  const worker = async (): Promise<void> => {
    for (let jobId = queue.shift(); jobId !== undefined; jobId = queue.shift()) {
      const outcome = await conditionalUpdate(context, jobId, 'mark purged', {
        UpdateExpression: `SET #purgedAt = :now, updated_at = :now REMOVE ${FAILED_INDEX_KEYS.join(', ')}`,
        ConditionExpression: '#status = :failed',
        ExpressionAttributeNames: { '#status': 'status', '#purgedAt': ADMIN_ATTRIBUTE.dlqPurgedAt },
        ExpressionAttributeValues: { ':failed': JOB_STATUS.failed, ':now': now.toISOString() },
      });
      if (outcome.applied) marked += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(MARK_CONCURRENCY, queue.length) }, worker));
  return marked;
}
