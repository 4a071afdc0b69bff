import { MoveTaskRefusedError } from '../../../adapters/queue-admin-errors';
import type { QueueSettings } from '../../../core/runtime-config';
import { HttpError } from '../../http/http-error';
import type { AdminDeps } from './admin-deps';
import { refuseWhileMoving } from './move-task-view';

/** What a whole-queue redrive answers. */
export interface RedriveAllResult {
  readonly queue: string;
  readonly mode: 'all';
  readonly task_handle: string;
  /** Messages in the DLQ when the task started (SQS's approximate count). */
  readonly dlq: number;
  readonly destination_lane: string;
  readonly max_per_second: number | null;
}

/**
 * `{ all: true }`: SQS's own message move task takes the DLQ to the queue's
 * redrive lane (`normal` on a laned queue: the move task has one destination;
 * a `job_ids` redrive keeps each job's own lane). No record is touched here:
 * the move keeps each letter's body and attributes, and the consumer's claim
 * accepts a redriven letter whose record is `failed` by that very failure
 * (or gone: expired or cleaned), resetting or rebuilding the record from the
 * letter as it runs it. So a job that fails again while a slow move is still
 * running is simply another letter, moved or left for the next redrive, and
 * nothing is decided from a snapshot taken before the move.
 */
export async function redriveAll(deps: AdminDeps, settings: QueueSettings, maxPerSecond: number | undefined): Promise<RedriveAllResult> {
  const locations = deps.locate(settings);
  await refuseWhileMoving(deps, settings, locations);
  const depth = await deps.queues.depth(locations.deadLetter.url);
  const waiting = depth.visible + depth.inFlight;
  if (waiting === 0) throw new HttpError(409, 'dlq_empty', `the dead-letter queue of "${settings.name}" is empty: nothing to redrive`);

  let taskHandle: string;
  try {
    taskHandle = await deps.moveTasks.start({
      sourceArn: locations.deadLetter.arn,
      destinationArn: locations.redriveLane.arn,
      ...(maxPerSecond === undefined ? {} : { maxPerSecond }),
    });
  } catch (error) {
    if (error instanceof MoveTaskRefusedError) {
      throw new HttpError(409, 'redrive_refused', `SQS refused to start the redrive of "${settings.name}": ${error.message}`);
    }
    throw error;
  }
  deps.logger.info('redrive started', { queue: settings.name, dlq: waiting, lane: locations.redriveLane.lane, max_per_second: maxPerSecond });
  return {
    queue: settings.name,
    mode: 'all',
    task_handle: taskHandle,
    dlq: waiting,
    destination_lane: locations.redriveLane.lane,
    max_per_second: maxPerSecond ?? null,
  };
}
