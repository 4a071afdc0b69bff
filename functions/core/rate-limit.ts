/** A queue's limiter, as in BullMQ's `limiter: { max, duration }`. */
export interface RateLimit {
  readonly max: number;
  readonly durationMs: number;
}

/** What a reservation asks the limiter for. */
export interface SlotRequest {
  /** Jobs that want to start. */
  readonly wanted: number;
  /** Now, in epoch milliseconds. */
  readonly nowMs: number;
  /** Slots further ahead than this are not granted; those jobs are deferred. */
  readonly horizonMs: number;
}

/** The limiter's answer. */
export interface SlotReservation {
  /** Start times granted, in epoch ms, one per job, in order; the caller waits for each. */
  readonly slots: number[];
  /** The limiter state to store: the earliest time the next slot can start. */
  readonly nextFreeMs: number;
  /** For jobs not granted: how long until a slot is likely free, in ms. */
  readonly deferMs: number;
}

/**
 * Reserves start times for jobs under a rate limit, spacing starts evenly by
 * `durationMs / max` (a generic cell rate algorithm: a token bucket of one).
 * Starts spaced that way never exceed `max` in any window of `durationMs`,
 * however the window is placed.
 *
 * @param nextFreeMs - the stored state, or undefined for a fresh limiter
 * @example
 * reserveSlots(undefined, { max: 5, durationMs: 1000 }, { wanted: 3, nowMs: 0, horizonMs: 1000 });
 * // { slots: [0, 200, 400], nextFreeMs: 600, deferMs: 0 }
 */
export function reserveSlots(nextFreeMs: number | undefined, limit: RateLimit, request: SlotRequest): SlotReservation {
  const interval = limit.durationMs / limit.max;
  const start = Math.max(nextFreeMs ?? request.nowMs, request.nowMs);
  const slots: number[] = [];
  for (let i = 0; i < request.wanted; i += 1) {
    const slot = start + i * interval;
    if (slot > request.nowMs + request.horizonMs) break;
    slots.push(Math.ceil(slot));
  }
  const nextFree = start + slots.length * interval;
  const deferMs = slots.length === request.wanted ? 0 : Math.max(Math.ceil(nextFree - request.nowMs), 0);
  return { slots, nextFreeMs: nextFree, deferMs };
}

/** How late a rate-limited start may be after its slot before the slot is given up. */
export const LATE_START_TOLERANCE_MS = 50;

/** How far ahead a consumer of a standard queue waits in process for a slot before deferring the job (a fresh copy, no receive spent). */
export const SLOT_HORIZON_MS = 2000;

/** The longest a FIFO consumer waits in process for a slot: beyond it, the group is put back for the real wait. */
export const MAX_FIFO_SLOT_HORIZON_MS = 30_000;

/**
 * What may pass between a start's check against its slot and the processor's
 * call (the event loop's turn, a log line): the window is padded for it too,
 * so starts counted where the job is handed to its processor, not only where
 * the check passed, stay within the limit. Without it the spacing had no room
 * at all: a start late by the whole tolerance and one on time, `max` slots
 * apart, were exactly `duration` apart at the check, and a millisecond more
 * on the first put `max + 1` starts in one window.
 */
export const START_PATH_MARGIN_MS = 25;

/** The limiter as consumers apply it: the window padded by the start tolerance and the start path's margin, so late starts never crowd a window. */
export function paddedLimit(limit: RateLimit): RateLimit {
  return { max: limit.max, durationMs: limit.durationMs + LATE_START_TOLERANCE_MS + START_PATH_MARGIN_MS };
}

/**
 * How far ahead a consumer of this queue waits in process for a rate slot.
 *
 * A standard queue waits {@link SLOT_HORIZON_MS}: a job whose slot is further
 * away is deferred as a fresh copy, which spends no receive. A FIFO queue
 * cannot re-send without breaking its group's order, so each deferral spends a
 * receive of every message of the group in the batch; its consumers wait for
 * any slot within (concurrency + 1) slot intervals instead. Every consumer
 * holds at most one reserved slot at a time, so the other consumers hold at
 * most `concurrency − 1` slots ahead, and the next free slot is never further
 * than `concurrency` intervals away: a FIFO group is then deferred only when
 * the limiter's writes keep colliding, or when that wait would pass
 * {@link MAX_FIFO_SLOT_HORIZON_MS} (a very slow limit).
 *
 * @example
 * slotHorizonMs({ fifo: true, concurrency: 5, rateLimit: { max: 100, durationMs: 60_000 } }); // 3603 (6 × 600.5 ms)
 * slotHorizonMs({ fifo: false, concurrency: 5, rateLimit: { max: 100, durationMs: 60_000 } }); // 2000
 */
export function slotHorizonMs(definition: { readonly fifo: boolean; readonly concurrency: number; readonly rateLimit?: RateLimit }): number {
  if (!definition.fifo || definition.rateLimit === undefined) return SLOT_HORIZON_MS;
  const padded = paddedLimit(definition.rateLimit);
  const intervals = Math.max(definition.concurrency, 2) + 1;
  return Math.min(Math.max(Math.ceil((intervals * padded.durationMs) / padded.max), SLOT_HORIZON_MS), MAX_FIFO_SLOT_HORIZON_MS);
}
