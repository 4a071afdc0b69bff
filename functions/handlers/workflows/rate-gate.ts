import { LATE_START_TOLERANCE_MS, SLOT_HORIZON_MS, type ConsumerDeps } from './consumer-deps';

/** A job may start now, or should be deferred for `deferMs`. */
export type SlotDecision = { readonly granted: true } | { readonly granted: false; readonly deferMs: number };

/**
 * Waits for the queue's rate limiter to allow one more start. Slots are spaced
 * by `(duration + tolerance) / max`, and a start later than its slot by more
 * than the tolerance gives the slot up, so no window of `duration` ever holds
 * more than `max` starts, across every consumer of the queue.
 */
export async function takeSlot(deps: ConsumerDeps): Promise<SlotDecision> {
  const limit = deps.definition.rateLimit;
  if (!limit) return { granted: true };
  if (!deps.limiter) throw new Error(`queue ${deps.definition.name} has a rate limit but its consumer has no limiter`);
  const padded = { max: limit.max, durationMs: limit.durationMs + LATE_START_TOLERANCE_MS };
  for (let tries = 0; tries < 3; tries += 1) {
    const now = deps.clock.now();
    const reservation = await deps.limiter.reserve(deps.definition.name, padded, { wanted: 1, now, horizonMs: SLOT_HORIZON_MS });
    const slot = reservation.slots[0];
    if (slot === undefined) return { granted: false, deferMs: reservation.deferMs };
    const waitMs = slot - deps.clock.now().getTime();
    if (waitMs > 0) await deps.clock.sleep(waitMs);
    if (deps.clock.now().getTime() - slot <= LATE_START_TOLERANCE_MS) return { granted: true };
  }
  return { granted: false, deferMs: padded.durationMs / padded.max };
}
