import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { JobError, JobRecord } from '../core/job';
import { completeAttempt, failAttempt, retryAttempt } from './attempt-finishes';
import type { CompletedAttempt, FailedAttempt, RetriedAttempt } from './attempt-transitions';
import type { StoreContext } from './conditional-update';
import { listFailedJobs } from './failed-listing';
import { cancelJob } from './job-cancel';
import { claimJob, randomProgressToken } from './job-claim';
import { createJob } from './job-create';
import { readJobData, type JobData, type JobDataStore } from './job-data';
import { markJobEnqueued } from './job-enqueued';
import { reportProgress, type JobProgressStore, type ProgressOutcome } from './job-progress';
import { readJob } from './job-read';
import type { CleanableState, FailedPage, JobAdminStore, ListFailedOptions } from './job-admin-store';
import { delayedPartition, pendingPartition } from './job-keys';
import { jobStoreContext } from './job-store-context';
import type { AttemptRef, ClaimOptions, ClaimOutcome, CreateOutcome, JobStore, NewJob, PendingJob } from './job-store';
import { abandonJob, markLettered } from './letter-transitions';
import { cleanRecords } from './record-cleaning';
import { markPurged, resetForRedrive } from './redrive-transitions';
import { listScheduled } from './schedule-listing';

/** What a {@link DynamoDbJobStore} needs. */
export interface DynamoDbJobStoreOptions {
  /** The client to send with; the store wraps it in a document client. */
  readonly client: DynamoDBClient;
  /** The jobs table (key layout in `JOBS_TABLE`). */
  readonly tableName: string;
  /**
   * A source of randomness in [0, 1).
   * @default Math.random - reserved: shard choice is a stable hash, so nothing draws from it yet
   */
  readonly random?: () => number;
  /**
   * Makes each claim's progress token (the credential of the delivery's
   * `webhook-progress-url`).
   * @default - 16 random bytes, base64url (22 characters)
   */
  readonly newProgressToken?: () => string;
}

/**
 * The whole job store on DynamoDB: one state item per job (kept under one
 * write unit), a payload item beside it when the payload is large, and a
 * sparse schedule index of the jobs not finished yet. Every transition is one
 * conditional write whose refusal carries the old item, so a refusal is
 * explained without another read.
 *
 * Each transition lives in its own module (`job-create.ts`, `job-claim.ts`,
 * …) and takes a {@link StoreContext}; this class puts all of them behind the
 * ports. A Lambda function holds only the transitions it calls, through its
 * own small store (`ingest-job-store.ts`, `consumer-job-store.ts`,
 * `job-status-store.ts`, `scheduled-job-store.ts`, `admin-job-store.ts`):
 * a class's methods cannot be left out of a bundle, so this class is for
 * tests and tools that use every port at once.
 *
 * @example
 * const store = new DynamoDbJobStore({ client: new DynamoDBClient({}), tableName: 'jobs' });
 * const outcome = await store.claim(message.jobId, message.runId, new Date(), 60_000);
 */
export class DynamoDbJobStore implements JobStore, JobAdminStore, JobProgressStore, JobDataStore {
  private readonly context: StoreContext;
  private readonly newProgressToken: () => string;

  public constructor(options: DynamoDbJobStoreOptions) {
    this.context = jobStoreContext(options);
    this.newProgressToken = options.newProgressToken ?? randomProgressToken;
  }

  /** Writes the payload item first (if any), then the state item unless a live twin holds the id (see `job-create.ts`). */
  public async create(job: NewJob): Promise<CreateOutcome> {
    return createJob(this.context, job);
  }

  /** A strongly consistent read of the job's record. */
  public async get(jobId: string): Promise<JobRecord | undefined> {
    return readJob(this.context, jobId);
  }

  /** Claims one attempt with a new progress token; a refusal says why, with the record as it was (see `job-claim.ts`). */
  public async claim(jobId: string, runId: string, now: Date, leaseMs: number, options: ClaimOptions = {}): Promise<ClaimOutcome> {
    return claimJob(this.context, { jobId, runId, now, leaseMs, progressToken: this.newProgressToken(), options });
  }

  /** active → completed for this attempt, with its (possibly summarized) result. */
  public async complete(ref: AttemptRef, outcome: CompletedAttempt): Promise<JobRecord> {
    return completeAttempt(this.context, ref, outcome);
  }

  /** active → retrying for this attempt; the message comes back after its backoff. */
  public async retry(ref: AttemptRef, outcome: RetriedAttempt): Promise<void> {
    await retryAttempt(this.context, ref, outcome);
  }

  /** → failed, into the failed index (see `attempt-finishes.ts`). */
  public async fail(ref: AttemptRef, outcome: FailedAttempt): Promise<JobRecord> {
    return failAttempt(this.context, ref, outcome);
  }

  /** Any unfinished state of this run → failed, letter pending (see `letter-transitions.ts`). */
  public async abandon(jobId: string, runId: string, outcome: { readonly now: Date; readonly error: JobError; readonly expiresAt: Date }): Promise<JobRecord> {
    return abandonJob(this.context, jobId, runId, outcome);
  }

  /** Records a target's progress for the attempt whose token it holds (see `job-progress.ts`). */
  public async reportProgress(jobId: string, token: string, progress: unknown): Promise<ProgressOutcome> {
    return reportProgress(this.context, jobId, token, progress);
  }

  /** The data of a job's run, for its owner (see `job-data.ts`). */
  public async readData(jobId: string, runId: string): Promise<JobData> {
    return readJobData(this.context, jobId, runId);
  }

  /** The dead letter of the failure at `failedAt` is sent. */
  public async markLettered(jobId: string, runId: string, failedAt: Date): Promise<void> {
    await markLettered(this.context, jobId, runId, failedAt);
  }

  /** waiting | delayed → cancelled, for the job's own partner only (see `job-cancel.ts`). */
  public async cancel(jobId: string, partner: string, now: Date, expiresAt: Date): Promise<JobRecord> {
    return cancelJob(this.context, jobId, partner, now, expiresAt);
  }

  /** Records that the job's message was sent (see `job-enqueued.ts`). */
  public async markEnqueued(jobId: string, runId: string, now: Date): Promise<void> {
    await markJobEnqueued(this.context, jobId, runId, now);
  }

  /** Jobs kept for the sweeper and due by `now`, oldest first. */
  public async listDue(now: Date, limit: number): Promise<PendingJob[]> {
    return listScheduled(this.context, { partition: delayedPartition, comparison: '<=', boundMs: now.getTime(), limit });
  }

  /** Jobs sent (or meant to be) but never claimed, due before `dueBefore`, oldest first. */
  public async listUnclaimed(dueBefore: Date, limit: number): Promise<PendingJob[]> {
    return listScheduled(this.context, { partition: pendingPartition, comparison: '<', boundMs: dueBefore.getTime(), limit });
  }

  /** The queue's failed jobs still in its dead-letter queue, newest first (see `failed-listing.ts`). */
  public async listFailed(queue: string, options: ListFailedOptions): Promise<FailedPage> {
    return listFailedJobs(this.context, queue, options);
  }

  /** failed → waiting for a redrive, keeping the run id and the history (see `redrive-transitions.ts`). */
  public async resetForRedrive(jobId: string, now: Date): Promise<JobRecord> {
    return resetForRedrive(this.context, jobId, now);
  }

  /** Marks failed jobs whose dead-letter message was purged; resolves to the number marked. */
  public async markPurged(jobIds: readonly string[], now: Date): Promise<number> {
    return markPurged(this.context, jobIds, now);
  }

  /** Deletes old records in a state; resolves to the number deleted (costs in `record-cleaning.ts`). */
  public async clean(queue: string, state: CleanableState, olderThan: Date): Promise<number> {
    return cleanRecords(this.context, queue, state, olderThan);
  }
}
