import { JOB_STATUS } from '../core/job';
import { conditionalUpdate, type StoreContext } from './conditional-update';
import { pendingPartition, SCHEDULE_KEY_NAMES, scheduleShard } from './job-keys';
import { transitionRefusal } from './transition-refusal';

/**
 * Records that the job's message was sent (`JobStore.markEnqueued`, by the
 * sweeper, or again by the reconciler): delayed or waiting → waiting, its
 * schedule entry moved to the pending partition and stamped with the send
 * time, so the reconciler waits a full threshold before sending it again.
 *
 * @throws TransitionConflictError when the job moved on meanwhile (claimed,
 * cancelled, another run): a sender may log and ignore it, since the message
 * it sent is refused at claim
 * @example
 * await markJobEnqueued(context, job.message.jobId, job.message.runId, new Date());
 */
export async function markJobEnqueued(context: StoreContext, jobId: string, runId: string, now: Date): Promise<void> {
  const outcome = await conditionalUpdate(context, jobId, 'mark enqueued', {
    UpdateExpression: 'SET #status = :waiting, updated_at = :now, #schedPk = :pending, #schedAt = :nowMs',
    ConditionExpression: 'run_id = :run AND #status IN (:delayed, :waiting)',
    ExpressionAttributeNames: { '#status': 'status', ...SCHEDULE_KEY_NAMES },
    ExpressionAttributeValues: {
      ':run': runId,
      ':waiting': JOB_STATUS.waiting,
      ':delayed': JOB_STATUS.delayed,
      ':now': now.toISOString(),
      ':nowMs': now.getTime(),
      ':pending': pendingPartition(scheduleShard(jobId)),
    },
  });
  if (!outcome.applied) throw transitionRefusal(jobId, 'mark enqueued', outcome.current);
}
