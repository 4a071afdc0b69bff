import { enqueuePending, type EnqueueDeps, type EnqueueReport } from './enqueue-pending';

/** The most jobs one reconciler run re-sends. */
export const RECONCILE_LIMIT = 1000;

/**
 * The scheduled reconciler: a job that was accepted (its record is durable) but
 * has not been claimed `afterSeconds` after it was due is sent again, in case
 * the ingest died between its record and its send. Each re-send restarts the
 * job's clock, so a job waiting behind a long backlog is re-sent at most once
 * per period, and the extra copy is harmless: only one claim succeeds.
 */
export async function reconcileUnclaimed(deps: EnqueueDeps, afterSeconds: number, limit = RECONCILE_LIMIT): Promise<EnqueueReport> {
  const dueBefore = new Date(deps.clock.now().getTime() - afterSeconds * 1000);
  const stale = await deps.store.listUnclaimed(dueBefore, limit);
  const report = await enqueuePending(deps, stale, 'reconciler');
  if (report.found > 0) deps.logger.warn('re-sent unclaimed jobs', { ...report, after_seconds: afterSeconds });
  return report;
}
