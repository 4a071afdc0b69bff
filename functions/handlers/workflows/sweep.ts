import { enqueuePending, type EnqueueDeps, type EnqueueReport } from './enqueue-pending';

/** The most jobs one sweep sends; the rest wait for the next minute. */
export const SWEEP_LIMIT = 1000;

/**
 * The scheduled sweeper: sends delayed jobs whose time has come (delays past
 * SQS's 15 minutes, delays on FIFO queues, `run_at`).
 */
export async function sweepDueJobs(deps: EnqueueDeps, limit = SWEEP_LIMIT): Promise<EnqueueReport> {
  const due = await deps.store.listDue(deps.clock.now(), limit);
  const report = await enqueuePending(deps, due, 'sweeper');
  if (report.found > 0) deps.logger.info('sweep done', { ...report });
  return report;
}
