import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { EnqueueDeps, EnqueueReport } from '../workflows/enqueue-pending';
import { reconcileUnclaimed } from '../workflows/reconcile';
import { sweepDueJobs } from '../workflows/sweep';

/** The sweeper Lambda, run every minute by a schedule. */
export function createSweeperHandler(deps: EnqueueDeps) {
  return middy<unknown, EnqueueReport>()
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    .handler(() => sweepDueJobs(deps));
}

/** The reconciler Lambda, run on a schedule; re-sends jobs unclaimed `afterSeconds` past due. */
export function createReconcilerHandler(deps: EnqueueDeps, afterSeconds: number) {
  return middy<unknown, EnqueueReport>()
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    .handler(() => reconcileUnclaimed(deps, afterSeconds));
}
