/** How requests are retried on 429, 5xx and network errors. */
export interface RetryOptions {
  /** Retries after the first try; 0 turns retrying off. @default 3 */
  readonly retries?: number;
  /** The full-jitter base: retry n waits a random time up to `baseDelayMs × 2^(n−1)`. @default 200 */
  readonly baseDelayMs?: number;
  /** The most a jittered wait may be. @default 5000 */
  readonly maxDelayMs?: number;
  /** The longest `Retry-After` honoured; a 429 asking for longer is not retried. @default 60000 */
  readonly maxRetryAfterMs?: number;
}

/** Retry settings with every default filled in. */
export type RetryPolicy = Required<RetryOptions>;

/** The defaults: 3 retries, full jitter from 200 ms, capped at 5 s. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 3, baseDelayMs: 200, maxDelayMs: 5000, maxRetryAfterMs: 60_000 };

/** The policy of a queue's `retries` option: a number of retries, or the full settings. */
export function retryPolicyOf(retries: number | RetryOptions | undefined): RetryPolicy {
  if (retries === undefined) return DEFAULT_RETRY_POLICY;
  const options = typeof retries === 'number' ? { retries } : retries;
  return { ...DEFAULT_RETRY_POLICY, ...Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) };
}

/**
 * The wait before retry `retry` (1 for the first): "full jitter", a uniform
 * random time from 0 to `min(maxDelayMs, baseDelayMs × 2^(retry−1))`, so
 * many clients that failed together do not come back together.
 */
export function jitteredDelayMs(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/** Whether an HTTP status is worth retrying: 429 and 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * A `Retry-After` header in milliseconds: seconds, or an HTTP date (from
 * `now`); `undefined` when absent or unreadable.
 */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
