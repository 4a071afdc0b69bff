import { MAX_BACKOFF_MS } from '../core/backoff';

const DELAY_SECONDS = /^\s*(\d+)\s*$/;
/** Every HTTP-date form (IMF-fixdate, RFC 850, asctime) carries a time of day. */
const TIME_OF_DAY = /\b\d{2}:\d{2}:\d{2}\b/;

/**
 * How long a `Retry-After` header asks us to wait, in milliseconds: either a
 * number of seconds or an HTTP date (relative to `now`). A date in the past is
 * a wait of 0; anything longer than SQS can delay a message
 * ({@link MAX_BACKOFF_MS}, 12 hours) is cut to that.
 *
 * @returns `undefined` when the header is missing or is neither form, so the
 *   queue's own backoff applies
 * @example
 * parseRetryAfterMs('120', now); // 120000
 * parseRetryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT', new Date('2015-10-21T07:27:00Z')); // 60000
 * parseRetryAfterMs('soon', now); // undefined
 */
export function parseRetryAfterMs(value: string | null | undefined, now: Date): number | undefined {
  if (value === null || value === undefined) return undefined;
  const seconds = DELAY_SECONDS.exec(value)?.[1];
  if (seconds !== undefined) return Math.min(Number(seconds) * 1000, MAX_BACKOFF_MS);
  // Date.parse alone is too lenient: it reads "1" or "May 5" as dates.
  if (!TIME_OF_DAY.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(at - now.getTime(), 0), MAX_BACKOFF_MS);
}
