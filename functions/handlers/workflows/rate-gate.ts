import { LATE_START_TOLERANCE_MS, SLOT_HORIZON_MS, type ConsumerDeps } from './consumer-deps';

/** A job may start (at `slotMs`, when the queue is rate limited), or should be deferred for `deferMs`. */
export type SlotDecision = { readonly granted: true; readonly slotMs?: number } | { readonly granted: false; readonly deferMs: number };

/** Slots are asked for this far ahead, so the claim between reservation and start does not make the start late. */
export const CLAIM_LEAD_MS = 100;

/** How far ahead a consumer that already holds a job waits for a fresh slot after missing its own. */
const HELD_JOB_HORIZON_MS = 60_000;

function paddedLimit(deps: ConsumerDeps) {
  const limit = deps.definition.rateLimit;
  if (!limit) return undefined;
  if (!deps.limiter) throw new Error(`queue ${deps.definition.name} has a rate limit but its consumer has no limiter`);
  return { limiter: deps.limiter, limit: { max: limit.max, durationMs: limit.durationMs + LATE_START_TOLERANCE_MS } };
}

/**
 * Asks the queue's rate limiter for one start, before the job is claimed, so a
 * job that gets no slot is deferred without spending an attempt. Slots are
 * spaced by `(duration + tolerance) / max`.
 */
export async function reserveStart(deps: ConsumerDeps): Promise<SlotDecision> {
  const padded = paddedLimit(deps);
  if (!padded) return { granted: true };
  const asOf = new Date(deps.clock.now().getTime() + CLAIM_LEAD_MS);
  const reservation = await padded.limiter.reserve(deps.definition.name, padded.limit, { wanted: 1, now: asOf, horizonMs: SLOT_HORIZON_MS });
  const slot = reservation.slots[0];
  return slot === undefined ? { granted: false, deferMs: reservation.deferMs } : { granted: true, slotMs: slot };
}

/**
 * Waits for a reserved slot before the job starts. A start later than its slot
 * by more than the tolerance gives the slot up and waits for a fresh one, so
 * every start lies within the tolerance after its own slot and no window of
 * `duration` ever holds more than `max` starts, across every consumer.
 */
export async function awaitStart(deps: ConsumerDeps, slotMs: number | undefined): Promise<void> {
  const padded = paddedLimit(deps);
  if (!padded || slotMs === undefined) return;
  let slot = slotMs;
  for (let tries = 0; tries < 5; tries += 1) {
    const waitMs = slot - deps.clock.now().getTime();
    if (waitMs > 0) await deps.clock.sleep(waitMs);
    if (deps.clock.now().getTime() - slot <= LATE_START_TOLERANCE_MS) return;
    const reservation = await padded.limiter.reserve(deps.definition.name, padded.limit, {
      wanted: 1,
      now: deps.clock.now(),
      horizonMs: HELD_JOB_HORIZON_MS,
    });
    slot = reservation.slots[0] ?? deps.clock.now().getTime() + HELD_JOB_HORIZON_MS;
  }
  deps.logger.warn('started late for its rate-limit slot five times; starting anyway');
}
