import type { AttemptRecord, JobError, JobMessage, JobRecord } from '../core/job';
import type { Lane } from '../core/lanes';

/** A job to create: its state, and its payload kept until a consumer claims it. */
export interface NewJob {
  readonly message: JobMessage;
  readonly lane: Lane;
  readonly status: 'waiting' | 'delayed';
  readonly maxAttempts: number;
  readonly now: Date;
  /** When the job becomes due (equal to `now` for an immediate job). */
  readonly dueAt: Date;
  /** True when the sweeper, not the ingest, sends the job (long delays, FIFO delays, `run_at`). */
  readonly viaSweeper: boolean;
  /** SQS `DelaySeconds` the ingest sends with (so the reconciler can do the same). */
  readonly delaySeconds: number;
  readonly dedupKey?: string;
  readonly payloadBytes: number;
}

/** The outcome of a create: a new record, or the live twin that stopped it. */
export type CreateOutcome =
  | { readonly created: true; readonly job: JobRecord }
  | { readonly created: false; readonly existing: JobRecord };

/** Why a claim did not succeed. */
export const CLAIM_REFUSAL = {
  /** No record: expired or cleaned. Drop the message. */
  missing: 'missing',
  /** The record belongs to another run of this id. Drop the message. */
  staleRun: 'stale_run',
  /** Completed, failed or cancelled. Drop the message. */
  final: 'final',
  /** Another consumer holds the job and its lease has not run out. Return the message. */
  held: 'held',
  /** The lease of a crashed holder ran out and no attempts are left. Dead-letter it. */
  exhausted: 'exhausted',
} as const;

/** One of the values of {@link CLAIM_REFUSAL}. */
export type ClaimRefusal = (typeof CLAIM_REFUSAL)[keyof typeof CLAIM_REFUSAL];

/** The outcome of a claim. */
export type ClaimOutcome =
  | { readonly claimed: true; readonly job: JobRecord }
  | { readonly claimed: false; readonly reason: ClaimRefusal; readonly job?: JobRecord };

/** A job that is due to be sent (by the sweeper) or was never claimed (for the reconciler). */
export interface PendingJob {
  readonly message: JobMessage;
  readonly lane: Lane;
  readonly status: 'waiting' | 'delayed';
  readonly dueAt: Date;
  readonly delaySeconds: number;
}

/** Identifies the attempt a transition finishes, so a stale holder cannot finish someone else's. */
export interface AttemptRef {
  readonly jobId: string;
  readonly runId: string;
  readonly attempt: number;
}

/**
 * The job records. Every transition is a conditional write: a duplicate delivery
 * can never run a completed job again, and two consumers can never both hold one.
 */
export interface JobStore {
  /**
   * Creates a job unless a live twin (same id, waiting, delayed, active or
   * retrying) exists; a final twin is replaced by the new run.
   */
  create(job: NewJob): Promise<CreateOutcome>;
  /** The record, or undefined. */
  get(jobId: string): Promise<JobRecord | undefined>;
  /**
   * Claims a job for one attempt: from waiting, delayed or retrying, or from
   * active whose lease ran out; sets active, attempts + 1, a lease until
   * `now + leaseMs`, drops the kept payload.
   */
  claim(jobId: string, runId: string, now: Date, leaseMs: number): Promise<ClaimOutcome>;
  /** active → completed, with result and history; sets the expiry. */
  complete(ref: AttemptRef, outcome: { readonly now: Date; readonly result: unknown; readonly entry: AttemptRecord; readonly expiresAt: Date }): Promise<JobRecord>;
  /** active → retrying, with the error and history. */
  retry(ref: AttemptRef, outcome: { readonly now: Date; readonly error: JobError; readonly entry: AttemptRecord }): Promise<void>;
  /** active (or retrying, or active with a lapsed lease) → failed, with the error and history; sets the expiry. */
  fail(ref: AttemptRef, outcome: { readonly now: Date; readonly error: JobError; readonly entry?: AttemptRecord; readonly expiresAt: Date }): Promise<JobRecord>;
  /** waiting | delayed → cancelled; throws `JobNotFoundError` or `TransitionConflictError`. */
  cancel(jobId: string, now: Date, expiresAt: Date): Promise<JobRecord>;
  /**
   * Once a job's message is sent: delayed (kept for the sweeper) → waiting; a
   * waiting job re-sent by the reconciler keeps its status and restarts its
   * clock, so it is re-sent at most once per reconciler period.
   */
  markEnqueued(jobId: string, runId: string, now: Date): Promise<void>;
  /** Delayed jobs kept for the sweeper whose time has come, oldest first. */
  listDue(now: Date, limit: number): Promise<PendingJob[]>;
  /** Jobs sent (or meant to be) but never claimed, due before `dueBefore`, oldest first. */
  listUnclaimed(dueBefore: Date, limit: number): Promise<PendingJob[]>;
}
