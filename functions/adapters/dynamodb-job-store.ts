import { randomBytes } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { JobNotFoundError, TransitionConflictError } from '../core/errors';
import { JOB_STATUS, type JobError, type JobRecord } from '../core/job';
import { completeSpec, failSpec, retrySpec, type CompletedAttempt, type FailedAttempt, type RetriedAttempt } from './attempt-transitions';
import { claimRefusalOf } from './claim-refusal';
import { conditionalUpdate, readState, type StoreContext } from './conditional-update';
import { isConditionalCheckFailed, oldItemOf, storeFailure } from './dynamodb-errors';
import { readJobData, type JobData, type JobDataStore } from './job-data';
import { reportProgress, type JobProgressStore, type ProgressOutcome } from './job-progress';
import { withFailedIndex } from './failed-index';
import { listFailedJobs } from './failed-listing';
import { finishAttempt } from './finish-attempt';
import type { CleanableState, FailedPage, JobAdminStore, ListFailedOptions } from './job-admin-store';
import { jobRecordFromItem, jobRecordOf, parseStateItem, type StateItem } from './job-item';
import { delayedPartition, pendingPartition, SCHEDULE_KEY_ATTRIBUTES, SCHEDULE_KEY_NAMES, scheduleShard } from './job-keys';
import type { AttemptRef, ClaimOptions, ClaimOutcome, CreateOutcome, JobStore, NewJob, PendingJob } from './job-store';
import { abandonJob, claimLetter, markLettered } from './letter-transitions';
import { epochSeconds, newJobItems } from './new-job-item';
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

/** A claim's progress token: 128 random bits, URL-safe. */
function randomProgressToken(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * The claim's hold on the job's schedule entry (the stuck detector finds an
 * active job there). The entry written at create is usually in its pending
 * partition already: these values are then the ones it has, and DynamoDB
 * writes no index entry for an unchanged key, so the claim costs the state
 * item's write alone. A job the sweeper sent but could not mark moves from
 * its delayed partition, and a job with no entry (put back by a redrive) gets
 * one, stamped with the claim's time.
 */
const KEEP_PENDING_ENTRY = '#schedPk = :pending, #schedAt = if_not_exists(#schedAt, :nowMs)';
/** The attribute name every transition's expressions share (`status` is a reserved word). */
const NAMES = { '#status': 'status' };

/**
 * The job store on DynamoDB: one state item per job (kept under one write
 * unit), a payload item beside it when the payload is large, and a sparse
 * schedule index of the jobs not finished yet. Every transition is one
 * conditional write whose refusal carries the old item, so a refusal is
 * explained without another read.
 *
 * @example
 * const store = new DynamoDbJobStore({ client: new DynamoDBClient({}), tableName: 'jobs' });
 * const outcome = await store.claim(message.jobId, message.runId, new Date(), 60_000);
 */
export class DynamoDbJobStore implements JobStore, JobAdminStore, JobProgressStore, JobDataStore {
  private readonly context: StoreContext;
  private readonly newProgressToken: () => string;

  public constructor(options: DynamoDbJobStoreOptions) {
    this.context = {
      doc: DynamoDBDocumentClient.from(options.client, {
        marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
      }),
      tableName: options.tableName,
    };
    this.newProgressToken = options.newProgressToken ?? randomProgressToken;
  }

  /**
   * Writes the payload item first (if any), then the state item unless a live
   * twin holds the id (or, with `dedupAcrossFinished`, any twin).
   */
  public async create(job: NewJob): Promise<CreateOutcome> {
    const { jobId } = job.message;
    const items = newJobItems(job);
    try {
      if (items.payload !== undefined) {
        await this.context.doc.send(new PutCommand({ TableName: this.context.tableName, Item: items.payload }));
      }
      await this.context.doc.send(
        new PutCommand({
          TableName: this.context.tableName,
          Item: items.state,
          ...(job.dedupAcrossFinished === true
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: 'attribute_not_exists(pk) OR #status IN (:completed, :failed, :cancelled)',
                ExpressionAttributeNames: NAMES,
                ExpressionAttributeValues: { ':completed': JOB_STATUS.completed, ':failed': JOB_STATUS.failed, ':cancelled': JOB_STATUS.cancelled },
              }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { created: true, job: jobRecordFromItem(items.state) };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw storeFailure('create', error, { jobId });
      const old = oldItemOf(error);
      const existing = old === undefined ? await readState(this.context, jobId) : parseStateItem(old);
      // Our own write: it was applied, its answer lost (a 500 after the write), and the SDK's retry
      // met it. It is this run, not a twin: its payload stays, and the caller goes on to send it.
      if (existing?.run_id === job.message.runId) return { created: true, job: jobRecordOf(existing) };
      if (items.payload !== undefined) await this.forgetPayload(items.payload);
      // The twin vanished between the refusal and the read (TTL): the caller may try again.
      if (existing === undefined) throw new TransitionConflictError(jobId, 'create', { cause: error });
      return { created: false, existing: jobRecordOf(existing) };
    }
  }

  /** A strongly consistent read of the job's record. */
  public async get(jobId: string): Promise<JobRecord | undefined> {
    const item = await readState(this.context, jobId);
    return item === undefined ? undefined : jobRecordOf(item);
  }

  /**
   * Claims one attempt; a refusal says why, with the record as it was. A
   * retrying job is claimed only once its `retry_at` has passed. The job keeps
   * its schedule entry (written at create, removed when it finishes), so the
   * claim writes no index. The attempt gets a new progress token in the same
   * write (the previous attempt's, if any, stops working). A redriven letter
   * whose claim is refused gets a second chance (see `letter-transitions.ts`).
   */
  public async claim(jobId: string, runId: string, now: Date, leaseMs: number, options: ClaimOptions = {}): Promise<ClaimOutcome> {
    const nowMs = now.getTime();
    const outcome = await conditionalUpdate(this.context, jobId, 'claim', {
      UpdateExpression: `SET #status = :active, attempts = attempts + :one, lease_until_ms = :lease, progress_token = :token, updated_at = :now, ${KEEP_PENDING_ENTRY} REMOVE payload, retry_at_ms`,
      ConditionExpression:
        'run_id = :run AND attempts < max_attempts AND (#status IN (:waiting, :delayed) OR (#status = :retrying AND (attribute_not_exists(retry_at_ms) OR retry_at_ms <= :nowMs)) OR (#status = :active AND lease_until_ms < :nowMs))',
      ExpressionAttributeNames: { ...NAMES, ...SCHEDULE_KEY_NAMES },
      ExpressionAttributeValues: {
        ':pending': pendingPartition(scheduleShard(jobId)),
        ':run': runId,
        ':active': JOB_STATUS.active,
        ':waiting': JOB_STATUS.waiting,
        ':delayed': JOB_STATUS.delayed,
        ':retrying': JOB_STATUS.retrying,
        ':one': 1,
        ':lease': nowMs + leaseMs,
        ':token': this.newProgressToken(),
        ':now': now.toISOString(),
        ':nowMs': nowMs,
      },
    });
    if (outcome.applied) return { claimed: true, job: jobRecordFromItem(outcome.item) };
    if (options.letter !== undefined) return claimLetter(this.context, options.letter, outcome.current, now, leaseMs);
    const reason = claimRefusalOf(outcome.current, runId, nowMs);
    return outcome.current === undefined
      ? { claimed: false, reason }
      : { claimed: false, reason, job: jobRecordOf(outcome.current) };
  }

  /** active → completed for this attempt, with its (possibly summarized) result. */
  public async complete(ref: AttemptRef, outcome: CompletedAttempt): Promise<JobRecord> {
    return jobRecordFromItem(await finishAttempt(this.context, completeSpec(ref, outcome)));
  }

  /** active → retrying for this attempt; the message comes back after its backoff. */
  public async retry(ref: AttemptRef, outcome: RetriedAttempt): Promise<void> {
    await finishAttempt(this.context, retrySpec(ref, outcome));
  }

  /**
   * → failed, from this attempt while active, or from a job left exhausted
   * (retrying, or active with a lapsed lease, with no attempts left). The job
   * enters the failed index, where the operations routes find it.
   */
  public async fail(ref: AttemptRef, outcome: FailedAttempt): Promise<JobRecord> {
    return jobRecordFromItem(await finishAttempt(this.context, withFailedIndex(failSpec(ref, outcome), outcome.now)));
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

  /**
   * waiting | delayed → cancelled, for the job's own partner only; the schedule
   * entry and inline payload go with it. The partner is part of the condition,
   * so no read-then-write race lets one partner cancel another's job, and a
   * refusal over a job another partner owns is reported as not found.
   */
  public async cancel(jobId: string, partner: string, now: Date, expiresAt: Date): Promise<JobRecord> {
    const outcome = await conditionalUpdate(this.context, jobId, 'cancel', {
      UpdateExpression: `SET #status = :cancelled, updated_at = :now, expires_at = :expires REMOVE ${SCHEDULE_KEY_ATTRIBUTES.join(', ')}, payload`,
      ConditionExpression: '#status IN (:waiting, :delayed) AND #partner = :partner',
      ExpressionAttributeNames: { ...NAMES, '#partner': 'partner' },
      ExpressionAttributeValues: {
        ':partner': partner,
        ':cancelled': JOB_STATUS.cancelled,
        ':waiting': JOB_STATUS.waiting,
        ':delayed': JOB_STATUS.delayed,
        ':now': now.toISOString(),
        ':expires': epochSeconds(expiresAt),
      },
    });
    if (outcome.applied) return jobRecordFromItem(outcome.item);
    // Another partner's job (or one that records none) must not even be seen to exist.
    const owned = outcome.current !== undefined && outcome.current.partner === partner;
    throw refusal(jobId, 'cancel', owned ? outcome.current : undefined);
  }

  /**
   * Records that the job's message was sent (by the sweeper, or again by the
   * reconciler): delayed or waiting → waiting, its schedule entry moved to the
   * pending partition and stamped with the send time, so the reconciler waits
   * a full threshold before sending it again. A job that moved on meanwhile
   * (claimed, cancelled, another run) throws `TransitionConflictError`, which a
   * sender may log and ignore: the message it sent is refused at claim.
   */
  public async markEnqueued(jobId: string, runId: string, now: Date): Promise<void> {
    const outcome = await conditionalUpdate(this.context, jobId, 'mark enqueued', {
      UpdateExpression: 'SET #status = :waiting, updated_at = :now, #schedPk = :pending, #schedAt = :nowMs',
      ConditionExpression: 'run_id = :run AND #status IN (:delayed, :waiting)',
      ExpressionAttributeNames: { ...NAMES, ...SCHEDULE_KEY_NAMES },
      ExpressionAttributeValues: {
        ':run': runId,
        ':waiting': JOB_STATUS.waiting,
        ':delayed': JOB_STATUS.delayed,
        ':now': now.toISOString(),
        ':nowMs': now.getTime(),
        ':pending': pendingPartition(scheduleShard(jobId)),
      },
    });
    if (!outcome.applied) throw refusal(jobId, 'mark enqueued', outcome.current);
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

  /** The payload item of a run that lost to a live twin is nobody's: drop it, or let TTL do it. */
  private async forgetPayload(item: Record<string, unknown>): Promise<void> {
    try {
      await this.context.doc.send(new DeleteCommand({ TableName: this.context.tableName, Key: { pk: item.pk, sk: item.sk } }));
    } catch {
      // Best effort: the item carries an expiry, so a failed delete only costs storage until then.
    }
  }
}

function refusal(jobId: string, transition: string, current: StateItem | undefined): Error {
  if (current === undefined) return new JobNotFoundError(jobId, { context: { transition } });
  return new TransitionConflictError(jobId, transition, {
    context: { status: current.status, runId: current.run_id, attempts: current.attempts },
  });
}
