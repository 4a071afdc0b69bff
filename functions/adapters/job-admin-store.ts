import type { FailureCategory } from '../core/failure';
import type { AttemptRecord, JobError, JobRecord } from '../core/job';
import type { Lane } from '../core/lanes';
import type { PriorityLevel } from '../core/priority';

/** A failed job as the failed-jobs listing shows it. */
export interface FailedJob {
  readonly jobId: string;
  readonly runId: string;
  readonly name: string;
  readonly priority: PriorityLevel;
  readonly lane: Lane;
  readonly attempts: number;
  readonly maxAttempts: number;
  /** The failure that ended the job (its reason and category). */
  readonly error?: JobError;
  /** The job's last attempt, when one ran. */
  readonly lastAttempt?: AttemptRecord;
  readonly failedAt: Date;
  readonly createdAt: string;
  /** Size of the job's data in bytes, serialized. */
  readonly payloadBytes: number;
  readonly groupId?: string;
  /** The partner who added the job; absent on jobs from before jobs recorded it. */
  readonly partner?: string;
}

/** One page of failed jobs, newest first unless asked otherwise. */
export interface FailedPage {
  readonly jobs: readonly FailedJob[];
  /** Opaque: pass it back for the next page; absent on the last page. */
  readonly cursor?: string;
}

/** What {@link JobAdminStore.listFailed} is asked for. */
export interface ListFailedOptions {
  /** Most jobs on the page: 1–1000. */
  readonly limit: number;
  /** The cursor of the previous page. */
  readonly cursor?: string;
  /** Only jobs that failed with this category. */
  readonly category?: FailureCategory;
  /** Only jobs that failed at or before this time (a snapshot for bulk work). */
  readonly failedUpTo?: Date;
  /** @default 'newest' - newest first */
  readonly order?: 'newest' | 'oldest';
}

/** Job states whose records {@link JobAdminStore.clean} deletes. */
export const CLEANABLE_STATES = ['completed', 'failed', 'cancelled'] as const;

/** One of {@link CLEANABLE_STATES}. */
export type CleanableState = (typeof CLEANABLE_STATES)[number];

/**
 * What the operations routes do to job records, beside the pipeline's own
 * transitions: list the failed jobs of a queue, put a failed job back for a
 * redrive, mark the jobs whose dead-letter message was purged, and delete old
 * records (BullMQ's `clean`).
 */
export interface JobAdminStore {
  /**
   * The queue's failed jobs whose message is still in its dead-letter queue,
   * newest first. A cursor that is malformed or belongs to another queue
   * throws `InvalidRequestError`.
   */
  listFailed(queue: string, options: ListFailedOptions): Promise<FailedPage>;
  /**
   * failed → waiting for a redrive: attempts back to 0, the error removed, the
   * history kept (entries of the earlier run stay), the same run id so the
   * redriven message's claim succeeds; out of the failed index. Throws
   * `JobNotFoundError`, or `TransitionConflictError` when the job is not failed.
   */
  resetForRedrive(jobId: string, now: Date): Promise<JobRecord>;
  /**
   * Marks failed jobs whose dead-letter message was purged: they stay failed,
   * get `dlq_purged_at` and leave the failed index. Jobs that are not failed
   * any more are skipped. Resolves to the number marked.
   */
  markPurged(jobIds: readonly string[], now: Date): Promise<number>;
  /**
   * Deletes the queue's job records in `state` whose last change is older than
   * `olderThan`; resolves to the number deleted. Each delete is conditional on
   * the record still being in that state and that old.
   */
  clean(queue: string, state: CleanableState, olderThan: Date): Promise<number>;
}
