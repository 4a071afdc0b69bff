import { describe, expect, it } from 'vitest';
import { backoffDelayMs, MAX_BACKOFF_MS, toVisibilitySeconds, type BackoffSpec } from '../../../functions/core/backoff';
import { aQueueDefinition, randomSequence } from '../../helpers/factories';

const exponential = (delayMs: number, jitter = 0): BackoffSpec => ({ type: 'exponential', delayMs, jitter });
const never = () => {
  throw new Error('random() must not be called for a refused attempt');
};

describe('backoffDelayMs', () => {
  it('doubles from 2 s without jitter: 2, 4, 8 s', () => {
    // Prepare
    const spec = exponential(2000);

    // Act
    const waits = [1, 2, 3].map((attempt) => backoffDelayMs(spec, attempt, () => 0.5));

    // Assess
    expect(waits).toEqual([2000, 4000, 8000]);
  });

  it('waits the same after every attempt when fixed', () => {
    // Prepare
    const spec: BackoffSpec = { type: 'fixed', delayMs: 1500, jitter: 0 };

    // Act
    const waits = [1, 2, 3, 10].map((attempt) => backoffDelayMs(spec, attempt, () => 0.9));

    // Assess
    expect(waits).toEqual([1500, 1500, 1500, 1500]);
  });

  it('draws from [delay × (1 − jitter), delay] with jitter', () => {
    // Prepare
    const spec = exponential(2000, 0.5);

    // Act
    const lowest = backoffDelayMs(spec, 2, () => 0);
    const middle = backoffDelayMs(spec, 2, () => 0.5);
    const highest = backoffDelayMs(spec, 2, () => 0.999_999_999);

    // Assess: attempt 2 is 4 s before jitter
    expect(lowest).toBe(2000);
    expect(middle).toBe(3000);
    expect(highest).toBe(4000);
  });

  it('is fully random with jitter 1 and never above the un-jittered wait', () => {
    // Prepare
    const spec = exponential(1000, 1);

    // Act / Assess
    expect(backoffDelayMs(spec, 1, () => 0)).toBe(0);
    expect(backoffDelayMs(spec, 1, () => 0.999_999)).toBe(1000);
  });

  it('clamps a jitter outside 0–1', () => {
    // Act / Assess
    expect(backoffDelayMs(exponential(1000, 5), 1, () => 0)).toBe(0);
    expect(backoffDelayMs(exponential(1000, -1), 1, () => 0)).toBe(1000);
  });

  it.each([26, 60, 1_100, 100_000])('caps attempt %i at 12 hours', (attempt) => {
    // Act
    const wait = backoffDelayMs(exponential(2000), attempt, () => 0);

    // Assess
    expect(wait).toBe(MAX_BACKOFF_MS);
    expect(MAX_BACKOFF_MS).toBe(12 * 60 * 60 * 1000);
  });

  it('applies jitter below the cap, not above it', () => {
    // Act
    const wait = backoffDelayMs(exponential(2000, 0.5), 40, () => 0);

    // Assess
    expect(wait).toBe(MAX_BACKOFF_MS / 2);
  });

  it('gives 0, not NaN, for a zero delay at any attempt', () => {
    // Act / Assess: 0 × 2^1024 would be 0 × Infinity
    expect(backoffDelayMs(exponential(0), 1, () => 0)).toBe(0);
    expect(backoffDelayMs(exponential(0), 2_000, () => 0)).toBe(0);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses attempt %s', (attempt) => {
    // Act
    const act = () => backoffDelayMs(exponential(2000), attempt, never);

    // Assess
    expect(act).toThrow(RangeError);
    expect(act).toThrow(/attempt must be an integer/);
  });

  describe('with the catalog seeds', () => {
    it('payments (3 attempts, exp 2 s) waits 2 s then 4 s between its attempts', () => {
      // Prepare
      const payments = aQueueDefinition({ name: 'payments', attempts: 3, backoff: { type: 'exponential', delayMs: 2000, jitter: 0 } });

      // Act: a wait follows every failed attempt but the last
      const waits = Array.from({ length: payments.attempts - 1 }, (_, i) => backoffDelayMs(payments.backoff, i + 1));

      // Assess
      expect(waits).toEqual([2000, 4000]);
    });

    it('webhooks (5 attempts, exp 3 s) waits 3, 6, 12, 24 s', () => {
      // Prepare
      const webhooks = aQueueDefinition({ name: 'webhooks', attempts: 5, backoff: { type: 'exponential', delayMs: 3000, jitter: 0 } });

      // Act
      const waits = Array.from({ length: webhooks.attempts - 1 }, (_, i) => backoffDelayMs(webhooks.backoff, i + 1));

      // Assess
      expect(waits).toEqual([3000, 6000, 12_000, 24_000]);
    });

    it('spreads the default jitter (0.5) over the lower half of each wait', () => {
      // Prepare: catalog entries leave jitter out
      const webhooks = aQueueDefinition({ name: 'webhooks', attempts: 5, backoff: { type: 'exponential', delayMs: 3000 } });
      const random = randomSequence(0, 0.999_999_9);

      // Act
      const low = backoffDelayMs(webhooks.backoff, 4, random);
      const high = backoffDelayMs(webhooks.backoff, 4, random);

      // Assess
      expect(webhooks.backoff.jitter).toBe(0.5);
      expect(low).toBe(12_000);
      expect(high).toBe(24_000);
    });
  });
});

describe('toVisibilitySeconds', () => {
  it.each([
    [0, 0],
    [1, 1],
    [999, 1],
    [1000, 1],
    [1001, 2],
    [2000, 2],
    [2500, 3],
  ])('rounds %i ms up to %i s, so a retry never comes early', (ms, seconds) => {
    // Act / Assess
    expect(toVisibilitySeconds(ms)).toBe(seconds);
  });

  it('never goes below 0', () => {
    // Act / Assess
    expect(toVisibilitySeconds(-5000)).toBe(0);
  });

  it('never goes above 12 hours (43,200 s)', () => {
    // Act / Assess
    expect(toVisibilitySeconds(MAX_BACKOFF_MS)).toBe(43_200);
    expect(toVisibilitySeconds(MAX_BACKOFF_MS + 1)).toBe(43_200);
    expect(toVisibilitySeconds(Number.POSITIVE_INFINITY)).toBe(43_200);
  });
});
