/** What became of a message, for logs and metrics. */
export type Outcome = 'completed' | 'failed' | 'dropped' | 'retrying' | 'deferred' | 'held' | 'error';

/**
 * What happens to a message: `delete` (the event source mapping deletes it) or
 * `return` (it goes back to the queue, visible again after `visibilitySeconds`,
 * or after the queue's own visibility timeout when that is left out: only when
 * even setting a short visibility failed).
 */
export interface Disposition {
  readonly kind: 'delete' | 'return';
  readonly outcome: Outcome;
  readonly visibilitySeconds?: number;
  /** How long the processor ran, for an attempt that ran. */
  readonly durationMs?: number;
  /** How long the job had waited since its first enqueue when its attempt started. */
  readonly queueWaitMs?: number;
  /** The job a `completed` disposition finished: the batch names it in its one INFO line. */
  readonly finished?: FinishedJob;
}

/** A job that completed in a batch, as the batch's INFO line names it. */
export interface FinishedJob {
  readonly jobId: string;
  readonly attempt: number;
  readonly correlationId?: string;
}

/** Hours to milliseconds, for retention times. */
export const HOUR_MS = 3_600_000;
