import { MAX_ATTEMPTS } from './job-request';
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

/** SQS refuses a redrive policy whose `maxReceiveCount` is above this. */
export const SQS_MAX_RECEIVE_COUNT = 1000;

/** The most messages one receive (and so one consumer batch) holds: a FIFO batch may be ten messages of one group. */
const MOST_MESSAGES_PER_RECEIVE = 10;

/**
 * The SQS `maxReceiveCount` of a queue's lanes. It is sized from the most
 * attempts any request may ask for ({@link MAX_ATTEMPTS}, not the catalog's
 * default), so the consumer, which counts attempts in the job record and
 * dead-letters by that count with the record failed, always decides before
 * SQS's backstop moves a bare message. The consumer also refuses to return a
 * message whose next receive would reach this count (it re-sends a fresh copy
 * on a standard queue, or dead-letters the job on a FIFO one), so the backstop
 * only ever catches a consumer that crashes before it claims.
 *
 * The bound, per message (A = {@link MAX_ATTEMPTS} = 25, d = `deferralAllowance`):
 * - standard queue: A + d. Each attempt is one receive, at most A; a rate or
 *   lane deferral deletes the message and sends a fresh copy (a new receive
 *   count), so it spends none; what is left for d is holds (a duplicate copy
 *   while another consumer holds the job), early copies fenced by `retry_at`,
 *   returns after unexpected errors, and throttled receives.
 * - FIFO queue: 10 × A + d. A message is received with up to 9 messages of its
 *   group ahead of it in the same batch, and every retry of one of those
 *   returns it too (the group waits as a whole): at most 9 × (A − 1) receives,
 *   plus its own A, which is under 10 × A. A group that waits for a rate slot
 *   spends one receive per message in the batch; the consumer waits in process
 *   for any slot within (concurrency + 1) slot intervals (see
 *   `slotHorizonMs`), which covers every slot the other consumers of the queue
 *   can hold at once, so such a deferral happens only when the limiter's write
 *   keeps colliding or that wait would pass its cap, and d absorbs it.
 *
 * Capped at SQS's limit of {@link SQS_MAX_RECEIVE_COUNT}.
 *
 * @example
 * maxReceiveCount({ fifo: false, deferralAllowance: 10 }); // 35
 * maxReceiveCount({ fifo: true, deferralAllowance: 10 }); // 260
 */
export function maxReceiveCount(definition: Pick<QueueDefinition, 'fifo' | 'deferralAllowance'>): number {
  const attemptsReceives = definition.fifo ? MOST_MESSAGES_PER_RECEIVE * MAX_ATTEMPTS : MAX_ATTEMPTS;
  return Math.min(attemptsReceives + definition.deferralAllowance, SQS_MAX_RECEIVE_COUNT);
}
