import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { JobNotFoundError, TransitionConflictError } from '../core/errors';
import { JOB_STATUS, type JobError, type JobRecord } from '../core/job';
import { ADMIN_ATTRIBUTE, JOBS_TABLE } from '../core/table-schema';
import { conditionalUpdate, readState, type StoreContext } from './conditional-update';
import { isConditionalCheckFailed, storeFailure } from './dynamodb-errors';
import { claimRefusalOf } from './claim-refusal';
import { FAILED_INDEX_KEYS } from './failed-index';
import { pendingPartition, SCHEDULE_KEY_ATTRIBUTES, SCHEDULE_KEY_NAMES, scheduleShard } from './job-keys';
import { jobRecordFromItem, jobRecordOf, type StateItem } from './job-item';
import type { ClaimOutcome, RedrivenLetter } from './job-store';
import { epochSeconds, stateItemOf } from './new-job-item';

const FAILED_NAMES = { '#failedPk': JOBS_TABLE.failedIndex.partitionKey, '#failedAt': JOBS_TABLE.failedIndex.sortKey, '#queue': 'queue' };

/**
 * Any unfinished state of this run → failed, in the failed index, with its
 * letter pending. The consumer takes this step when it must dead-letter a
 * message before SQS's receive limit would move it without its record; an
 * active job with a live lease is left to its holder.
 *
 * @throws JobNotFoundError when the job has no record
 * @throws TransitionConflictError when the job is final, of another run, or held
 */
export async function abandonJob(
  context: StoreContext,
  jobId: string,
  runId: string,
  outcome: { readonly now: Date; readonly error: JobError; readonly expiresAt: Date },
): Promise<JobRecord> {
  const nowMs = outcome.now.getTime();
  const result = await conditionalUpdate(context, jobId, 'abandon', {
    UpdateExpression:
      'SET #status = :failed, updated_at = :now, #error = :error, expires_at = :expires, letter_pending = :true, #failedPk = #queue, #failedAt = :nowMs ' +
      `REMOVE lease_until_ms, retry_at_ms, ${SCHEDULE_KEY_ATTRIBUTES.join(', ')}, payload`,
    ConditionExpression: 'run_id = :run AND (#status IN (:waiting, :delayed, :retrying) OR (#status = :active AND lease_until_ms < :nowMs))',
    ExpressionAttributeNames: { '#status': 'status', '#error': 'error', ...FAILED_NAMES },
    ExpressionAttributeValues: {
      ':run': runId,
      ':failed': JOB_STATUS.failed,
      ':waiting': JOB_STATUS.waiting,
      ':delayed': JOB_STATUS.delayed,
      ':retrying': JOB_STATUS.retrying,
      ':active': JOB_STATUS.active,
      ':now': outcome.now.toISOString(),
      ':nowMs': nowMs,
      ':error': { category: outcome.error.category, message: outcome.error.message },
      ':expires': epochSeconds(outcome.expiresAt),
      ':true': true,
    },
  });
  if (result.applied) return jobRecordFromItem(result.item);
  if (result.current === undefined) throw new JobNotFoundError(jobId, { context: { transition: 'abandon' } });
  throw new TransitionConflictError(jobId, 'abandon', { context: { status: result.current.status, runId: result.current.run_id } });
}

/**
 * The dead letter of the failure at `failedAt` is out: `letter_pending` goes.
 * A record that moved on meanwhile (redriven, replaced) is left as it is.
 */
export async function markLettered(context: StoreContext, jobId: string, runId: string, failedAt: Date): Promise<void> {
  await conditionalUpdate(context, jobId, 'mark lettered', {
    UpdateExpression: 'REMOVE letter_pending',
    ConditionExpression: 'run_id = :run AND #status = :failed AND #failedAt = :at',
    ExpressionAttributeNames: { '#status': 'status', '#failedAt': JOBS_TABLE.failedIndex.sortKey },
    ExpressionAttributeValues: { ':run': runId, ':failed': JOB_STATUS.failed, ':at': failedAt.getTime() },
  });
}

/** The attempt a redriven letter's claim starts: when, for how long, and its progress token. */
export interface LetterRun {
  readonly now: Date;
  readonly leaseMs: number;
  readonly progressToken: string;
}

/**
 * The claim of a redriven dead letter whose ordinary claim was refused: a
 * record failed for the same run by the very failure the letter reports (its
 * `failed_at`) is reopened, active with attempts starting over (the history
 * stays); a record that is gone (expired or cleaned) is rebuilt from the
 * letter. Either way the job is back in the schedule index, where the stuck
 * detector finds it should its holder vanish, and holds this run's progress
 * token, as an ordinary claim does. Anything else (another run, a later failure, a purged letter, a job
 * already put back by an operator and running) keeps the ordinary refusal.
 */
export async function claimLetter(
  context: StoreContext,
  letter: RedrivenLetter,
  current: StateItem | undefined,
  run: LetterRun,
): Promise<ClaimOutcome> {
  const { jobId, runId } = letter.message;
  const { now, leaseMs } = run;
  const nowMs = now.getTime();
  if (current === undefined) return rebuild(context, letter, run);
  const sameFailure = current.run_id === runId && current.status === JOB_STATUS.failed && current.failed_at === letter.failedAt.getTime();
  if (!sameFailure) return { claimed: false, reason: claimRefusalOf(current, runId, nowMs), job: jobRecordOf(current) };
  const outcome = await conditionalUpdate(context, jobId, 'reopen for letter', {
    UpdateExpression:
      'SET #status = :active, attempts = :one, lease_until_ms = :lease, progress_token = :token, updated_at = :now, #schedPk = :pending, #schedAt = :nowMs ' +
      `REMOVE #error, expires_at, letter_pending, retry_at_ms, #purged, ${FAILED_INDEX_KEYS.join(', ')}`,
    ConditionExpression: 'run_id = :run AND #status = :failed AND #failedAt = :at',
    ExpressionAttributeNames: {
      '#status': 'status',
      '#error': 'error',
      '#failedAt': JOBS_TABLE.failedIndex.sortKey,
      '#purged': ADMIN_ATTRIBUTE.dlqPurgedAt,
      ...SCHEDULE_KEY_NAMES,
    },
    ExpressionAttributeValues: {
      ':pending': pendingPartition(scheduleShard(jobId)),
      ':nowMs': nowMs,
      ':active': JOB_STATUS.active,
      ':failed': JOB_STATUS.failed,
      ':one': 1,
      ':lease': nowMs + leaseMs,
      ':token': run.progressToken,
      ':now': now.toISOString(),
      ':run': runId,
      ':at': letter.failedAt.getTime(),
    },
  });
  if (outcome.applied) return { claimed: true, job: jobRecordFromItem(outcome.item), reopened: 'reopened' };
  return refusedAfterRace(outcome.current, runId, nowMs);
}

/** A record written from the letter alone: active, first attempt, no kept payload (the letter carries it). */
async function rebuild(context: StoreContext, letter: RedrivenLetter, run: LetterRun): Promise<ClaimOutcome> {
  const { message } = letter;
  const { now, leaseMs } = run;
  const item: Record<string, unknown> = {
    ...stateItemOf({
      message,
      lane: letter.lane,
      status: JOB_STATUS.active,
      maxAttempts: letter.maxAttempts,
      now,
      payloadBytes: Buffer.byteLength(JSON.stringify(message.data) ?? 'null', 'utf8'),
    }),
    attempts: 1,
    lease_until_ms: now.getTime() + leaseMs,
    progress_token: run.progressToken,
    [JOBS_TABLE.scheduleIndex.partitionKey]: pendingPartition(scheduleShard(message.jobId)),
    [JOBS_TABLE.scheduleIndex.sortKey]: now.getTime(),
  };
  try {
    await context.doc.send(
      new PutCommand({ TableName: context.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    return { claimed: true, job: jobRecordFromItem(item), reopened: 'rebuilt' };
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw storeFailure('rebuild from letter', error, { jobId: message.jobId });
    // Another copy rebuilt it first: that copy runs the job.
    return refusedAfterRace(await readState(context, message.jobId), message.runId, now.getTime());
  }
}

function refusedAfterRace(current: StateItem | undefined, runId: string, nowMs: number): ClaimOutcome {
  const reason = claimRefusalOf(current, runId, nowMs);
  return current === undefined ? { claimed: false, reason } : { claimed: false, reason, job: jobRecordOf(current) };
}
