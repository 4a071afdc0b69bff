import type { ScheduledJobStore } from '../../adapters/job-store';
import type { PauseStore } from '../../adapters/pause-store';
import type { QueueClient } from '../../adapters/queue-client';
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
  readonly store: ScheduledJobStore;
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
 * All three are found in the schedule index, which holds every job not
 * finished (see `JOBS_TABLE.scheduleIndex`): waiting and active jobs in its
 * pending partition, under the time of their last send. A job's lease ends
 * after its claim, and its claim comes after that send, so an active job whose
 * lease ended before a bound has an entry older than it: the entries past the
 * smallest bound are filtered by queue and age from the index alone, and only
 * those are read. Neither read touches a job that is final. A `retrying` job
 * is left alone: its message is in flight in its lane until its backoff ends,
 * and the consumer dead-letters it by its own count before SQS can. The
 * reconciler re-sends only waiting jobs, so it never acts on an active one;
 * and every write either makes is conditional on the job's state.
 */
export async function detectStuck(deps: StuckDeps): Promise<StuckCounts> {
  const now = deps.clock.now();
  const paused = await deps.pauses.pausedQueues();
  const timingsOf = (queue: string): QueueTimings =>
    deps.timings.get(queue) ?? { reconcileAfterSeconds: deps.defaultAfterSeconds, activeStuckAfterSeconds: deps.defaultAfterSeconds };
  const bounds: PendingBounds = {
    waitingMs: (queue) => (paused.has(queue) ? Number.POSITIVE_INFINITY : waitingStuckAfterSeconds(timingsOf(queue)) * 1000),
    activeMs: (queue) => timingsOf(queue).activeStuckAfterSeconds * 1000,
  };
  const queues = ['', ...deps.timings.keys()];
  const smallestMs = Math.min(...queues.flatMap((queue) => [bounds.waitingMs(queue), bounds.activeMs(queue)]));

  const { waiting, active } = await judgePending(deps, now, now.getTime() - smallestMs, bounds);
  const delayed = await resendDelayed(deps, now.getTime() - DELAYED_STUCK_AFTER_SECONDS * 1000);

  const counts: StuckCounts = { waiting, delayed, active };
  deps.metrics.publish(counts);
  if (waiting.stuck + delayed.stuck + active.stuck > 0) deps.logger.warn('stuck jobs found', { ...counts });
  return counts;
}

/** How long a pending entry's job may sit, by queue: waiting (infinite while its queue is paused), and active past its lease. */
interface PendingBounds {
  readonly waitingMs: (queue: string) => number;
  readonly activeMs: (queue: string) => number;
}

interface Tally {
  readonly stuck: number;
  readonly repaired: number;
}

/** Judges the pending partition's entries older than `boundMs`: stuck waiting jobs are sent again, stuck active ones failed. */
async function judgePending(deps: StuckDeps, now: Date, boundMs: number, bounds: PendingBounds): Promise<{ waiting: Tally; active: Tally }> {
  const nowMs = now.getTime();
  const rounds = deps.schedule.rounds('pending', boundMs, ROUND_PAGE_SIZE);
  let waiting: Tally = { stuck: 0, repaired: 0 };
  let active: Tally = { stuck: 0, repaired: 0 };
  while (timeForAnotherRound(deps)) {
    const entries = await rounds.next();
    if (entries === undefined) break;
    const aged = entries.filter((entry) => {
      const ageMs = nowMs - entry.scheduledAtMs;
      return ageMs >= bounds.waitingMs(entry.queue) || ageMs >= bounds.activeMs(entry.queue);
    });
    if (aged.length === 0) continue;
    const jobs = await deps.schedule.read(aged);
    const lost = jobs.filter((job) => job.status === JOB_STATUS.waiting && nowMs - job.scheduledAtMs >= bounds.waitingMs(job.queue));
    if (lost.length > 0) {
      const sent = (await enqueuePending(deps, await deps.schedule.pendingJobs(lost), 'stuck detector (pending)')).sent;
      waiting = { stuck: waiting.stuck + lost.length, repaired: waiting.repaired + sent };
    }
    for (const { job } of jobs) {
      if (job.status !== JOB_STATUS.active || job.leaseUntil === undefined) continue;
      if (nowMs - Date.parse(job.leaseUntil) < bounds.activeMs(job.queue)) continue;
      const repaired = await failStuck(deps, job, now);
      active = { stuck: active.stuck + 1, repaired: active.repaired + (repaired ? 1 : 0) };
    }
  }
  return { waiting, active };
}

/** Sends the delayed jobs past due by more than a few sweeps; resolves to how many were stuck and how many were sent. */
async function resendDelayed(deps: StuckDeps, boundMs: number): Promise<Tally> {
  const rounds = deps.schedule.rounds('delayed', boundMs, ROUND_PAGE_SIZE);
  let stuck = 0;
  let repaired = 0;
  while (timeForAnotherRound(deps)) {
    const entries = await rounds.next();
    if (entries === undefined) break;
    if (entries.length === 0) continue;
    const found = (await deps.schedule.read(entries)).filter((job) => job.status === JOB_STATUS.delayed);
    if (found.length === 0) continue;
    stuck += found.length;
    repaired += (await enqueuePending(deps, await deps.schedule.pendingJobs(found), 'stuck detector (delayed)')).sent;
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
  const message = jobMessageOf(job, JSON.parse(payload) as unknown, payload);
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
