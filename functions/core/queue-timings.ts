import { jsonText } from './json-text';
import * as z from './validation';
import { consumerSizing } from './consumer-sizing';
import type { QueueDefinition } from './queue-config';

/** How often the reconciler runs (its EventBridge rule), in seconds. */
export const RECONCILE_PERIOD_SECONDS = 300;

/** How often the sweeper runs, in seconds. */
export const SWEEP_PERIOD_SECONDS = 60;

/**
 * A waiting job in a lane that holds other messages is taken to be in that
 * backlog, and is sent again only once it has waited this many thresholds:
 * a plain backlog is not re-sent, a lost message in a busy lane still is.
 */
export const BACKLOG_PATIENCE = 3;

/** Time added to every stuck bound: for clocks, a late schedule, CloudWatch's own minute. */
export const STUCK_MARGIN_SECONDS = 300;

/** What the reconciler and the stuck-job detector know of one queue's times, in seconds. */
export interface QueueTimings {
  /** A waiting job unclaimed this long after its last send is sent again (lane permitting). */
  readonly reconcileAfterSeconds: number;
  /**
   * An active job whose lease ended this long ago is stuck: by then SQS has
   * brought its message back (the lane's visibility timeout) and a claim has
   * taken the job over, unless the message is gone.
   */
  readonly activeStuckAfterSeconds: number;
}

/**
 * A queue's times: the catalog's `reconcileAfterSeconds`, or else the stack's
 * default but never less than the consumer's function timeout (a message
 * received in a batch may wait that long, behind the jobs before it, before
 * its claim); and the active-job bound from the lanes' visibility timeout.
 *
 * @example
 * queueTimingsOf(definition, 900); // { reconcileAfterSeconds: 900, activeStuckAfterSeconds: 2700 }
 */
export function queueTimingsOf(definition: QueueDefinition, stackDefaultSeconds: number): QueueTimings {
  const sizing = consumerSizing(definition);
  return {
    reconcileAfterSeconds: definition.reconcileAfterSeconds ?? Math.max(stackDefaultSeconds, sizing.functionTimeoutSeconds),
    activeStuckAfterSeconds: sizing.visibilityTimeoutSeconds + STUCK_MARGIN_SECONDS,
  };
}

/**
 * Whether the reconciler sends a waiting job again: it has gone unclaimed for
 * the queue's threshold and either its lane holds nothing it could be waiting
 * behind (so its message is lost, or received and about to be claimed: a copy
 * is harmless), or it has waited {@link BACKLOG_PATIENCE} thresholds, longer
 * than a backlog explains.
 */
export function shouldResend(input: { readonly waitedMs: number; readonly thresholdMs: number; readonly laneHasBacklog: boolean }): boolean {
  if (input.waitedMs < input.thresholdMs) return false;
  return !input.laneHasBacklog || input.waitedMs >= input.thresholdMs * BACKLOG_PATIENCE;
}

/**
 * How long a waiting job may go unclaimed before the stuck-job detector calls
 * it stuck: past what the reconciler's backlog patience explains, plus one
 * reconciler period and the margin.
 */
export function waitingStuckAfterSeconds(timings: QueueTimings): number {
  return timings.reconcileAfterSeconds * (BACKLOG_PATIENCE + 1) + RECONCILE_PERIOD_SECONDS + STUCK_MARGIN_SECONDS;
}

/** How long past its due time a delayed job may wait for the sweeper before it is stuck. */
export const DELAYED_STUCK_AFTER_SECONDS = 5 * SWEEP_PERIOD_SECONDS + STUCK_MARGIN_SECONDS;

/**
 * `QUEUE_TIMINGS`, as the stack writes it for the reconciler and the stuck
 * detector: `{ "<queue>": [reconcileAfterSeconds, activeStuckAfterSeconds] }`,
 * compact because every byte counts against Lambda's 4 KB environment.
 */
export const queueTimingsVariableSchema = z.pipe(
  z.pipe(z.string({ error: 'QUEUE_TIMINGS is required' }), z.transform(jsonText('QUEUE_TIMINGS must be JSON'))),
  z.pipe(
    z.record(
      z.string().check(z.minLength(1)),
      z.tuple([z.number().check(z.int(), z.minimum(1)), z.number().check(z.int(), z.minimum(1))]),
      { error: 'QUEUE_TIMINGS must map each queue to [reconcileAfterSeconds, activeStuckAfterSeconds]' },
    ),
    z.transform((entries) => {
      const timings = new Map<string, QueueTimings>();
      for (const [queue, [reconcileAfterSeconds, activeStuckAfterSeconds]] of Object.entries(entries)) {
        timings.set(queue, { reconcileAfterSeconds, activeStuckAfterSeconds });
      }
      return timings;
    }),
  ),
);

/** The `QUEUE_TIMINGS` value of a catalog. */
export function queueTimingsVariable(definitions: readonly QueueDefinition[], stackDefaultSeconds: number): string {
  return JSON.stringify(
    Object.fromEntries(
      definitions.map((definition) => {
        const timings = queueTimingsOf(definition, stackDefaultSeconds);
        return [definition.name, [timings.reconcileAfterSeconds, timings.activeStuckAfterSeconds]];
      }),
    ),
  );
}
