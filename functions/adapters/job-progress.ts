import { JOB_STATUS, isFinal } from '../core/job';
import { conditionalUpdate, type StoreContext } from './conditional-update';

/** What a progress report came to. */
export const PROGRESS_OUTCOME = {
  /** Written: the job is active and the token is its current attempt's. */
  recorded: 'recorded',
  /** The job is completed, failed or cancelled: no more progress. */
  final: 'final',
  /** No such job, or the token is wrong or expired (its attempt ended): the two read alike. */
  notFound: 'not_found',
} as const;

/** One of the values of {@link PROGRESS_OUTCOME}. */
export type ProgressOutcome = (typeof PROGRESS_OUTCOME)[keyof typeof PROGRESS_OUTCOME];

/** Where a target's progress reports are written. */
export interface JobProgressStore {
  /**
   * Sets the job's `progress` if `token` is its current attempt's and it is
   * active: one conditional write; a refusal is explained from the item it
   * returns, without another read.
   */
  reportProgress(jobId: string, token: string, progress: unknown): Promise<ProgressOutcome>;
}

/**
 * One conditional update: `SET progress = :p` if the item's `progress_token`
 * is `token` and it is active. Billed on the state item's size (one write
 * unit while the item, its progress included, stays under 1 KB).
 */
export async function reportProgress(context: StoreContext, jobId: string, token: string, progress: unknown): Promise<ProgressOutcome> {
  const outcome = await conditionalUpdate(context, jobId, 'report progress', {
    UpdateExpression: 'SET progress = :progress',
    ConditionExpression: 'progress_token = :token AND #status = :active',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':progress': progress, ':token': token, ':active': JOB_STATUS.active },
  });
  if (outcome.applied) return PROGRESS_OUTCOME.recorded;
  // A final job is told so whatever the token: a late report after completion is the common case.
  return outcome.current !== undefined && isFinal(outcome.current.status) ? PROGRESS_OUTCOME.final : PROGRESS_OUTCOME.notFound;
}
