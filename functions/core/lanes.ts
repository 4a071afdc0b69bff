import type { QueueDefinition } from './queue-config';
import { PRIORITY_ORDER, type PriorityLevel } from './priority';

/** A queue without priority lanes has one lane, `default`. */
export const DEFAULT_LANE = 'default';

/** A lane: a priority level on a laned queue, or `default`. */
export type Lane = PriorityLevel | typeof DEFAULT_LANE;

/** The lanes of a queue, the highest first. */
export function lanesOf(definition: Pick<QueueDefinition, 'lanes'>): Lane[] {
  return definition.lanes ? [...PRIORITY_ORDER] : [DEFAULT_LANE];
}

/** The lane a job of this priority goes to. */
export function laneFor(definition: Pick<QueueDefinition, 'lanes'>, priority: PriorityLevel): Lane {
  return definition.lanes ? priority : DEFAULT_LANE;
}

/** Lanes above this one, whose backlog makes it yield; none for `default`. */
export function lanesAbove(lane: Lane): PriorityLevel[] {
  if (lane === DEFAULT_LANE) return [];
  return PRIORITY_ORDER.slice(0, PRIORITY_ORDER.indexOf(lane));
}

/** Lambda's event source mapping runs at least two batches at a time per queue. */
export const MIN_LANE_CONCURRENCY = 2;

const LANE_WEIGHT: Record<PriorityLevel, number> = { urgent: 4, high: 3, normal: 2, low: 1 };

/**
 * Each lane's share of the queue's concurrency (its event source mapping's
 * `MaximumConcurrency`): weighted towards higher lanes, at least 2 each.
 *
 * @example
 * laneConcurrency({ lanes: true, concurrency: 10 }); // { urgent: 4, high: 3, normal: 2, low: 2 }
 */
export function laneConcurrency(definition: Pick<QueueDefinition, 'lanes' | 'concurrency'>): Record<string, number> {
  const lanes = lanesOf(definition);
  if (!definition.lanes) return { [DEFAULT_LANE]: Math.max(definition.concurrency, MIN_LANE_CONCURRENCY) };
  const total = lanes.reduce((sum, lane) => sum + LANE_WEIGHT[lane as PriorityLevel], 0);
  return Object.fromEntries(
    lanes.map((lane) => [
      lane,
      Math.max(MIN_LANE_CONCURRENCY, Math.round((definition.concurrency * LANE_WEIGHT[lane as PriorityLevel]) / total)),
    ]),
  );
}

/**
 * The SQS `maxReceiveCount` of a queue's redrive policy: above `attempts`, with
 * room for receives that spend no attempt (deferrals by the rate limiter or a
 * higher lane, throttled invocations).
 */
export function maxReceiveCount(definition: Pick<QueueDefinition, 'attempts' | 'deferralAllowance'>): number {
  return definition.attempts + definition.deferralAllowance;
}
