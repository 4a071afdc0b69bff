import type { QueueDepth } from '../../../adapters/queue-client';
import type { Counters } from '../../../adapters/dynamodb-metrics-store';
import { pollingCount } from '../../../adapters/event-source-control';
import type { QueueSettings } from '../../../core/runtime-config';
import { queueCounts, sharedCounts, type SharedCounts } from '../queue-overview';
import type { AdminDeps } from './admin-deps';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Why the lanes' oldest message age is not in the answer. */
export const OLDEST_AGE_NOTE =
  "SQS's API reports no message age (only CloudWatch's ApproximateAgeOfOldestMessage does), so lanes show null; " +
  "the dead-letter queue's age is that of its oldest failed job in the job records.";

/** One lane's counts. */
export interface LaneView {
  readonly lane: string;
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
}

/** One queue in `GET /admin/queues`. */
export interface QueueView {
  readonly queue: string;
  readonly fifo: boolean;
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly completed_24h: number;
  /** Failed for good now, their letters in the DLQ (the failed index). */
  readonly failed: number;
  readonly failed_24h: number;
  readonly retried_24h: number;
  readonly dlq: number;
  /** Age of the oldest failed job still in the dead-letter queue, from the job records. */
  readonly dlq_oldest_age_seconds: number | null;
  /** Not available from SQS's API: see {@link OLDEST_AGE_NOTE}. */
  readonly oldest_message_age_seconds: null;
  /** From the queue's pause item, the state of record (see `consumer-switch.ts`). */
  readonly paused: boolean;
  /**
   * The consumer and its mappings; `polling` counts those enabled or enabling,
   * so a paused queue whose mapping a deploy re-enabled shows it (its
   * consumer then hands every batch back and disables the mapping again).
   */
  readonly consumer: { readonly function: string; readonly mappings: number; readonly polling: number };
  readonly lanes: readonly LaneView[];
}

/** Remembers each answer of `fn` by key for one request, so shared helpers cost no extra calls. */
function memo<A, R>(fn: (arg: A) => Promise<R>, key: (arg: A) => string): (arg: A) => Promise<R> {
  const seen = new Map<string, Promise<R>>();
  return (arg) => {
    const id = key(arg);
    let found = seen.get(id);
    if (found === undefined) {
      found = fn(arg);
      seen.set(id, found);
    }
    return found;
  };
}

/**
 * Every queue with each lane's counts: the shared `queueCounts` (the health
 * routes' numbers) over depth and counter reads remembered for the request,
 * so the lane breakdown and the 24 h retried count reuse them; paused from
 * the queues' pause items (one query for all).
 */
export async function queuesView(deps: AdminDeps): Promise<QueueView[]> {
  const now = deps.clock.now();
  const shared = await sharedCounts(deps);
  const since = new Date(now.getTime() - DAY_MS);
  const depth = memo((url: string): Promise<QueueDepth> => deps.queues.depth(url), (url) => url);
  const totals = memo((queue: string): Promise<Counters> => deps.metrics.totalsSince(queue, since), (queue) => queue);
  const overview = {
    queues: { depth },
    metrics: { totalsSince: (queue: string) => totals(queue) },
    census: deps.census,
    pauses: deps.pauses,
    directory: deps.directory,
    clock: { now: () => now, sleep: deps.clock.sleep },
    queueUrlBase: deps.queueUrlBase,
    prefix: deps.prefix,
  };
  return Promise.all(deps.settings.map((settings) => queueView(deps, overview, settings, shared, depth, totals, now)));
}

async function queueView(
  deps: AdminDeps,
  overview: Parameters<typeof queueCounts>[0],
  settings: QueueSettings,
  shared: SharedCounts,
  depth: (url: string) => Promise<QueueDepth>,
  totals: (queue: string) => Promise<Counters>,
  now: Date,
): Promise<QueueView> {
  const locations = deps.locate(settings);
  const consumer = deps.consumerFunctions[settings.name] ?? '';
  const [counts, lanes, counters, oldest, mappings] = await Promise.all([
    queueCounts(overview, settings, shared),
    Promise.all(locations.lanes.map(async (lane) => ({ lane: lane.lane, ...(await depth(lane.url)) }))),
    totals(settings.name),
    deps.store.listFailed(settings.name, { limit: 1, order: 'oldest' }),
    deps.eventSources.list(consumer),
  ]);
  const oldestFailed = oldest.jobs[0]?.failedAt;
  return {
    queue: settings.name,
    fifo: settings.fifo,
    waiting: counts.waiting,
    active: counts.active,
    delayed: counts.delayed,
    completed_24h: counts.completed,
    failed: counts.failed,
    failed_24h: counters.failed,
    retried_24h: counters.retried,
    dlq: counts.dlq,
    dlq_oldest_age_seconds: oldestFailed === undefined ? null : Math.max(0, Math.floor((now.getTime() - oldestFailed.getTime()) / 1000)),
    oldest_message_age_seconds: null,
    paused: counts.paused,
    consumer: { function: consumer, mappings: mappings.length, polling: pollingCount(mappings) },
    lanes: lanes.map((lane) => ({ lane: lane.lane, waiting: lane.visible, active: lane.inFlight, delayed: lane.delayed })),
  };
}
