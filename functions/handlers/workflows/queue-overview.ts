import type { MetricsStore } from '../../adapters/dynamodb-metrics-store';
import type { JobCensus } from '../../adapters/job-census';
import type { PauseStore } from '../../adapters/pause-store';
import type { QueueClient } from '../../adapters/queue-client';
import { lanesOf } from '../../core/lanes';
import type { QueueSettings } from '../../core/runtime-config';
import { deadLetterQueueName, queueUrl } from '../../core/queue-names';
import type { Clock } from '../../adapters/clock';
import type { QueueCounts } from '../../core/health-snapshot';
import type { QueueDirectory } from './queue-directory';

/** One queue's counts (defined in core, where the health snapshot stores them). */
export type { QueueCounts };

/** What reading queue counts needs. */
export interface OverviewDeps {
  readonly queues: Pick<QueueClient, 'depth'>;
  readonly metrics: Pick<MetricsStore, 'totalsSince'>;
  readonly census: JobCensus;
  readonly pauses: Pick<PauseStore, 'pausedQueues'>;
  readonly directory: QueueDirectory;
  readonly clock: Clock;
  readonly queueUrlBase: string;
  readonly prefix: string;
}

/** What one reading of every queue's counts shares: the reads that cover all queues at once. */
export interface SharedCounts {
  /** Jobs the sweeper sends when due, by queue. */
  readonly delayedInStore: ReadonlyMap<string, number>;
  /** The paused queues. */
  readonly paused: ReadonlySet<string>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The reads every queue's counts share, made once: the store's delayed jobs and the pause items. */
export async function sharedCounts(deps: Pick<OverviewDeps, 'census' | 'pauses'>): Promise<SharedCounts> {
  const [delayedInStore, paused] = await Promise.all([deps.census.delayedInStore(), deps.pauses.pausedQueues()]);
  return { delayedInStore, paused };
}

/**
 * A queue's counts as they are now: waiting, active and delayed from SQS's
 * approximate counts over its lanes, delayed plus the jobs the sweeper sends
 * when due; failed from the failed index (failed for good and not redriven
 * or purged); completed from the 24 h counters; the DLQ's depth. `sharedReads`
 * are those every queue shares ({@link sharedCounts}), made once per reading.
 */
export async function queueCounts(deps: OverviewDeps, settings: QueueSettings, sharedReads: SharedCounts | Promise<SharedCounts>): Promise<QueueCounts> {
  const [lanes, deadLetter, totals, failed, shared] = await Promise.all([
    Promise.all(lanesOf(settings).map((lane) => deps.queues.depth(deps.directory.laneUrl(settings, lane)))),
    deps.queues.depth(queueUrl(deps.queueUrlBase, deadLetterQueueName(deps.prefix, settings))),
    deps.metrics.totalsSince(settings.name, new Date(deps.clock.now().getTime() - DAY_MS)),
    deps.census.failedNow(settings.name),
    sharedReads,
  ]);
  const sum = (pick: (depth: (typeof lanes)[number]) => number) => lanes.reduce((total, depth) => total + pick(depth), 0);
  return {
    waiting: sum((depth) => depth.visible),
    active: sum((depth) => depth.inFlight),
    delayed: sum((depth) => depth.delayed) + (shared.delayedInStore.get(settings.name) ?? 0),
    completed: totals.completed,
    failed,
    dlq: deadLetter.visible + deadLetter.inFlight,
    paused: shared.paused.has(settings.name),
  };
}

/** Every queue's counts, by queue name: what one refresh of the health snapshot reads. */
export async function allQueueCounts(deps: OverviewDeps, settings: readonly QueueSettings[]): Promise<Record<string, QueueCounts>> {
  // Made once, alongside every queue's own reads.
  const shared = sharedCounts(deps);
  return Object.fromEntries(await Promise.all(settings.map(async (queue) => [queue.name, await queueCounts(deps, queue, shared)] as const)));
}
