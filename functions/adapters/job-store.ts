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
  /** The partner who adds the job; kept on its record so only that partner can read or cancel it. */
  readonly partner: string;
  /**
   * A twin of the same id blocks the job whatever its state, finished ones
   * included, for as long as the twin's record lives (its queue's retention):
   * for inbound callbacks, which are delivered once even when the provider
   * sends one again after the first has completed. Without it only a live twin
   * blocks, and a finished one is replaced by the new run.
   *
   * @default false
   */
  readonly dedupAcrossFinished?: boolean;
  /**
   * How long the job's record is kept once final (its queue's longest
   * retention): a payload too large to sit inline is kept in its own item at
   * least that much longer, so the owner can read the job's data while the
   * record is shown.
   *
   * @default 0 - the payload item lives its reconcile window only
   */
  readonly recordRetentionMs?: number;
  /**
   * The record gets no schedule entry: the ingest sends the job's message
   * right after, and SQS holds it until a claim settles it (should the send
   * fail, `markEnqueued` adds the entry, for the reconciler). Its id is new:
   * `create` writes it only where no record is, and `createUnindexed` with no
   * condition, as nothing else can have written that id yet.
   *
   * @default false
   */
  readonly unindexed?: boolean;
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
  /** Retrying, and its backoff (`retry_at`) has not passed: an early copy. Return it for the rest of the wait. */
  notDue: 'not_due',
  /** Failed for this run and its dead letter not yet sent (the send failed): send it from the record, then drop the message. */
  letterDue: 'letter_due',
} as const;

/** One of the values of {@link CLAIM_REFUSAL}. */
export type ClaimRefusal = (typeof CLAIM_REFUSAL)[keyof typeof CLAIM_REFUSAL];

/**
 * A dead letter come back to a lane (a redrive moves letters with their body
 * and message attributes): what the claim needs to reopen the job's failed
 * record, or rebuild a record that is gone.
 */
export interface RedrivenLetter {
  /** The letter's `failed_at`: only a record failed at that very time is reopened, so an older letter cannot reopen a later failure. */
  readonly failedAt: Date;
  /** The job, as the letter's body carries it. */
  readonly message: JobMessage;
  /** The lane a rebuilt record names (by the message's priority). */
  readonly lane: Lane;
  /** Attempts a rebuilt record allows (a reopened one keeps its own). */
  readonly maxAttempts: number;
}

/** What else a claim may take. */
export interface ClaimOptions {
  /** The message is a redriven dead letter: a failed record of the same failure is reopened, a missing one rebuilt. */
  readonly letter?: RedrivenLetter;
  /**
   * The first receive of an unindexed job's message (`JobMessage.unindexed`):
   * the claim adds no schedule entry, since SQS holds the message meanwhile.
   */
  readonly firstReceiveUnindexed?: boolean;
}

/** The outcome of a claim. */
export type ClaimOutcome =
  | { readonly claimed: true; readonly job: JobRecord; readonly reopened?: 'reopened' | 'rebuilt' }
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
   * retrying) exists; a final twin is replaced by the new run, unless the job
   * asks for `dedupAcrossFinished`, when any twin blocks it.
   */
  create(job: NewJob): Promise<CreateOutcome>;
  /**
   * Creates unindexed jobs (`NewJob.unindexed`) together, in as few writes
   * as the store allows; resolves to each job's failure, or undefined where
   * its record was written, in the order given.
   */
  createUnindexed(jobs: readonly NewJob[]): Promise<(Error | undefined)[]>;
  /** The record, or undefined. */
  get(jobId: string): Promise<JobRecord | undefined>;
  /**
   * Claims a job for one attempt: from waiting, delayed or retrying (once its
   * `retry_at` has passed), or from active whose lease ran out; sets active,
   * attempts + 1, a lease until `now + leaseMs`, drops the kept payload. With
   * a redriven letter, a record failed by that letter's failure is reopened
   * (attempts start over) and a missing record is rebuilt from the letter.
   */
  claim(jobId: string, runId: string, now: Date, leaseMs: number, options?: ClaimOptions): Promise<ClaimOutcome>;
  /** active → completed, with result and history; sets the expiry. */
  complete(ref: AttemptRef, outcome: { readonly now: Date; readonly result: unknown; readonly entry: AttemptRecord; readonly expiresAt: Date }): Promise<JobRecord>;
  /** active → retrying, with the error and history, fenced until `retryAt`. */
  retry(ref: AttemptRef, outcome: { readonly now: Date; readonly error: JobError; readonly entry: AttemptRecord; readonly retryAt?: Date }): Promise<void>;
  /**
   * active (or retrying, or active with a lapsed lease) → failed, with the
   * error and history, in the failed index; sets the expiry. `letterPending`
   * records that the dead letter is still to be sent.
   */
  fail(
    ref: AttemptRef,
    outcome: { readonly now: Date; readonly error: JobError; readonly entry?: AttemptRecord; readonly expiresAt: Date; readonly letterPending?: boolean },
  ): Promise<JobRecord>;
  /**
   * Any unfinished state of this run (waiting, delayed, retrying, or active
   * with a lapsed lease) → failed, in the failed index, letter pending: for a
   * message the consumer must dead-letter before SQS's receive limit moves it
   * without its record.
   */
  abandon(jobId: string, runId: string, outcome: { readonly now: Date; readonly error: JobError; readonly expiresAt: Date }): Promise<JobRecord>;
  /** The dead letter of the failure at `failedAt` is sent: the record stops saying it is pending. Best effort. */
  markLettered(jobId: string, runId: string, failedAt: Date): Promise<void>;
  /**
   * waiting | delayed → cancelled, only for the partner who owns the job;
   * throws `JobNotFoundError` when there is no such job or another partner
   * owns it (the two look alike), `TransitionConflictError` when the job is
   * past cancelling.
   */
  cancel(jobId: string, partner: string, now: Date, expiresAt: Date): Promise<JobRecord>;
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

/** What the ingest does to job records: it creates them (`ingest-job-store.ts`). */
export type JobCreator = Pick<JobStore, 'create'>;

/** The ingest's transitions: create (one job, or a request's unindexed jobs together), and the schedule entry of an unindexed job whose send failed. */
export type IngestJobStore = Pick<JobStore, 'create' | 'createUnindexed' | 'markEnqueued'>;

/**
 * The transitions of a queue's consumer (`consumer-job-store.ts`): claim and
 * settle an attempt, dead-letter, and create the event job of a final job
 * that asked for one (`notify`).
 */
export type ConsumerJobStore = Pick<JobStore, 'create' | 'get' | 'claim' | 'complete' | 'retry' | 'fail' | 'abandon' | 'markLettered'>;

/**
 * The transitions of the scheduled functions (`scheduled-job-store.ts`): a
 * job sent is marked enqueued (sweeper, reconciler), and a stuck one failed
 * and its letter marked sent (stuck detector).
 */
export type ScheduledJobStore = Pick<JobStore, 'markEnqueued' | 'fail' | 'markLettered'>;
