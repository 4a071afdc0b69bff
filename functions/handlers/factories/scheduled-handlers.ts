import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import type { StuckCounts } from '../../adapters/stuck-metrics';
import { detectStuck, type StuckDeps } from '../workflows/detect-stuck';
import { reconcileUnclaimed, type ReconcileDeps, type ReconcileReport } from '../workflows/reconcile';
import { rollUpCounters, type CounterRollupDeps } from '../workflows/roll-up-counters';
import type { ScheduledRunDeps } from '../workflows/scheduled-run';
import { sweepDueJobs, type SweepReport } from '../workflows/sweep';

/** A scheduled function's dependencies, without the run's remaining time, which each invocation's context gives. */
type PerContainer<T extends ScheduledRunDeps> = Omit<T, 'remainingMs'>;

/** The dependencies of one run: the container's, and the time the invocation has left. */
function forRun<T extends ScheduledRunDeps>(deps: PerContainer<T>, context: Context): T {
  return { ...deps, remainingMs: () => context.getRemainingTimeInMillis() } as T;
}

/** The sweeper Lambda, run every minute by a schedule; it loops until its time is nearly spent. */
export function createSweeperHandler(deps: PerContainer<ScheduledRunDeps>) {
  return middy<unknown, SweepReport>()
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    .handler((_event, context) => sweepDueJobs(forRun(deps, context)));
}

/** How one reconciler run went: its re-sends, and the hour items of counters it rolled up. */
export type ReconcilerRunReport = ReconcileReport & { readonly hoursRolledUp: number };

/**
 * The reconciler Lambda, run on a schedule; re-sends jobs unclaimed past
 * their queue's threshold and, alongside, rolls up the queues' finished hours
 * of counters (which never fails the run: a queue it misses waits for the next).
 */
export function createReconcilerHandler(deps: PerContainer<ReconcileDeps> & CounterRollupDeps) {
  return middy<unknown, ReconcilerRunReport>()
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    .handler(async (_event, context) => {
      const [reconciled, hoursRolledUp] = await Promise.allSettled([reconcileUnclaimed(forRun(deps, context)), rollUpCounters(deps)]);
      if (reconciled.status === 'rejected') throw reconciled.reason;
      return { ...reconciled.value, hoursRolledUp: hoursRolledUp.status === 'fulfilled' ? hoursRolledUp.value : 0 };
    });
}

/** The stuck-job detector Lambda, run on a schedule. */
export function createStuckDetectorHandler(deps: PerContainer<StuckDeps>) {
  return middy<unknown, StuckCounts>()
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    .handler((_event, context) => detectStuck(forRun(deps, context)));
}
