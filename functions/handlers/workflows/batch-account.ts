import type { Disposition, Outcome } from './disposition';

/** How a batch went, for logs and metrics: messages by outcome. */
export type BatchTally = Record<Outcome, number>;

/** A completed job as the batch's INFO line lists it. */
export interface CompletedJobEntry {
  readonly job_id: string;
  readonly attempt: number;
  readonly duration_ms?: number;
  readonly correlation_id?: string;
}

/**
 * What a batch's messages came to, gathered as they settle: the tally by
 * outcome, the run and wait times for the metrics, and the jobs that
 * completed. A completed job writes no line of its own: the batch's one INFO
 * line names each with its attempt, run time and correlation id, so a
 * batch of ten pays for one line's frame, not ten (CloudWatch bills every
 * byte). Failures, retries and holds keep their own lines.
 *
 * @example
 * const account = new BatchAccount();
 * account.add({ kind: 'delete', outcome: 'completed', durationMs: 12, finished: { jobId: 'j1', attempt: 1 } });
 * account.logFields({ queue: 'payments', lane: 'default', size: 1, slots: 1 });
 * // { queue: 'payments', lane: 'default', size: 1, slots: 1, completed: 1, completed_jobs: [{ job_id: 'j1', attempt: 1, duration_ms: 12 }] }
 */
export class BatchAccount {
  public readonly tally: BatchTally = { completed: 0, failed: 0, dropped: 0, retrying: 0, deferred: 0, held: 0, error: 0 };
  public readonly processingMs: number[] = [];
  public readonly queueWaitMs: number[] = [];
  private readonly completedJobs: CompletedJobEntry[] = [];

  /** Counts one message's disposition. */
  public add(disposition: Disposition): void {
    this.tally[disposition.outcome] += 1;
    if (disposition.durationMs !== undefined) this.processingMs.push(disposition.durationMs);
    if (disposition.queueWaitMs !== undefined) this.queueWaitMs.push(disposition.queueWaitMs);
    const { finished } = disposition;
    if (disposition.outcome === 'completed' && finished !== undefined) {
      this.completedJobs.push({ job_id: finished.jobId, attempt: finished.attempt, duration_ms: disposition.durationMs, correlation_id: finished.correlationId });
    }
  }

  /** The batch line's keys: where the batch came from, the outcomes it had (zeros left out), and its completed jobs when there are any. */
  public logFields(where: { readonly queue: string; readonly lane: string; readonly size: number; readonly slots: number }): Record<string, unknown> {
    const outcomes = Object.fromEntries(Object.entries(this.tally).filter(([, count]) => count > 0));
    return { ...where, ...outcomes, ...(this.completedJobs.length === 0 ? {} : { completed_jobs: this.completedJobs }) };
  }
}
