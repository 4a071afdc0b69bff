/** How the wait between attempts grows. */
export const BACKOFF_TYPE = { fixed: 'fixed', exponential: 'exponential' } as const;

/** One of the values of {@link BACKOFF_TYPE}. */
export type BackoffType = (typeof BACKOFF_TYPE)[keyof typeof BACKOFF_TYPE];

/** A queue's backoff, as in BullMQ's `backoff: { type, delay, jitter }`. */
export interface BackoffSpec {
  readonly type: BackoffType;
  /** The first wait, in milliseconds. */
  readonly delayMs: number;
  /**
   * Share of the wait that is random, from 0 (none) to 1: the wait is drawn from
   * `[delay × (1 − jitter), delay]`, so retries of many jobs spread out.
   */
  readonly jitter: number;
}

/** SQS's longest visibility timeout: 12 hours. No wait can be longer. */
export const MAX_BACKOFF_MS = 12 * 60 * 60 * 1000;

/**
 * How long to wait after the failed attempt `attempt` (from 1) before the next:
 * `delay` for fixed, `delay × 2^(attempt − 1)` for exponential, less jitter,
 * capped at {@link MAX_BACKOFF_MS}.
 *
 * @param random - a number in [0, 1); injected so tests are exact
 * @example
 * backoffDelayMs({ type: 'exponential', delayMs: 2000, jitter: 0 }, 3); // 8000
 */
export function backoffDelayMs(spec: BackoffSpec, attempt: number, random: () => number = Math.random): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be an integer ≥ 1, got ${attempt}`);
  // 2^64 already passes the cap for any delay of 1 ms or more; an unbounded power
  // overflows to Infinity from attempt 1025, and 0 × Infinity is NaN.
  const base = spec.type === BACKOFF_TYPE.exponential ? spec.delayMs * 2 ** Math.min(attempt - 1, 64) : spec.delayMs;
  const capped = Math.min(base, MAX_BACKOFF_MS);
  const jitter = Math.min(Math.max(spec.jitter, 0), 1);
  return Math.round(capped * (1 - jitter) + capped * jitter * random());
}

/**
 * A wait in milliseconds as an SQS visibility timeout in whole seconds: rounded
 * up (a retry never comes early), within 0 and 12 hours.
 */
export function toVisibilitySeconds(waitMs: number): number {
  return Math.min(Math.max(Math.ceil(waitMs / 1000), 0), MAX_BACKOFF_MS / 1000);
}
