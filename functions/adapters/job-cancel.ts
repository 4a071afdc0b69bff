import { JOB_STATUS, type JobRecord } from '../core/job';
import { conditionalUpdate, type StoreContext } from './conditional-update';
import { jobRecordFromItem } from './job-item';
import { SCHEDULE_KEY_ATTRIBUTES } from './job-keys';
import { epochSeconds } from './new-job-item';
import { transitionRefusal } from './transition-refusal';

/**
 * waiting | delayed → cancelled (`JobStore.cancel`), for the job's own
 * partner only; the schedule entry and inline payload go with it. The
 * partner is part of the condition, so no read-then-write race lets one
 * partner cancel another's job, and a refusal over a job another partner
 * owns is reported as not found.
 *
 * @throws JobNotFoundError when there is no such job or another partner owns it
 * @throws TransitionConflictError when the job is past cancelling
 * @example
 * const job = await cancelJob(context, 'job-1', 'acme', now, new Date(now.getTime() + 86_400_000));
 */
export async function cancelJob(context: StoreContext, jobId: string, partner: string, now: Date, expiresAt: Date): Promise<JobRecord> {
  const outcome = await conditionalUpdate(context, jobId, 'cancel', {
    UpdateExpression: `SET #status = :cancelled, updated_at = :now, expires_at = :expires REMOVE ${SCHEDULE_KEY_ATTRIBUTES.join(', ')}, payload`,
    ConditionExpression: '#status IN (:waiting, :delayed) AND #partner = :partner',
    ExpressionAttributeNames: { '#status': 'status', '#partner': 'partner' },
    ExpressionAttributeValues: {
      ':partner': partner,
      ':cancelled': JOB_STATUS.cancelled,
      ':waiting': JOB_STATUS.waiting,
      ':delayed': JOB_STATUS.delayed,
      ':now': now.toISOString(),
      ':expires': epochSeconds(expiresAt),
    },
  });
  if (outcome.applied) return jobRecordFromItem(outcome.item);
  // Another partner's job (or one that records none) must not even be seen to exist.
  const owned = outcome.current !== undefined && outcome.current.partner === partner;
  throw transitionRefusal(jobId, 'cancel', owned ? outcome.current : undefined);
}
