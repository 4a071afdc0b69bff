import { MOVE_TASK_STATUS, type MoveTask } from '../../../adapters/message-move-tasks';
import type { QueueSettings } from '../../../core/runtime-config';
import { HttpError } from '../../http/http-error';
import type { AdminDeps } from './admin-deps';
import type { QueueLocations } from './queue-locations';

/** A move task as `GET /admin/queues/{queue}/redrive` reports it. */
export interface MoveTaskView {
  readonly status: string;
  readonly task_handle: string | null;
  readonly moved: number;
  readonly to_move: number | null;
  readonly max_per_second: number | null;
  /** The lane the task moves to, when it is one of this queue's. */
  readonly destination_lane: string | null;
  readonly destination_arn: string | null;
  readonly failure_reason: string | null;
  readonly started_at: string | null;
}

/** The snake_case view of a task. */
export function moveTaskView(task: MoveTask, locations: QueueLocations): MoveTaskView {
  return {
    status: task.status,
    task_handle: task.taskHandle ?? null,
    moved: task.moved,
    to_move: task.toMove ?? null,
    max_per_second: task.maxPerSecond ?? null,
    destination_lane: locations.lanes.find((lane) => lane.arn === task.destinationArn)?.lane ?? null,
    destination_arn: task.destinationArn ?? null,
    failure_reason: task.failureReason ?? null,
    started_at: task.startedAt?.toISOString() ?? null,
  };
}

/** The dead-letter queue's latest move task, if any. */
export async function latestMoveTask(deps: AdminDeps, locations: QueueLocations): Promise<MoveTask | undefined> {
  const [latest] = await deps.moveTasks.list(locations.deadLetter.arn, 1);
  return latest;
}

/** `409 redrive_in_progress` while a move task runs on the queue's DLQ: one change at a time. */
export async function refuseWhileMoving(deps: AdminDeps, settings: QueueSettings, locations: QueueLocations): Promise<void> {
  const latest = await latestMoveTask(deps, locations);
  if (latest !== undefined && (latest.status === MOVE_TASK_STATUS.running || latest.status === MOVE_TASK_STATUS.cancelling)) {
    throw new HttpError(409, 'redrive_in_progress', `a redrive of "${settings.name}" is running (${latest.moved} moved so far); wait for it to end`, {
      task: moveTaskView(latest, locations),
    });
  }
}

/** `GET /admin/queues/{queue}/redrive`: the latest move task and the DLQ's depth now. */
export async function redriveStatus(deps: AdminDeps, settings: QueueSettings) {
  const locations = deps.locate(settings);
  const [latest, depth] = await Promise.all([latestMoveTask(deps, locations), deps.queues.depth(locations.deadLetter.url)]);
  return { queue: settings.name, dlq: depth.visible + depth.inFlight, task: latest === undefined ? null : moveTaskView(latest, locations) };
}
