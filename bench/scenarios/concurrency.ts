import { jobData, postBatches, type JobBody } from '../jobs';
import { queueSettings } from '../queues';
import type { ConcurrencyResult } from '../results';
import { maxInFlight } from '../stats';
import { drainTimeoutMs, stepName, type ScenarioContext } from './context';
import { LANED_QUEUE } from './priority';

/** Jobs in the slow-target backlog. */
export const SLOW_BACKLOG_JOBS = 300;
/** How long the target takes to answer each, ms. */
export const SLOW_TARGET_MS = 200;

/**
 * A backlog of 300 normal jobs on {@link LANED_QUEUE} at a target that takes
 * 200 ms per delivery: the drain time and the most deliveries in flight at
 * once, as the target saw them (the catalog's concurrency is the most there
 * should ever be, and what a backlog should get).
 */
export async function concurrency(context: ScenarioContext): Promise<ConcurrencyResult> {
  const step = stepName(context, 'concurrency');
  const { progress, target } = context;
  target.reset();
  const bodies: JobBody[] = Array.from({ length: SLOW_BACKLOG_JOBS }, (_, n) => ({
    name: 'bench',
    data: jobData(512, { kind: 'slow', n, delay_ms: SLOW_TARGET_MS }),
    priority: 'normal',
  }));
  const posted = await postBatches(context.system, LANED_QUEUE, bodies, {
    concurrency: 3,
    onAnswer: (accepted) => progress.update(step, `${accepted} of ${SLOW_BACKLOG_JOBS} accepted`),
  });
  const ids = new Set(posted.jobIds);
  const lastAnswered = await target.waitForAll(posted.jobIds, {
    timeoutMs: drainTimeoutMs(SLOW_BACKLOG_JOBS) + SLOW_BACKLOG_JOBS * SLOW_TARGET_MS,
    onTick: (answered) => {
      const open = target.all().filter((delivery) => delivery.end === 0).length;
      progress.update(step, `${answered} of ${posted.jobIds.length} delivered, ${open} in flight`);
    },
  });
  const intervals = target
    .all()
    .filter((delivery) => ids.has(delivery.jobId))
    .map((delivery) => ({ start: delivery.start, end: delivery.end === 0 ? Number.POSITIVE_INFINITY : delivery.end }));
  return {
    scenario: 'concurrency',
    system: context.system.name,
    queue: LANED_QUEUE,
    jobs: posted.jobIds.length,
    target_delay_ms: SLOW_TARGET_MS,
    concurrency_limit: queueSettings(LANED_QUEUE).concurrency,
    seconds: (lastAnswered - posted.firstAcceptedAt) / 1000,
    max_in_flight: maxInFlight(intervals),
  };
}
