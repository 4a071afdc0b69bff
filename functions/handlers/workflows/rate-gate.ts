import { paddedLimit, slotHorizonMs, type SlotReservation } from '../../core/rate-limit';
import { LATE_START_TOLERANCE_MS, type ConsumerDeps } from './consumer-deps';

/** A job may start (at `slotMs`, when the queue is rate limited), or should be deferred for `deferMs`. */
export type SlotDecision = { readonly granted: true; readonly slotMs?: number } | { readonly granted: false; readonly deferMs: number };

/** The claim is made this long before the job's slot, so the claim's round trip does not make the start late. */
export const CLAIM_LEAD_MS = 100;

/** How far ahead a consumer that already holds a job asks for a fresh slot after missing its own (within its lease's margin). */
const HELD_JOB_HORIZON_MS = 10_000;

function limiterOf(deps: ConsumerDeps) {
  const limit = deps.definition.rateLimit;
  if (!limit) return undefined;
  if (!deps.limiter) throw new Error(`queue ${deps.definition.name} has a rate limit but its consumer has no limiter`);
  return { limiter: deps.limiter, limit: paddedLimit(limit) };
}

/**
 * Asks the queue's rate limiter for one start, before the job is claimed, so a
 * job that gets no slot is deferred without spending an attempt. Slots are
 * spaced by `(duration + tolerance) / max`; a slot further ahead than the
 * queue's horizon (`slotHorizonMs`: 2 s, longer on a FIFO queue) is refused,
 * and `deferMs` is the real wait the limiter sees until its next free slot.
 */
export async function reserveStart(deps: ConsumerDeps): Promise<SlotDecision> {
  const gate = limiterOf(deps);
  if (!gate) return { granted: true };
  const asOf = new Date(deps.clock.now().getTime() + CLAIM_LEAD_MS);
  const reservation = await gate.limiter.reserve(deps.definition.name, gate.limit, { wanted: 1, now: asOf, horizonMs: slotHorizonMs(deps.definition) });
  const slot = reservation.slots[0];
  return slot === undefined ? { granted: false, deferMs: Math.max(reservation.deferMs, 1) } : { granted: true, slotMs: slot };
}

/**
 * The starts of one batch: on a rate-limited standard queue, the limiter is
 * asked once for `wanted` starts (one read and one write for the batch, not
 * one per job, and no race between the batch's own jobs), which are handed
 * out in the order jobs ask; a job past the last slot granted is deferred by
 * the limiter's real wait. A FIFO queue asks per job ({@link reserveStart}):
 * a group waits for its slots in process, and slots held ahead for a group
 * whose head then fails would be lost. A queue without a rate limit always
 * grants.
 */
export function batchStarts(deps: ConsumerDeps, wanted: number): () => Promise<SlotDecision> {
  const gate = limiterOf(deps);
  if (!gate || deps.definition.fifo) return () => reserveStart(deps);
  let reservation: Promise<SlotReservation> | undefined;
  let next = 0;
  return async () => {
    reservation ??= gate.limiter.reserve(deps.definition.name, gate.limit, {
      wanted,
      now: new Date(deps.clock.now().getTime() + CLAIM_LEAD_MS),
      horizonMs: slotHorizonMs(deps.definition),
    });
    const { slots, deferMs } = await reservation;
    const slot = slots[next];
    next += 1;
    return slot === undefined ? { granted: false, deferMs: Math.max(deferMs, 1) } : { granted: true, slotMs: slot };
  };
}

/**
 * Waits until just before a reserved slot ({@link CLAIM_LEAD_MS}), so the job
 * is claimed (and its lease starts) only when its start is due: a lease
 * taken earlier could run out while the job waits for its slot.
 */
export async function approachSlot(deps: ConsumerDeps, slotMs: number | undefined): Promise<void> {
  if (slotMs === undefined) return;
  const waitMs = slotMs - CLAIM_LEAD_MS - deps.clock.now().getTime();
  if (waitMs > 0) await deps.clock.sleep(waitMs);
}

/**
 * Waits for a reserved slot before the job starts. A start later than its slot
 * by more than the tolerance gives the slot up and waits for a fresh one, so
 * every start lies within the tolerance after its own slot and no window of
 * `duration` ever holds more than `max` starts, across every consumer. The
 * job is already claimed, so the waiting stops at `deadlineMs` (inside the
 * lease's margin) and the job starts anyway, with a warning.
 */
export async function awaitStart(deps: ConsumerDeps, slotMs: number | undefined, deadlineMs: number): Promise<void> {
  const gate = limiterOf(deps);
  if (!gate || slotMs === undefined) return;
  let slot: number | undefined = slotMs;
  for (let tries = 0; tries < 5; tries += 1) {
    const until = slot === undefined ? deadlineMs : Math.min(slot, deadlineMs);
    // A timer may wake a millisecond early: sleep again until the time has come.
    for (let nowMs = deps.clock.now().getTime(); nowMs < until; nowMs = deps.clock.now().getTime()) await deps.clock.sleep(until - nowMs);
    const nowMs = deps.clock.now().getTime();
    if (slot !== undefined && nowMs >= slot && nowMs - slot <= LATE_START_TOLERANCE_MS) return;
    if (nowMs >= deadlineMs) break;
    const reservation = await gate.limiter.reserve(deps.definition.name, gate.limit, {
      wanted: 1,
      now: new Date(nowMs),
      horizonMs: Math.min(HELD_JOB_HORIZON_MS, deadlineMs - nowMs),
    });
    slot = reservation.slots[0];
  }
  deps.logger.warn('could not start within its rate-limit slot before its lease margin ran short; starting anyway');
}
