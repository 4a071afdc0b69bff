import { jobData, postBatches, postSingles, type JobBody } from '../jobs';
import type { PriorityResult } from '../results';
import { priorityOutcome } from '../stats';
import { urgentReadyInstances } from '../queues';
import { drainTimeoutMs, stepName, type ScenarioContext } from './context';

/** The laned queue of the priority and concurrency scenarios. */
export const LANED_QUEUE = 'webhook-delivery';

/**
 * A backlog of `jobs` normal jobs on {@link LANED_QUEUE} (posted in batches),
 * then one urgent job: how long until the target has it, how many normal
 * jobs arrived meanwhile, and the share of the backlog it overtook. Waits for
 * the whole backlog, so the next scenario starts on an empty queue.
 */
export async function priority(context: ScenarioContext): Promise<PriorityResult> {
  const step = stepName(context, 'priority');
  const { progress, target, jobs } = context;
  target.reset();
  const backlogBodies: JobBody[] = Array.from({ length: jobs }, (_, n) => ({ name: 'bench', data: jobData(512, { kind: 'backlog', n }), priority: 'normal' }));
  const backlog = await postBatches(context.system, LANED_QUEUE, backlogBodies, {
    concurrency: 5,
    onAnswer: (accepted) => progress.update(step, `backlog: ${accepted} of ${jobs} accepted`),
  });
  const postedAt = Date.now();
  const urgent = await postSingles(context.system, LANED_QUEUE, [{ name: 'bench', data: jobData(512, { kind: 'urgent' }), priority: 'urgent' }], { concurrency: 1 });
  const urgentId = urgent.jobIds[0] ?? '';
  await target.waitForAll([urgentId, ...backlog.jobIds], {
    timeoutMs: drainTimeoutMs(jobs),
    onTick: (answered) => progress.update(step, `${target.answeredAt(urgentId) === undefined ? 'urgent job waiting' : 'urgent job delivered'}; ${answered} of ${jobs + 1} delivered`),
  });
  const outcome = priorityOutcome({
    arrivals: target.all().map((delivery) => ({ jobId: delivery.jobId, at: delivery.start })),
    urgentJobId: urgentId,
    postedAt,
    backlog: backlog.jobIds,
  });
  return {
    scenario: 'priority',
    system: context.system.name,
    queue: LANED_QUEUE,
    backlog: backlog.jobIds.length,
    waiting_at_post: outcome.waitingAtPost,
    latency_ms: outcome.latencyMs,
    delivered_meanwhile: outcome.deliveredMeanwhile,
    ahead_of: outcome.aheadOf,
    ahead_share: outcome.aheadShare,
    ahead_share_of_backlog: outcome.aheadShareOfBacklog,
    provisioned_concurrency: context.system.name === 'pipeline' ? urgentReadyInstances(LANED_QUEUE) : null,
  };
}
