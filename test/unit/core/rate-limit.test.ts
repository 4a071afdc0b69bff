import { describe, expect, it } from 'vitest';
import {
  LATE_START_TOLERANCE_MS,
  MAX_FIFO_SLOT_HORIZON_MS,
  paddedLimit,
  reserveSlots,
  SLOT_HORIZON_MS,
  slotHorizonMs,
  START_PATH_MARGIN_MS,
  type RateLimit,
} from '../../../functions/core/rate-limit';
import { seededRandom } from '../../helpers/factories';

describe('reserveSlots', () => {
  it('spaces starts by duration / max', () => {
    // Act
    const reservation = reserveSlots(undefined, { max: 5, durationMs: 1000 }, { wanted: 3, nowMs: 0, horizonMs: 1000 });

    // Assess
    expect(reservation).toEqual({ slots: [0, 200, 400], nextFreeMs: 600, deferMs: 0 });
  });

  it('starts a fresh limiter at now', () => {
    // Act
    const reservation = reserveSlots(undefined, { max: 100, durationMs: 1000 }, { wanted: 2, nowMs: 50_000, horizonMs: 0 });

    // Assess: a zero horizon still grants the slot that is free now
    expect(reservation.slots).toEqual([50_000]);
    expect(reservation.nextFreeMs).toBe(50_010);
    expect(reservation.deferMs).toBe(10);
  });

  it('cuts grants at the horizon and says when to come back', () => {
    // Act
    const reservation = reserveSlots(undefined, { max: 5, durationMs: 1000 }, { wanted: 10, nowMs: 0, horizonMs: 500 });

    // Assess
    expect(reservation.slots).toEqual([0, 200, 400]);
    expect(reservation.nextFreeMs).toBe(600);
    expect(reservation.deferMs).toBe(600);
  });

  it('grants a slot that falls exactly on the horizon', () => {
    // Act
    const reservation = reserveSlots(undefined, { max: 5, durationMs: 1000 }, { wanted: 3, nowMs: 0, horizonMs: 400 });

    // Assess
    expect(reservation.slots).toEqual([0, 200, 400]);
    expect(reservation.deferMs).toBe(0);
  });

  it('carries state from one call to the next', () => {
    // Prepare
    const limit = { max: 5, durationMs: 1000 };
    const first = reserveSlots(undefined, limit, { wanted: 3, nowMs: 0, horizonMs: 1000 });

    // Act: a second consumer asks 100 ms later
    const second = reserveSlots(first.nextFreeMs, limit, { wanted: 2, nowMs: 100, horizonMs: 1000 });

    // Assess
    expect(second.slots).toEqual([600, 800]);
    expect(second.nextFreeMs).toBe(1000);
  });

  it('does not bank unused capacity: a stale state restarts at now', () => {
    // Act
    const reservation = reserveSlots(600, { max: 5, durationMs: 1000 }, { wanted: 2, nowMs: 10_000, horizonMs: 1000 });

    // Assess
    expect(reservation.slots).toEqual([10_000, 10_200]);
  });

  it('defers everything when the next free slot is past the horizon', () => {
    // Act
    const reservation = reserveSlots(5000, { max: 5, durationMs: 1000 }, { wanted: 4, nowMs: 1000, horizonMs: 2000 });

    // Assess
    expect(reservation).toEqual({ slots: [], nextFreeMs: 5000, deferMs: 4000 });
  });

  it('grants nothing and defers nothing when nothing is wanted', () => {
    // Act
    const reservation = reserveSlots(undefined, { max: 5, durationMs: 1000 }, { wanted: 0, nowMs: 7, horizonMs: 1000 });

    // Assess
    expect(reservation).toEqual({ slots: [], nextFreeMs: 7, deferMs: 0 });
  });

  it('rounds fractional intervals up to whole milliseconds', () => {
    // Act: 3 per second is one every 333.33 ms
    const reservation = reserveSlots(undefined, { max: 3, durationMs: 1000 }, { wanted: 4, nowMs: 0, horizonMs: 1000 });

    // Assess
    expect(reservation.slots).toEqual([0, 334, 667, 1000]);
    expect(reservation.nextFreeMs).toBeCloseTo(1333.33, 1);
  });

  describe('over many random calls (property)', () => {
    const SIMULATED_MS = 10_000;

    /** Most slots in any half-open window [t, t + durationMs), t anywhere. */
    function busiestWindow(slots: readonly number[], durationMs: number): number {
      // The busiest window can always be slid right until it starts on a slot.
      const sorted = [...slots].sort((a, b) => a - b);
      let most = 0;
      let end = 0;
      for (let start = 0; start < sorted.length; start += 1) {
        while (end < sorted.length && (sorted[end] ?? 0) < (sorted[start] ?? 0) + durationMs) end += 1;
        most = Math.max(most, end - start);
      }
      return most;
    }

    function simulate(limit: RateLimit, seed: number) {
      const random = seededRandom(seed);
      const granted: number[] = [];
      let state: number | undefined;
      let nowMs = 1_700_000_000_000;
      const endMs = nowMs + SIMULATED_MS;
      let calls = 0;
      while (nowMs < endMs) {
        const request = { wanted: Math.floor(random() * 12), nowMs, horizonMs: Math.floor(random() * 1500) };
        const reservation = reserveSlots(state, limit, request);
        for (const slot of reservation.slots) {
          expect(slot).toBeGreaterThanOrEqual(nowMs);
          expect(slot).toBeLessThanOrEqual(nowMs + request.horizonMs);
        }
        expect(reservation.slots.length).toBeLessThanOrEqual(request.wanted);
        if (reservation.slots.length < request.wanted) expect(reservation.deferMs).toBeGreaterThan(0);
        else expect(reservation.deferMs).toBe(0);
        granted.push(...reservation.slots);
        state = reservation.nextFreeMs;
        nowMs += Math.floor(random() * 250);
        calls += 1;
      }
      return { granted, calls };
    }

    it.each<[RateLimit, number]>([
      [{ max: 5, durationMs: 1000 }, 1],
      [{ max: 3, durationMs: 1000 }, 2],
      [{ max: 7, durationMs: 1000 }, 3],
      [{ max: 100, durationMs: 1000 }, 4],
      [{ max: 2, durationMs: 1500 }, 5],
      [{ max: 6, durationMs: 7000 }, 6],
    ])('never grants more than max in any window for %j (seed %i)', (limit, seed) => {
      // Act
      const { granted, calls } = simulate(limit, seed);

      // Assess
      expect(calls).toBeGreaterThan(50);
      expect(granted.length).toBeGreaterThan(limit.max);
      expect(busiestWindow(granted, limit.durationMs)).toBeLessThanOrEqual(limit.max);
    });

    it('detects a window over max (the checker itself can fail)', () => {
      // Act / Assess
      expect(busiestWindow([0, 200, 400, 600, 800, 999], 1000)).toBe(6);
      expect(busiestWindow([0, 200, 400, 600, 800, 1000], 1000)).toBe(5);
    });

    it('grants max per duration under saturating demand', () => {
      // Prepare
      const limit = { max: 10, durationMs: 1000 };
      let state: number | undefined;
      const granted: number[] = [];

      // Act: a consumer asks for 10 every 100 ms for 10 s
      for (let nowMs = 0; nowMs < SIMULATED_MS; nowMs += 100) {
        const reservation = reserveSlots(state, limit, { wanted: 10, nowMs, horizonMs: 1000 });
        granted.push(...reservation.slots.filter((slot) => slot < SIMULATED_MS));
        state = reservation.nextFreeMs;
      }

      // Assess
      expect(new Set(granted).size).toBe(granted.length);
      expect(granted).toHaveLength(100);
    });
  });
});

describe('paddedLimit', () => {
  it('keeps max + 1 consecutive starts more than a window apart even when the first is late by the whole tolerance and a little more on its way to the processor', () => {
    // Prepare
    const limit: RateLimit = { max: 5, durationMs: 1000 };

    // Act
    const { slots } = reserveSlots(undefined, paddedLimit(limit), { wanted: 6, nowMs: 0, horizonMs: 10_000 });
    const firstStart = (slots[0] ?? 0) + LATE_START_TOLERANCE_MS + START_PATH_MARGIN_MS - 1;
    const sixthStart = slots[5] ?? 0;

    // Assess
    expect(sixthStart - firstStart).toBeGreaterThan(limit.durationMs);
  });
});

describe('slotHorizonMs', () => {
  const perMinute: RateLimit = { max: 100, durationMs: 60_000 };

  it('waits (concurrency + 1) slot intervals on a rate-limited FIFO queue, covering every slot the other consumers can hold', () => {
    // Act
    const horizon = slotHorizonMs({ fifo: true, concurrency: 5, rateLimit: perMinute });

    // Assess: 6 × (60 000 + 50 + 25) / 100, rounded up
    expect(horizon).toBe(3605);
  });

  it('waits the standard horizon on a standard queue, and on a FIFO queue whose slots are close together', () => {
    // Act / Assess
    expect(slotHorizonMs({ fifo: false, concurrency: 5, rateLimit: perMinute })).toBe(SLOT_HORIZON_MS);
    expect(slotHorizonMs({ fifo: true, concurrency: 5, rateLimit: { max: 100, durationMs: 1000 } })).toBe(SLOT_HORIZON_MS);
    expect(slotHorizonMs({ fifo: true, concurrency: 5 })).toBe(SLOT_HORIZON_MS);
  });

  it('caps the in-process wait of a very slow limit', () => {
    // Act / Assess
    expect(slotHorizonMs({ fifo: true, concurrency: 5, rateLimit: { max: 1, durationMs: 60_000 } })).toBe(MAX_FIFO_SLOT_HORIZON_MS);
  });

  it('never lets the consumers of a FIFO queue find the next free slot beyond the horizon when each holds one slot', () => {
    // Prepare: every other consumer reserves one slot, back to back, at the same instant
    const limit = { max: perMinute.max, durationMs: perMinute.durationMs + 50 };
    const concurrency = 5;
    const horizonMs = slotHorizonMs({ fifo: true, concurrency, rateLimit: perMinute });
    let nextFree: number | undefined;
    for (let consumer = 0; consumer < concurrency - 1; consumer += 1) {
      nextFree = reserveSlots(nextFree, limit, { wanted: 1, nowMs: 0, horizonMs }).nextFreeMs;
    }

    // Act: the last consumer asks
    const last = reserveSlots(nextFree, limit, { wanted: 1, nowMs: 0, horizonMs });

    // Assess
    expect(last.slots).toHaveLength(1);
    expect(last.deferMs).toBe(0);
  });
});
