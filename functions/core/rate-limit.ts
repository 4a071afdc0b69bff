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
