import { PipelineError, type PipelineErrorOptions } from '../core/errors';

/**
 * SQS refused a purge because one of the same queue started less than 60
 * seconds ago (`PurgeQueueInProgress`).
 */
export class PurgeInProgressError extends PipelineError {
  public constructor(queueUrl: string, options: PipelineErrorOptions = {}) {
    super('a purge of this queue is already in progress; SQS allows one every 60 seconds', {
      ...options,
      context: { queueUrl, ...options.context },
    });
    this.name = 'PurgeInProgressError';
  }
}

/** A message move task could not start: one is already running on the queue, or SQS refused the request. */
export class MoveTaskRefusedError extends PipelineError {
  public constructor(message: string, options: PipelineErrorOptions = {}) {
    super(message, options);
    this.name = 'MoveTaskRefusedError';
  }
}

/** A call to the Lambda control plane (event source mappings) failed. */
export class EventSourceControlError extends PipelineError {
  public constructor(message: string, options: PipelineErrorOptions = {}) {
    super(message, options);
    this.name = 'EventSourceControlError';
  }
}

/** Wraps an SDK failure of an operations call, naming the operation and keeping the SDK error as the cause. */
export function adminFailure(operation: string, error: unknown, context: Record<string, unknown> = {}): PipelineError {
  if (error instanceof PipelineError) return error;
  const name = error instanceof Error ? error.name : typeof error;
  return new PipelineError(`${operation} failed: ${name}`, { cause: error, context: { operation, ...context } });
}
