import type { MetricsStore } from '../../adapters/dynamodb-metrics-store';
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
  readonly directory: QueueDirectory;
  readonly clock: Clock;
  readonly queueUrlBase: string;
  readonly prefix: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A queue's counts: waiting, active and delayed from SQS's approximate counts
 * over its lanes; completed and failed from the 24 h counters; the DLQ's depth.
 * Jobs delayed beyond 15 minutes wait in the job store and are not counted here.
 */
export async function queueCounts(deps: OverviewDeps, settings: QueueSettings): Promise<QueueCounts> {
  const [lanes, deadLetter, totals] = await Promise.all([
    Promise.all(lanesOf(settings).map((lane) => deps.queues.depth(deps.directory.laneUrl(settings, lane)))),
    deps.queues.depth(queueUrl(deps.queueUrlBase, deadLetterQueueName(deps.prefix, settings))),
    deps.metrics.totalsSince(settings.name, new Date(deps.clock.now().getTime() - DAY_MS)),
  ]);
  const sum = (pick: (depth: (typeof lanes)[number]) => number) => lanes.reduce((total, depth) => total + pick(depth), 0);
  return {
    waiting: sum((depth) => depth.visible),
    active: sum((depth) => depth.inFlight),
    delayed: sum((depth) => depth.delayed),
    completed: totals.completed,
    failed: totals.failed,
    dlq: deadLetter.visible + deadLetter.inFlight,
  };
}

/** Every queue's counts, by queue name: what one refresh of the health snapshot reads. */
export async function allQueueCounts(deps: OverviewDeps, settings: readonly QueueSettings[]): Promise<Record<string, QueueCounts>> {
  return Object.fromEntries(await Promise.all(settings.map(async (queue) => [queue.name, await queueCounts(deps, queue)] as const)));
}
