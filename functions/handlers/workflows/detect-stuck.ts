import type { JobStore } from '../../adapters/job-store';
import type { PauseStore } from '../../adapters/pause-store';
import type { QueueClient } from '../../adapters/queue-client';
import type { ScheduleEntry } from '../../adapters/schedule-scan';
import type { StuckCounts, StuckMetrics } from '../../adapters/stuck-metrics';
import { FAILURE_CATEGORY } from '../../core/failure';
import { encodeJobMessage } from '../../core/job-message';
import { JOB_STATUS, jobMessageOf, type JobRecord } from '../../core/job';
import { DELAYED_STUCK_AFTER_SECONDS, waitingStuckAfterSeconds, type QueueTimings } from '../../core/queue-timings';
import type { QueueSettings } from '../../core/runtime-config';
import { enqueuePending } from './enqueue-pending';
import { ROUND_PAGE_SIZE, timeForAnotherRound, type ScheduledRunDeps } from './scheduled-run';

const HOUR_MS = 60 * 60 * 1000;

/** What the detector needs beyond a scheduled run's dependencies. */
export interface StuckDeps extends ScheduledRunDeps {
  readonly store: JobStore;
  readonly queues: ScheduledRunDeps['queues'] & Pick<QueueClient, 'moveToDeadLetter'>;
  readonly pauses: Pick<PauseStore, 'pausedQueues'>;
  readonly timings: ReadonlyMap<string, QueueTimings>;
  readonly defaultAfterSeconds: number;
  /** The queue's dead-letter queue URL. */
  readonly deadLetterUrl: (settings: QueueSettings) => string;
  /** The payload item of a run, when the job's payload was too large to sit inline and has not expired. */
  readonly payloadOf: (jobId: string, runId: string) => Promise<string | undefined>;
  readonly metrics: StuckMetrics;
}

/**
 * The stuck-job detector, run on a schedule: finds records that are not
 * final and have not moved for longer than their queue explains, repairs
 * what it can, and counts the rest.
 *
 * - waiting, unclaimed since its last send past the reconciler's patience
 *   (`waitingStuckAfterSeconds`) on a queue that is not paused: sent again;
 * - delayed, past due by more than a few sweeps: sent;
 * - active, its lease over by more than the lane's visibility timeout (SQS
 *   would have brought its message back and a claim taken the job over, so
 *   the message is gone): failed with category `stuck` (the record first, in
 *   the failed index, then its letter to the DLQ, so it can be redriven) when
 *   its payload can still be read; otherwise (an inline payload is dropped at
 *   claim) only counted and logged, for an operator.
 *
 * Waiting and delayed jobs are found in the schedule index, active ones in the
 * sparse active index (see `JOBS_TABLE.activeIndex`): neither read touches a
 * job that is final. A `retrying` job has no index entry; its message is in
 * flight in its lane until its backoff ends, and the consumer dead-letters it
 * by its own count before SQS can.
 */
export async function detectStuck(deps: StuckDeps): Promise<StuckCounts> {
  const now = deps.clock.now();
  const paused = await deps.pauses.pausedQueues();
  const timingsOf = (queue: string): QueueTimings =>
    deps.timings.get(queue) ?? { reconcileAfterSeconds: deps.defaultAfterSeconds, activeStuckAfterSeconds: deps.defaultAfterSeconds };
  const waitingBoundMs = (queue: string) => waitingStuckAfterSeconds(timingsOf(queue)) * 1000;
  const queues = [...deps.timings.keys()];
  const smallestWaitMs = Math.min(waitingBoundMs(''), ...queues.map(waitingBoundMs));

  const waiting = await resendStuck(deps, 'pending', now.getTime() - smallestWaitMs, (entry) =>
    entry.status === JOB_STATUS.waiting && !paused.has(entry.queue) && now.getTime() - entry.scheduledAtMs >= waitingBoundMs(entry.queue),
  );
  const delayed = await resendStuck(deps, 'delayed', now.getTime() - DELAYED_STUCK_AFTER_SECONDS * 1000, (entry) => entry.status === JOB_STATUS.delayed);

  const smallestActiveMs = Math.min(timingsOf('').activeStuckAfterSeconds, ...queues.map((queue) => timingsOf(queue).activeStuckAfterSeconds)) * 1000;
  let active = { stuck: 0, repaired: 0 };
  for (const entry of await deps.schedule.activeLeasedBefore(now.getTime() - smallestActiveMs)) {
    const job = await deps.store.get(entry.jobId);
    if (job?.status !== JOB_STATUS.active || job.leaseUntil === undefined) continue;
    if (now.getTime() - Date.parse(job.leaseUntil) < timingsOf(job.queue).activeStuckAfterSeconds * 1000) continue;
    const repaired = await failStuck(deps, job, now);
    active = { stuck: active.stuck + 1, repaired: active.repaired + (repaired ? 1 : 0) };
  }

  const counts: StuckCounts = { waiting, delayed, active };
  deps.metrics.publish(counts);
  if (waiting.stuck + delayed.stuck + active.stuck > 0) deps.logger.warn('stuck jobs found', { ...counts });
  return counts;
}

/** Sends again the entries of one kind that `isStuck` picks; resolves to how many were stuck and how many were sent. */
async function resendStuck(
  deps: StuckDeps,
  kind: 'pending' | 'delayed',
  boundMs: number,
  isStuck: (entry: ScheduleEntry) => boolean,
): Promise<{ stuck: number; repaired: number }> {
  const rounds = deps.schedule.rounds(kind, boundMs, ROUND_PAGE_SIZE);
  let stuck = 0;
  let repaired = 0;
  while (timeForAnotherRound(deps)) {
    const entries = await rounds.next();
    if (entries === undefined) break;
    const found = entries.filter(isStuck);
    if (found.length === 0) continue;
    stuck += found.length;
    repaired += (await enqueuePending(deps, await deps.schedule.pendingJobs(found), `stuck detector (${kind})`)).sent;
  }
  return { stuck, repaired };
}

/**
 * Fails a stuck active job and sends its letter, record first (as the
 * consumer does): if the letter cannot be sent, the record says it is still
 * pending. Resolves to false, changing nothing, when its payload is gone.
 */
async function failStuck(deps: StuckDeps, job: JobRecord, now: Date): Promise<boolean> {
  const settings = deps.directory.settings(job.queue);
  const payload = settings === undefined ? undefined : await deps.payloadOf(job.jobId, job.runId);
  if (settings === undefined || payload === undefined) {
    deps.logger.error('stuck active job left as it is: its payload is gone, so it cannot be dead-lettered for a redrive', {
      job_id: job.jobId,
      queue: job.queue,
      lease_until: job.leaseUntil,
    });
    return false;
  }
  const reason = `stuck: active with no consumer since its lease ended at ${job.leaseUntil ?? '?'}, and its message is gone`;
  const ref = { jobId: job.jobId, runId: job.runId, attempt: job.attempts };
  try {
    await deps.store.fail(ref, {
      now,
      error: { category: FAILURE_CATEGORY.stuck, message: reason },
      expiresAt: new Date(now.getTime() + settings.retention.failedHours * HOUR_MS),
      letterPending: true,
    });
  } catch (error) {
    // It moved meanwhile (a late consumer finished it): nothing to repair.
    deps.logger.warn('stuck job changed before it could be failed', { job_id: job.jobId, error: error as Error });
    return false;
  }
  const message = jobMessageOf(job, JSON.parse(payload) as unknown);
  try {
    await deps.queues.moveToDeadLetter(deps.deadLetterUrl(settings), [
      {
        body: encodeJobMessage(message),
        jobId: job.jobId,
        groupId: job.groupId ?? job.jobId,
        deduplicationId: `${job.runId}-stuck-${job.attempts}`,
        failure: { reason, category: FAILURE_CATEGORY.stuck, attempts: job.attempts, sourceQueue: job.queue, failedAt: now },
      },
    ]);
    await deps.store.markLettered(job.jobId, job.runId, now).catch(() => undefined);
  } catch (error) {
    deps.logger.error('stuck job failed, but its letter was not sent', { job_id: job.jobId, error: error as Error });
    return false;
  }
  return true;
}
