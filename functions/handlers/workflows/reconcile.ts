import type { PauseStore } from '../../adapters/pause-store';
import type { QueueClient } from '../../adapters/queue-client';
import type { ScheduleEntry } from '../../adapters/schedule-scan';
import { isFifoQueue } from '../../adapters/sqs-batches';
import { JOB_STATUS } from '../../core/job';
import { shouldResend, type QueueTimings } from '../../core/queue-timings';
import { enqueuePending, type EnqueueReport } from './enqueue-pending';
import { addReports, NO_REPORT, ROUND_PAGE_SIZE, timeForAnotherRound, type ScheduledRunDeps } from './scheduled-run';

/** What the reconciler needs beyond a scheduled run's dependencies. */
export interface ReconcileDeps extends ScheduledRunDeps {
  readonly queues: ScheduledRunDeps['queues'] & Pick<QueueClient, 'depth'>;
  readonly pauses: Pick<PauseStore, 'pausedQueues'>;
  /** Each queue's times (`QUEUE_TIMINGS`); a queue left out uses {@link ReconcileDeps.defaultAfterSeconds}. */
  readonly timings: ReadonlyMap<string, QueueTimings>;
  readonly defaultAfterSeconds: number;
}

/** How one reconciler run went. */
export type ReconcileReport = EnqueueReport & {
  readonly rounds: number;
  /** Entries left alone unread: their queue is paused (their jobs may be waiting, running or retrying). */
  readonly paused: number;
  /** Entries left alone unread: their lane has a backlog they may be in, and they have not waited past its patience. */
  readonly inBacklog: number;
};

/**
 * The scheduled reconciler: a job whose record is durable but which has gone
 * unclaimed for its queue's threshold since it was last sent (the ingest may
 * have died between its record and its send) is sent again. It leaves alone
 * the jobs of a paused queue (their messages wait on purpose) and a job that
 * may merely sit in a backlog: its lane holds visible or delayed messages
 * (on FIFO, any message: a group waits in flight), and it has not yet waited
 * `BACKLOG_PATIENCE` thresholds (`queue-timings.ts`). Counting the lane costs
 * one `GetQueueAttributes` per lane per run, and only for lanes with a
 * candidate; knowing whether a given message is in a queue would cost a
 * receive of the whole queue, so the count stands in for it, and the
 * patience bounds how long a lost job in a busy lane waits.
 *
 * The schedule's pending partition holds every job sent and not finished, so
 * the entries that pass those filters are read (one read unit each), and only
 * the jobs still `waiting` are sent: an active job with a live lease is its
 * holder's, and one whose holder vanished is the stuck detector's (the claim
 * of a late copy decides between them).
 *
 * Each re-send restarts the job's clock; the extra copy is harmless (only one
 * claim succeeds). The run reads the schedule in rounds and loops until every
 * entry past the smallest threshold is judged or its time is nearly spent.
 */
export async function reconcileUnclaimed(deps: ReconcileDeps, pageSize = ROUND_PAGE_SIZE): Promise<ReconcileReport> {
  const nowMs = deps.clock.now().getTime();
  const paused = await deps.pauses.pausedQueues();
  const afterMs = (queue: string) => (deps.timings.get(queue)?.reconcileAfterSeconds ?? deps.defaultAfterSeconds) * 1000;
  const running = [...deps.timings.keys()].filter((queue) => !paused.has(queue));
  const smallestMs = Math.min(deps.defaultAfterSeconds * 1000, ...running.map(afterMs));
  const rounds = deps.schedule.rounds('pending', nowMs - smallestMs, pageSize);
  const backlog = laneBacklogs(deps);
  let report = NO_REPORT;
  let count = 0;
  let skippedPaused = 0;
  let inBacklog = 0;
  while (timeForAnotherRound(deps)) {
    const entries = await rounds.next();
    if (entries === undefined) break;
    count += 1;
    const candidates: ScheduleEntry[] = [];
    for (const entry of entries) {
      if (paused.has(entry.queue)) {
        skippedPaused += 1;
        continue;
      }
      const waitedMs = nowMs - entry.scheduledAtMs;
      const thresholdMs = afterMs(entry.queue);
      if (!shouldResend({ waitedMs, thresholdMs, laneHasBacklog: false })) continue;
      if (!shouldResend({ waitedMs, thresholdMs, laneHasBacklog: true }) && (await backlog(entry))) {
        inBacklog += 1;
        continue;
      }
      candidates.push(entry);
    }
    // Only now is a job read: the pending partition also holds the jobs running (their lease is the
    // stuck detector's business) and retrying (their message comes back by itself); only a job still
    // waiting was perhaps never sent.
    const resend = (await deps.schedule.read(candidates)).filter((job) => job.status === JOB_STATUS.waiting);
    if (resend.length > 0) report = addReports(report, await enqueuePending(deps, await deps.schedule.pendingJobs(resend), 'reconciler'));
  }
  const result = { ...report, rounds: count, paused: skippedPaused, inBacklog };
  if (report.found > 0) deps.logger.warn('re-sent unclaimed jobs', { ...result });
  return result;
}

/** Whether an entry's lane holds messages it may be waiting behind, counted once per lane per run. */
function laneBacklogs(deps: ReconcileDeps): (entry: ScheduleEntry) => Promise<boolean> {
  const known = new Map<string, Promise<boolean>>();
  return (entry) => {
    const settings = deps.directory.settings(entry.queue);
    if (settings === undefined) return Promise.resolve(false);
    const url = deps.directory.laneUrl(settings, entry.lane);
    let found = known.get(url);
    if (found === undefined) {
      found = deps.queues.depth(url).then(
        (depth) => depth.visible + depth.delayed + (isFifoQueue(url) ? depth.inFlight : 0) > 0,
        // Unknown: treat the lane as busy, so a plain backlog is not re-sent; the patience still bounds the wait.
        () => true,
      );
      known.set(url, found);
    }
    return found;
  };
}
