import { JOB_STATUS } from '../../core/job';
import { enqueuePending, type EnqueueReport } from './enqueue-pending';
import { addReports, NO_REPORT, ROUND_PAGE_SIZE, timeForAnotherRound, type ScheduledRunDeps } from './scheduled-run';

/** How one sweep went: the jobs found, sent and left for the next run, and its rounds. */
export type SweepReport = EnqueueReport & { readonly rounds: number };

/**
 * The scheduled sweeper: sends delayed jobs whose time has come (delays past
 * SQS's 15 minutes, delays on FIFO queues, `run_at`). It reads the schedule
 * in rounds (a page of every shard, about a thousand jobs, the shards in
 * parallel), sends each round in batches of ten per lane and marks the jobs
 * sent, and goes on until every due job is sent or its run's time is nearly
 * spent; the next run (a minute later) picks up the rest. So 50,000
 * reminders due at 09:00 go out in one or two runs, as fast as SQS and the
 * table take them, not a thousand a minute.
 */
export async function sweepDueJobs(deps: ScheduledRunDeps, pageSize = ROUND_PAGE_SIZE): Promise<SweepReport> {
  const rounds = deps.schedule.rounds('delayed', deps.clock.now().getTime(), pageSize);
  let report = NO_REPORT;
  let count = 0;
  while (timeForAnotherRound(deps)) {
    const entries = await rounds.next();
    if (entries === undefined) break;
    count += 1;
    // A due entry's job is read before it is sent: one that moved on since (cancelled, claimed) is left alone.
    const due = (await deps.schedule.read(entries)).filter((job) => job.status === JOB_STATUS.delayed || job.status === JOB_STATUS.waiting);
    if (due.length === 0) continue;
    report = addReports(report, await enqueuePending(deps, await deps.schedule.pendingJobs(due), 'sweeper'));
  }
  if (report.found > 0) deps.logger.info('sweep done', { ...report, rounds: count });
  return { ...report, rounds: count };
}
