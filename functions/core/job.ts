import type { BackoffSpec } from './backoff';
import type { FailureCategory } from './failure';
import type { PriorityLevel } from './priority';

/** Every state a job can be in. */
export const JOB_STATUS = {
  waiting: 'waiting',
  delayed: 'delayed',
  active: 'active',
  retrying: 'retrying',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
} as const;

/** One of the values of {@link JOB_STATUS}. */
export type JobStatus = (typeof JOB_STATUS)[keyof typeof JOB_STATUS];

/** States a job never leaves (but a new run of a deduplicated id may start over it). */
export const FINAL_STATUSES: readonly JobStatus[] = [JOB_STATUS.completed, JOB_STATUS.failed, JOB_STATUS.cancelled];

/** States a consumer may claim a job from. */
export const CLAIMABLE_STATUSES: readonly JobStatus[] = [JOB_STATUS.waiting, JOB_STATUS.delayed, JOB_STATUS.retrying];

/** States a partner may cancel a job from. */
export const CANCELLABLE_STATUSES: readonly JobStatus[] = [JOB_STATUS.waiting, JOB_STATUS.delayed];

const TRANSITIONS: Record<JobStatus, readonly JobStatus[]> = {
  waiting: [JOB_STATUS.active, JOB_STATUS.cancelled],
  delayed: [JOB_STATUS.waiting, JOB_STATUS.active, JOB_STATUS.cancelled],
  active: [JOB_STATUS.completed, JOB_STATUS.retrying, JOB_STATUS.failed, JOB_STATUS.active],
  retrying: [JOB_STATUS.active, JOB_STATUS.failed],
  completed: [],
  failed: [JOB_STATUS.waiting],
  cancelled: [],
};

/**
 * Whether the state machine allows `from → to`. `active → active` is a claim of a
 * job whose previous holder's lease ran out (a crashed or timed-out consumer);
 * `failed → waiting` is a redrive.
 */
export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Whether the job is in a state it never leaves on its own. */
export function isFinal(status: JobStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

/** The outcome of one attempt, as kept in the job's history. */
export const ATTEMPT_OUTCOME = {
  completed: 'completed',
  retrying: 'retrying',
  failed: 'failed',
} as const;

/** One of the values of {@link ATTEMPT_OUTCOME}. */
export type AttemptOutcome = (typeof ATTEMPT_OUTCOME)[keyof typeof ATTEMPT_OUTCOME];

/** One attempt in a job's history. */
export interface AttemptRecord {
  readonly attempt: number;
  /** When the attempt ended, ISO 8601. */
  readonly at: string;
  readonly outcome: AttemptOutcome;
  readonly category?: FailureCategory;
  /** A short error message, cut to {@link MAX_ERROR_MESSAGE_LENGTH}. */
  readonly message?: string;
  readonly durationMs: number;
  /** For a retry: how long the job waits before its next attempt. */
  readonly retryInMs?: number;
}

/**
 * A job's own backoff, as a request sets it (seeds 002 and 003 set `backoff`
 * per job): its type and first wait; the queue's jitter still applies.
 */
export type JobBackoff = Pick<BackoffSpec, 'type' | 'delayMs'>;

/**
 * Where a job's final state is announced (issue 12): a registered endpoint of
 * the job's partner, which gets a signed `job.completed` or `job.failed`
 * event through the queue that delivers to endpoints.
 */
export interface JobNotify {
  readonly endpointId: string;
}

/** The last failure of a job. */
export interface JobError {
  readonly category: FailureCategory;
  readonly message: string;
}

/** Error messages are cut to this length so a job's state item stays small. */
export const MAX_ERROR_MESSAGE_LENGTH = 200;

/** At most this many attempts are kept in a job's history (the latest ones). */
export const MAX_HISTORY_ENTRIES = 8;

/** A result larger than this (serialized) is kept as a summary, not inline. */
export const MAX_INLINE_RESULT_BYTES = 400;

/**
 * A job's state, as the job store keeps it. The payload is not here: it travels
 * in the queue message (and, while the job waits, in the store beside it).
 */
export interface JobRecord {
  readonly jobId: string;
  /** Identifies one accepted run of this id; messages of other runs are ignored. */
  readonly runId: string;
  readonly queue: string;
  /** The job's kind within its queue, as in BullMQ's `add(name, data)`. */
  readonly name: string;
  readonly status: JobStatus;
  readonly priority: PriorityLevel;
  /** Attempts started so far. */
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** For a delayed job: when it becomes due, ISO 8601. */
  readonly dueAt?: string;
  readonly dedupKey?: string;
  readonly groupId?: string;
  readonly correlationId?: string;
  /**
   * The partner who added the job (the name its API key maps to). Only that
   * partner may read or cancel it; a record without one (written before jobs
   * recorded their partner) belongs to no partner.
   */
  readonly partner?: string;
  /** The registered endpoint the job is delivered to (see {@link JobMessage.endpointId}). */
  readonly endpointId?: string;
  /** The job's own backoff, used instead of its queue's when it retries. */
  readonly backoff?: JobBackoff;
  /** The endpoint told when the job is final (see {@link JobNotify}). */
  readonly notify?: JobNotify;
  /**
   * The latest progress its target reported while the job was active: a
   * number from 0 to 100, or a small JSON object (see `core/job-progress.ts`).
   */
  readonly progress?: unknown;
  /**
   * While active: the current attempt's progress token, written by its claim
   * and removed when the attempt ends. Never shown by the API: it is the
   * credential of the delivery's `webhook-progress-url`.
   */
  readonly progressToken?: string;
  /**
   * The payload kept for the job until its claim is the original request text
   * of an inbound callback (its `raw`), not its data serialized: a message
   * rebuilt from the record carries it as `raw` again.
   */
  readonly rawPayload?: boolean;
  /** Size of the job's data in bytes, serialized. */
  readonly payloadBytes: number;
  /** While active: until when the current holder owns the job, ISO 8601. */
  readonly leaseUntil?: string;
  /** While retrying: the earliest time a claim may take the job again (its backoff or the target's `Retry-After`), ISO 8601. */
  readonly retryAt?: string;
  /** While failed (and its dead letter not purged or redriven): when it failed, ISO 8601, as its dead letter's `failed_at` says. */
  readonly failedAt?: string;
  /** Failed, and its dead letter not yet known to be sent: the next copy of its message sends it. */
  readonly letterPending?: boolean;
  readonly result?: unknown;
  readonly error?: JobError;
  readonly history: readonly AttemptRecord[];
}

/**
 * What a queue message carries: enough to run the job without reading the store.
 */
export interface JobMessage {
  readonly jobId: string;
  readonly runId: string;
  readonly queue: string;
  readonly name: string;
  readonly data: unknown;
  readonly priority: PriorityLevel;
  readonly correlationId?: string;
  readonly groupId?: string;
  /**
   * The partner who added the job, so a record can be rebuilt from a message
   * (a dead letter) without losing its owner; absent on messages sent before
   * jobs recorded their partner.
   */
  readonly partner?: string;
  /**
   * The registered endpoint the job is delivered to (see `core/endpoint.ts`),
   * instead of its queue's fixed target: its URL, headers, body format and
   * signing secret.
   */
  readonly endpointId?: string;
  /**
   * The original request bytes of an inbound callback, as received. An
   * endpoint whose body format is `raw` gets these, byte for byte, rather than
   * the envelope; absent on jobs posted as JSON, whose raw form is their data
   * serialized.
   */
  readonly raw?: string;
  /** The job's own backoff (see {@link JobRecord.backoff}), so a record rebuilt from a dead letter keeps it. */
  readonly backoff?: JobBackoff;
  /** The endpoint told when the job is final (see {@link JobRecord.notify}), so a rebuilt record keeps it. */
  readonly notify?: JobNotify;
  /**
   * Set when the job's record has no schedule-index entry (the ingest's
   * plain jobs, `unindexed-jobs.ts`): SQS holds the message until a claim
   * settles it, so the first receive's claim adds none; a claim of a later
   * receive (a retry, or the first holder vanished) adds one, as any claim
   * of a job without one does, so the stuck detector sees the job from then on.
   */
  readonly unindexed?: true;
}

/**
 * Whether `partner` owns the job. A job without a recorded partner belongs to
 * no one, so no partner can read or cancel it (operators still can).
 *
 * @example
 * isOwnedBy({ partner: 'acme' }, 'globex'); // false
 */
export function isOwnedBy(job: Pick<JobRecord, 'partner'>, partner: string): boolean {
  return job.partner !== undefined && job.partner === partner;
}

/**
 * The queue message that runs a job's current run again, from its record and
 * its data. `keptPayload` is the payload text kept with the record: when the
 * record says it is an inbound callback's original text, it goes back on the
 * message as `raw`.
 */
export function jobMessageOf(job: JobRecord, data: unknown, keptPayload?: string): JobMessage {
  return {
    jobId: job.jobId,
    runId: job.runId,
    queue: job.queue,
    name: job.name,
    data,
    priority: job.priority,
    ...(job.correlationId === undefined ? {} : { correlationId: job.correlationId }),
    ...(job.groupId === undefined ? {} : { groupId: job.groupId }),
    ...(job.partner === undefined ? {} : { partner: job.partner }),
    ...(job.endpointId === undefined ? {} : { endpointId: job.endpointId }),
    ...(job.rawPayload === true && keptPayload !== undefined ? { raw: keptPayload } : {}),
    ...(job.backoff === undefined ? {} : { backoff: job.backoff }),
    ...(job.notify === undefined ? {} : { notify: job.notify }),
  };
}

/**
 * History entries keep a shorter message than the job's last error, so a job
 * that retried many times still has a state item near 1 KB.
 */
export const MAX_HISTORY_MESSAGE_LENGTH = 80;

/** Cuts a message to `limit` characters (by default {@link MAX_ERROR_MESSAGE_LENGTH}). */
export function shortMessage(message: string, limit: number = MAX_ERROR_MESSAGE_LENGTH): string {
  return message.length <= limit ? message : `${message.slice(0, limit - 1)}…`;
}

/** Appends an attempt to a history, keeping the latest {@link MAX_HISTORY_ENTRIES}. */
export function appendHistory(history: readonly AttemptRecord[], entry: AttemptRecord): AttemptRecord[] {
  return [...history, entry].slice(-MAX_HISTORY_ENTRIES);
}

/**
 * The result as kept in the job record: inline when small, else a summary that
 * says how large it was.
 */
export function storableResult(result: unknown): unknown {
  if (result === undefined) return undefined;
  const serialized = JSON.stringify(result);
  if (serialized === undefined) return undefined;
  const bytes = Buffer.byteLength(serialized);
  return bytes <= MAX_INLINE_RESULT_BYTES ? result : { truncated: true, bytes };
}
