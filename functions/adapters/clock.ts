import { setTimeout as delay } from 'node:timers/promises';

/**
 * Time, behind an interface so tests can move it by hand instead of waiting.
 */
export interface Clock {
  /** The current time. */
  now(): Date;
  /**
   * Resolves after `ms` milliseconds; rejects with the signal's abort error if
   * the signal aborts first.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * The real clock.
 *
 * @example
 * await systemClock.sleep(50);
 * const startedAt = systemClock.now();
 */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: async (ms, signal) => {
    await delay(Math.max(ms, 0), undefined, signal === undefined ? undefined : { signal });
  },
};
