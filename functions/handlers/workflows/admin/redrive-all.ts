import { MoveTaskRefusedError } from '../../../adapters/queue-admin-errors';
import { JobNotFoundError, TransitionConflictError } from '../../../core/errors';
import type { QueueSettings } from '../../../core/runtime-config';
import { HttpError } from '../../http/http-error';
import type { AdminDeps } from './admin-deps';
import { failedIdsUpTo } from './failed-view';
import { refuseWhileMoving } from './move-task-view';

/** Resets run this many at a time. */
const RESET_CONCURRENCY = 8;

/** What a whole-queue redrive answers. */
export interface RedriveAllResult {
  readonly queue: string;
  readonly mode: 'all';
  readonly task_handle: string;
  /** Failed records put back to `waiting`. */
  readonly reset: number;
  /** Messages in the DLQ when the task started (SQS's approximate count). */
  readonly dlq: number;
  readonly destination_lane: string;
  readonly max_per_second: number | null;
}

/**
 * `{ all: true }`: every failed record of the queue (from the failed index, as
 * of now) goes back to `waiting`, then SQS's own message move task takes the
 * DLQ to the queue's redrive lane (`normal` on a laned queue: the move task
 * has one destination; a `job_ids` redrive keeps each job's own lane).
 *
 * Records first: a message that reached a consumer before its record was
 * reset would be refused as final and dropped. If the task then fails to
 * start, the records wait without messages; running the redrive again starts
 * the task (claims accept `waiting`), and so does a `job_ids` redrive.
 */
export async function redriveAll(deps: AdminDeps, settings: QueueSettings, maxPerSecond: number | undefined): Promise<RedriveAllResult> {
  const locations = deps.locate(settings);
  await refuseWhileMoving(deps, settings, locations);
  const depth = await deps.queues.depth(locations.deadLetter.url);
  const waiting = depth.visible + depth.inFlight;
  if (waiting === 0) throw new HttpError(409, 'dlq_empty', `the dead-letter queue of "${settings.name}" is empty: nothing to redrive`);

  const now = deps.clock.now();
  const ids = await failedIdsUpTo(deps, settings.name, now);
  const reset = await resetAll(deps, ids, now);

  let taskHandle: string;
  try {
    taskHandle = await deps.moveTasks.start({
      sourceArn: locations.deadLetter.arn,
      destinationArn: locations.redriveLane.arn,
      ...(maxPerSecond === undefined ? {} : { maxPerSecond }),
    });
  } catch (error) {
    if (error instanceof MoveTaskRefusedError) {
      throw new HttpError(409, 'redrive_refused', `SQS refused to start the redrive of "${settings.name}": ${error.message}`, { reset });
    }
    throw error;
  }
  deps.logger.info('redrive started', { queue: settings.name, reset, dlq: waiting, lane: locations.redriveLane.lane, max_per_second: maxPerSecond });
  return {
    queue: settings.name,
    mode: 'all',
    task_handle: taskHandle,
    reset,
    dlq: waiting,
    destination_lane: locations.redriveLane.lane,
    max_per_second: maxPerSecond ?? null,
  };
}

/** Resets each job for a redrive; a job that moved on meanwhile is skipped. */
async function resetAll(deps: AdminDeps, jobIds: readonly string[], now: Date): Promise<number> {
  let reset = 0;
  const pending = [...jobIds];
  const worker = async (): Promise<void> => {
    for (let jobId = pending.shift(); jobId !== undefined; jobId = pending.shift()) {
      try {
        await deps.store.resetForRedrive(jobId, now);
        reset += 1;
      } catch (error) {
        if (!(error instanceof JobNotFoundError || error instanceof TransitionConflictError)) throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(RESET_CONCURRENCY, pending.length) }, worker));
  return reset;
}
