import { DEFAULT_LANE, type Lane } from './lanes';
import type { QueueDefinition } from './queue-config';

/**
 * The jobs in flight of one queue, shared by every consumer invocation of
 * every lane: each invocation holds some of the queue's `concurrency` slots
 * under a lease, and runs that many of its batch's jobs at once.
 */

/** Slots one invocation holds, and until when (epoch ms): a crashed holder's slots come back then. */
export interface PoolHolder {
  readonly slots: number;
  readonly untilMs: number;
}

/** The pool as stored: its holders by token. */
export type PoolHolders = Readonly<Record<string, PoolHolder>>;

/** What an invocation asks the pool for. */
export interface SlotAsk {
  /** The invocation's own token (unique per invocation). */
  readonly token: string;
  /** Slots it could use: jobs (or FIFO groups) of its batch that can start. */
  readonly wanted: number;
  /** The queue's concurrency: slots held by all never exceed it. */
  readonly limit: number;
  /** Slots this lane must leave free for the lanes above it (see {@link laneHeadroom}). */
  readonly headroom: number;
  readonly nowMs: number;
  /** When the slots come back if the holder never gives them back (its function timeout). */
  readonly untilMs: number;
}

/** The pool's answer: slots granted (maybe 0) and the holders to store. */
export interface SlotGrant {
  readonly granted: number;
  /** Live holders (expired ones dropped), with the asker's when granted. */
  readonly holders: Record<string, PoolHolder>;
}

/**
 * Slots held right now: expired holders (a crashed or timed-out invocation)
 * do not count.
 *
 * @example
 * slotsHeld({ a: { slots: 3, untilMs: 100 }, b: { slots: 2, untilMs: 5 } }, 10); // 3
 */
export function slotsHeld(holders: PoolHolders, nowMs: number): number {
  return Object.values(holders).reduce((sum, holder) => (holder.untilMs > nowMs ? sum + holder.slots : sum), 0);
}

/**
 * Grants an invocation as many slots as it wants and the pool has free,
 * keeping the lane's headroom free, and the holders to store. Expired holders
 * are dropped; an asker that already holds slots keeps them and gets more.
 *
 * @example
 * grantSlots({ a: { slots: 8, untilMs: 9e12 } }, { token: 'b', wanted: 10, limit: 10, headroom: 0, nowMs: 0, untilMs: 1000 });
 * // { granted: 2, holders: { a: …, b: { slots: 2, untilMs: 1000 } } }
 */
export function grantSlots(holders: PoolHolders, ask: SlotAsk): SlotGrant {
  const live: Record<string, PoolHolder> = {};
  for (const [token, holder] of Object.entries(holders)) {
    if (holder.untilMs > ask.nowMs) live[token] = holder;
  }
  const free = ask.limit - ask.headroom - slotsHeld(live, ask.nowMs);
  const granted = Math.max(Math.min(ask.wanted, free), 0);
  if (granted > 0) {
    const own = live[ask.token];
    live[ask.token] = { slots: (own?.slots ?? 0) + granted, untilMs: Math.max(own?.untilMs ?? 0, ask.untilMs) };
  }
  return { granted, holders: live };
}

/** The share of a laned queue's concurrency kept free for the lanes above `normal`: a fifth. */
const HEADROOM_SHARE = 0.2;

/**
 * Slots a lane leaves free for higher lanes: none for `urgent` and on a queue
 * without lanes; on a laned queue, a fifth of the concurrency (at least 1
 * when the concurrency is 2 or more) for every other lane. A backlog of
 * normal jobs on a queue of concurrency 10 thus runs 8 at a time, and an
 * urgent job arriving behind it starts at once on a slot kept free for it.
 *
 * @example
 * laneHeadroom({ lanes: true, concurrency: 10 }, 'normal'); // 2
 * laneHeadroom({ lanes: true, concurrency: 10 }, 'urgent'); // 0
 */
export function laneHeadroom(definition: Pick<QueueDefinition, 'lanes' | 'concurrency'>, lane: Lane): number {
  if (!definition.lanes || lane === DEFAULT_LANE || lane === 'urgent' || definition.concurrency < 2) return 0;
  return Math.max(1, Math.floor(definition.concurrency * HEADROOM_SHARE));
}
