import { randomUUID } from 'node:crypto';
import { moveMessages, type MoveOutcome } from './move-task-runner';
import { SqsApiError } from './sqs-api-error';
import { parseQueueArn, type QueueArn, type SqsUpstream } from './sqs-upstream';

/** A task's status, as `ListMessageMoveTasks` reports it. */
export type MoveTaskStatus = 'RUNNING' | 'CANCELLING' | 'COMPLETED' | 'CANCELLED' | 'FAILED';

interface MoveTask {
  readonly taskId: string;
  readonly handle: string;
  readonly sourceArn: string;
  readonly destinationArn?: string;
  readonly requestedRate?: number;
  readonly startedTimestamp: number;
  readonly toMove: number;
  readonly abort: AbortController;
  status: MoveTaskStatus;
  moved: number;
  failureReason?: string;
  finished?: Promise<void>;
}

/** SQS's fastest move rate, and the rate when none is asked for. */
const MAX_RATE = 500;
/** How many past tasks a source keeps for listing (SQS returns at most 10). */
const KEPT_PER_SOURCE = 10;

/**
 * SQS's message move tasks (`StartMessageMoveTask`, `ListMessageMoveTasks`,
 * `CancelMessageMoveTask`) on top of an emulator that lacks them, with SQS's
 * rules and messages: the source must be some queue's dead-letter queue, the
 * destination must exist and be of the same type, one running task per
 * source, the rate 1–500 a second (500 when not given). Tasks run in the
 * background; a task handle encodes its id and source ARN, as SQS's do.
 *
 * @example
 * const tasks = new MessageMoveTasks(upstream, region);
 * const { TaskHandle } = await tasks.start({ SourceArn: dlqArn, DestinationArn: queueArn, MaxNumberOfMessagesPerSecond: 10 });
 */
export class MessageMoveTasks {
  private readonly bySource = new Map<string, MoveTask[]>();
  private readonly starting = new Set<string>();

  constructor(private readonly upstream: SqsUpstream) {}

  /** `StartMessageMoveTask`: validates, then starts moving in the background. */
  async start(input: Record<string, unknown>): Promise<{ TaskHandle: string }> {
    const sourceArn = stringField(input, 'SourceArn', true) ?? '';
    const destinationArn = stringField(input, 'DestinationArn', false);
    const rate = input.MaxNumberOfMessagesPerSecond;
    if (rate !== undefined && (typeof rate !== 'number' || !Number.isInteger(rate) || rate < 1 || rate > MAX_RATE)) {
      throw SqsApiError.invalidParameter(`Value ${String(rate)} for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: Must be between 1 and ${MAX_RATE}.`);
    }
    const source = arnOrThrow(sourceArn, 'SourceArn');
    if (this.isActive(sourceArn)) {
      throw SqsApiError.invalidParameter('There is already a task running. Only one active task is allowed for a source queue arn at a given time.');
    }
    this.starting.add(sourceArn);
    try {
      const sourceUrl = await this.upstream.queueUrl(source);
      if (sourceUrl === undefined) throw SqsApiError.notFound("The resource that you specified for the SourceArn parameter doesn't exist.");
      if (!(await this.upstream.isDeadLetterQueue(sourceArn, source.region))) {
        throw SqsApiError.invalidParameter('Source queue must be configured as a Dead Letter Queue.');
      }
      let destinationUrl: string | undefined;
      if (destinationArn !== undefined) {
        const destination = arnOrThrow(destinationArn, 'DestinationArn');
        destinationUrl = await this.upstream.queueUrl(destination);
        if (destinationUrl === undefined) throw SqsApiError.notFound("The resource that you specified for the DestinationArn parameter doesn't exist.");
        if (destination.name.endsWith('.fifo') !== source.name.endsWith('.fifo')) {
          throw SqsApiError.invalidParameter('The source queue and destination queue must be of the same queue type.');
        }
      }
      const taskId = randomUUID();
      const task: MoveTask = {
        taskId,
        handle: Buffer.from(JSON.stringify({ taskId, sourceArn })).toString('base64'),
        sourceArn,
        destinationArn,
        requestedRate: typeof rate === 'number' ? rate : undefined,
        startedTimestamp: Date.now(),
        toMove: await this.upstream.visibleCount(sourceUrl),
        abort: new AbortController(),
        status: 'RUNNING',
        moved: 0,
      };
      const kept = [task, ...(this.bySource.get(sourceArn) ?? [])].slice(0, KEPT_PER_SOURCE);
      this.bySource.set(sourceArn, kept);
      task.finished = moveMessages(
        { sourceUrl, destinationUrl, ratePerSecond: task.requestedRate ?? MAX_RATE, signal: task.abort.signal, onProgress: (moved) => (task.moved = moved) },
        this.upstream,
      ).then((outcome) => finish(task, outcome));
      return { TaskHandle: task.handle };
    } finally {
      this.starting.delete(sourceArn);
    }
  }

  /** `ListMessageMoveTasks`: the source's most recent tasks first, `MaxResults` (1–10, default 1) of them. */
  async list(input: Record<string, unknown>): Promise<{ Results: Record<string, unknown>[] }> {
    const sourceArn = stringField(input, 'SourceArn', true) ?? '';
    const maxResults = input.MaxResults ?? 1;
    if (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 1 || maxResults > 10) {
      throw SqsApiError.invalidParameter(`Value ${String(maxResults)} for parameter MaxResults is invalid. Reason: Must be between 1 and 10.`);
    }
    const source = arnOrThrow(sourceArn, 'SourceArn');
    if ((await this.upstream.queueUrl(source)) === undefined) {
      throw SqsApiError.notFound("The resource that you specified for the SourceArn parameter doesn't exist.");
    }
    return { Results: (this.bySource.get(sourceArn) ?? []).slice(0, maxResults).map(describe) };
  }

  /** `CancelMessageMoveTask`: stops a running task after its current batch; answers the count moved so far. */
  async cancel(input: Record<string, unknown>): Promise<{ ApproximateNumberOfMessagesMoved: number }> {
    const handle = stringField(input, 'TaskHandle', true) ?? '';
    const decoded = decodeHandle(handle);
    if (decoded === undefined) throw SqsApiError.invalidParameter('Value for parameter TaskHandle is invalid.');
    const source = parseQueueArn(decoded.sourceArn);
    if (source === undefined || (await this.upstream.queueUrl(source)) === undefined) {
      throw SqsApiError.notFound("The resource that you specified for the SourceArn parameter doesn't exist.");
    }
    const task = this.bySource.get(decoded.sourceArn)?.find((candidate) => candidate.taskId === decoded.taskId);
    if (task === undefined) throw SqsApiError.notFound('Task does not exist.');
    if (task.status !== 'RUNNING') throw SqsApiError.unsupported(`Only a RUNNING task can be cancelled; this one is ${task.status}.`);
    task.status = 'CANCELLING';
    task.abort.abort();
    return { ApproximateNumberOfMessagesMoved: task.moved };
  }

  /** Cancels every running task and waits until each has stopped. */
  async stop(): Promise<void> {
    const all = [...this.bySource.values()].flat();
    for (const task of all) if (task.status === 'RUNNING') task.abort.abort();
    await Promise.all(all.map((task) => task.finished));
  }

  private isActive(sourceArn: string): boolean {
    if (this.starting.has(sourceArn)) return true;
    return (this.bySource.get(sourceArn) ?? []).some((task) => task.status === 'RUNNING' || task.status === 'CANCELLING');
  }
}

function finish(task: MoveTask, outcome: MoveOutcome): void {
  task.status = outcome.status;
  if (outcome.status === 'FAILED') task.failureReason = outcome.reason;
}

function describe(task: MoveTask): Record<string, unknown> {
  return {
    ...(task.status === 'RUNNING' ? { TaskHandle: task.handle } : {}),
    Status: task.status,
    SourceArn: task.sourceArn,
    ...(task.destinationArn === undefined ? {} : { DestinationArn: task.destinationArn }),
    ...(task.requestedRate === undefined ? {} : { MaxNumberOfMessagesPerSecond: task.requestedRate }),
    ApproximateNumberOfMessagesMoved: task.moved,
    ApproximateNumberOfMessagesToMove: task.toMove,
    ...(task.failureReason === undefined ? {} : { FailureReason: task.failureReason }),
    StartedTimestamp: task.startedTimestamp,
  };
}

function stringField(input: Record<string, unknown>, name: string, required: boolean): string | undefined {
  const value = input[name];
  if (value === undefined || value === null || value === '') {
    if (required) throw new SqsApiError('MissingParameter', `The request must contain the parameter ${name}.`);
    return undefined;
  }
  if (typeof value !== 'string') throw SqsApiError.invalidParameter(`Value for parameter ${name} is invalid.`);
  return value;
}

function arnOrThrow(arn: string, parameter: string): QueueArn {
  const parsed = parseQueueArn(arn);
  if (parsed === undefined) throw SqsApiError.invalidParameter(`Value ${arn} for parameter ${parameter} is invalid. Reason: not a queue ARN.`);
  return parsed;
}

function decodeHandle(handle: string): { taskId: string; sourceArn: string } | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(handle, 'base64').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const taskId = 'taskId' in parsed ? parsed.taskId : undefined;
    const sourceArn = 'sourceArn' in parsed ? parsed.sourceArn : undefined;
    return typeof taskId === 'string' && typeof sourceArn === 'string' ? { taskId, sourceArn } : undefined;
  } catch {
    return undefined;
  }
}
