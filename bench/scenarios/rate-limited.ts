import { jobData, postBatches, type JobBody } from '../jobs';
import { queueSettings } from '../queues';
import type { RateLimitedResult } from '../results';
import { startRate } from '../stats';
import { drainTimeoutMs, stepName, type ScenarioContext } from './context';

/** The rate-limited queue of the scenario (the catalog's 100 a second). */
export const RATE_LIMITED_QUEUE = 'payments';
/** Jobs in the burst: five seconds' worth at 100/s. */
export const BURST_JOBS = 500;

/**
 * A burst of 500 jobs on {@link RATE_LIMITED_QUEUE}, posted in batches as
 * fast as the API takes them: the mean start rate the target saw, and its
 * peak in any one-second window, against the catalog's limit.
 */
export async function rateLimited(context: ScenarioContext): Promise<RateLimitedResult> {
  const step = stepName(context, 'rate-limited');
  const { progress, target } = context;
  const settings = queueSettings(RATE_LIMITED_QUEUE);
  const limit = settings.rateLimit === undefined ? Number.NaN : (settings.rateLimit.max * 1000) / settings.rateLimit.durationMs;
  target.reset();
  const runId = Math.random().toString(36).slice(2, 8);
  // The queue deduplicates by intent id: each job carries its own.
  const bodies: JobBody[] = Array.from({ length: BURST_JOBS }, (_, n) => ({ name: 'bench', data: jobData(512, { intentId: `bench-${runId}-${n}`, payload: { action: 'stk_push', amount: 1 }, n }) }));
  const posted = await postBatches(context.system, RATE_LIMITED_QUEUE, bodies, {
    concurrency: 5,
    onAnswer: (accepted) => progress.update(step, `${accepted} of ${BURST_JOBS} accepted`),
  });
  const ids = new Set(posted.jobIds);
  await target.waitForAll(posted.jobIds, {
    timeoutMs: drainTimeoutMs(BURST_JOBS),
    onTick: (answered) => progress.update(step, `${answered} of ${posted.jobIds.length} started (limit ${limit}/s)`),
  });
  const firstStarts = new Map<string, number>();
  for (const delivery of target.all()) if (ids.has(delivery.jobId) && !firstStarts.has(delivery.jobId)) firstStarts.set(delivery.jobId, delivery.start);
  const starts = [...firstStarts.values()];
  const rate = startRate(starts);
  return {
    scenario: 'rate-limited',
    system: context.system.name,
    queue: RATE_LIMITED_QUEUE,
    jobs: posted.jobIds.length,
    limit_per_s: limit,
    seconds: (Math.max(...starts) - Math.min(...starts)) / 1000,
    mean_per_s: rate.meanPerSecond,
    peak_per_s: rate.peakInWindow,
  };
}
