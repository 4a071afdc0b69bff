import { JobNotFoundError, TransitionConflictError } from '../core/errors';
import type { StateItem } from './job-item';

/**
 * The error of a transition whose condition did not hold: `JobNotFoundError`
 * when there is no record (or the caller may not see it), else
 * `TransitionConflictError` with the record's status, run and attempts.
 *
 * @example
 * if (!outcome.applied) throw transitionRefusal(jobId, 'mark enqueued', outcome.current);
 */
export function transitionRefusal(jobId: string, transition: string, current: StateItem | undefined): Error {
  if (current === undefined) return new JobNotFoundError(jobId, { context: { transition } });
  return new TransitionConflictError(jobId, transition, {
    context: { status: current.status, runId: current.run_id, attempts: current.attempts },
  });
}
