import {
  CancelMessageMoveTaskCommand,
  ListMessageMoveTasksCommand,
  StartMessageMoveTaskCommand,
  type ListMessageMoveTasksResultEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { adminFailure, MoveTaskRefusedError } from './queue-admin-errors';

/** The states SQS reports for a message move task. */
export const MOVE_TASK_STATUS = {
  running: 'RUNNING',
  completed: 'COMPLETED',
  cancelling: 'CANCELLING',
  cancelled: 'CANCELLED',
  failed: 'FAILED',
} as const;

/** One of the values of {@link MOVE_TASK_STATUS} (or a state SQS adds later). */
export type MoveTaskStatus = (typeof MOVE_TASK_STATUS)[keyof typeof MOVE_TASK_STATUS] | (string & {});

/** A message move task as `ListMessageMoveTasks` reports it. */
export interface MoveTask {
  readonly status: MoveTaskStatus;
  /** Only while running: what cancels it. */
  readonly taskHandle?: string;
  readonly sourceArn: string;
  readonly destinationArn?: string;
  readonly maxPerSecond?: number;
  readonly moved: number;
  /** Counted when the task starts. */
  readonly toMove?: number;
  readonly failureReason?: string;
  readonly startedAt?: Date;
}

/** What starts a move task. */
export interface StartMoveTask {
  /** The dead-letter queue. */
  readonly sourceArn: string;
  /** Where its messages go. */
  readonly destinationArn: string;
  /** 1–500; SQS picks a rate when left out. */
  readonly maxPerSecond?: number;
}

/** SQS's message move tasks: redrive a dead-letter queue at a set rate, server side. */
export interface MessageMoveTasks {
  /** Starts a task; resolves to its handle. Throws `MoveTaskRefusedError` when SQS refuses. */
  start(task: StartMoveTask): Promise<string>;
  /** The queue's latest tasks, newest first (at most 10). */
  list(sourceArn: string, max?: number): Promise<MoveTask[]>;
  /** Cancels a running task; resolves to the messages moved so far. */
  cancel(taskHandle: string): Promise<number>;
}

/** Errors SQS answers a refused start with (a task already running, a bad queue, a bad rate). */
const REFUSALS = new Set(['UnsupportedOperation', 'InvalidParameterValue', 'ResourceNotFoundException', 'InvalidAddress', 'InvalidParameterValueException']);

/**
 * Message move tasks on SQS.
 *
 * @example
 * const tasks = new SqsMessageMoveTasks({ client: new SQSClient({}) });
 * const handle = await tasks.start({ sourceArn: dlqArn, destinationArn: laneArn, maxPerSecond: 50 });
 */
export class SqsMessageMoveTasks implements MessageMoveTasks {
  public constructor(private readonly options: { readonly client: SQSClient }) {}

  /** `StartMessageMoveTask`; a refusal (bad queue, a task already running, a bad rate) throws `MoveTaskRefusedError`. */
  public async start(task: StartMoveTask): Promise<string> {
    let handle: string | undefined;
    try {
      ({ TaskHandle: handle } = await this.options.client.send(
        new StartMessageMoveTaskCommand({
          SourceArn: task.sourceArn,
          DestinationArn: task.destinationArn,
          ...(task.maxPerSecond === undefined ? {} : { MaxNumberOfMessagesPerSecond: task.maxPerSecond }),
        }),
      ));
    } catch (error) {
      if (error instanceof Error && REFUSALS.has(error.name)) {
        throw new MoveTaskRefusedError(`SQS refused the message move task: ${error.message}`, { cause: error, context: { ...task } });
      }
      throw adminFailure('start message move task', error, { ...task });
    }
    if (handle === undefined) throw new MoveTaskRefusedError('SQS started a message move task but returned no handle', { context: { ...task } });
    return handle;
  }

  /** `ListMessageMoveTasks`: the newest first, `max` (1–10) of them. */
  public async list(sourceArn: string, max = 1): Promise<MoveTask[]> {
    try {
      const { Results } = await this.options.client.send(
        new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: Math.min(Math.max(Math.trunc(max), 1), 10) }),
      );
      return (Results ?? []).map((entry) => moveTaskOf(entry, sourceArn));
    } catch (error) {
      throw adminFailure('list message move tasks', error, { sourceArn });
    }
  }

  /** `CancelMessageMoveTask`: resolves to the messages moved so far. */
  public async cancel(taskHandle: string): Promise<number> {
    try {
      const { ApproximateNumberOfMessagesMoved } = await this.options.client.send(new CancelMessageMoveTaskCommand({ TaskHandle: taskHandle }));
      return ApproximateNumberOfMessagesMoved ?? 0;
    } catch (error) {
      throw adminFailure('cancel message move task', error);
    }
  }
}

function moveTaskOf(entry: ListMessageMoveTasksResultEntry, sourceArn: string): MoveTask {
  return {
    status: entry.Status ?? 'UNKNOWN',
    ...(entry.TaskHandle === undefined ? {} : { taskHandle: entry.TaskHandle }),
    sourceArn: entry.SourceArn ?? sourceArn,
    ...(entry.DestinationArn === undefined ? {} : { destinationArn: entry.DestinationArn }),
    ...(entry.MaxNumberOfMessagesPerSecond === undefined ? {} : { maxPerSecond: entry.MaxNumberOfMessagesPerSecond }),
    moved: entry.ApproximateNumberOfMessagesMoved ?? 0,
    ...(entry.ApproximateNumberOfMessagesToMove === undefined ? {} : { toMove: entry.ApproximateNumberOfMessagesToMove }),
    ...(entry.FailureReason === undefined ? {} : { failureReason: entry.FailureReason }),
    ...(entry.StartedTimestamp === undefined ? {} : { startedAt: new Date(entry.StartedTimestamp) }),
  };
}
