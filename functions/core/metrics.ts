/** Counters kept per queue and per minute (and per hour, rolled up from the minutes, for 24 h totals). */
export const COUNTER = {
  completed: 'completed',
  failed: 'failed',
  retried: 'retried',
  /** Dead-lettered jobs; every failed job is dead-lettered, but a malformed message is only this. */
  deadLettered: 'dead_lettered',
  /** Sum of the processing time of completed and failed attempts, for a mean. */
  processingMs: 'processing_ms',
  /** Attempts whose processing time is in `processing_ms`. */
  timedAttempts: 'timed_attempts',
} as const;

/** One of the values of {@link COUNTER}. */
export type CounterName = (typeof COUNTER)[keyof typeof COUNTER];

/** Counter values, every counter present. */
export type Counters = Record<CounterName, number>;

/** Every counter at zero. */
export const ZERO_COUNTERS: Readonly<Counters> = { completed: 0, failed: 0, retried: 0, dead_lettered: 0, processing_ms: 0, timed_attempts: 0 };

/** The sum of two sets of counters. */
export function addCounters(left: Readonly<Counters>, right: Readonly<Counters>): Counters {
  const sum = { ...left };
  for (const name of Object.values(COUNTER)) sum[name] = left[name] + right[name];
  return sum;
}

/** Counter increments; a counter left out is not touched. */
export type CounterIncrements = Partial<Record<CounterName, number>>;

/** How long metric items are kept: 14 days. */
export const METRICS_RETENTION_MS = 14 * 24 * 60 * 60 * 1000;

/**
 * How long after an hour ends its minutes are rolled up into its hour item:
 * a batch's counts are written the moment it ends, so one still in flight
 * when the hour turns lands well within this.
 */
export const ROLLUP_GRACE_MS = 2 * 60 * 1000;

const HOUR_MS = 60 * 60 * 1000;

/** The minute a time falls in, as `YYYY-MM-DDTHH:MM` (UTC): sorts as time does. */
export function minuteOf(time: Date): string {
  return time.toISOString().slice(0, 16);
}

/** The hour a time falls in, as `YYYY-MM-DDTHH` (UTC). */
export function hourOf(time: Date): string {
  return time.toISOString().slice(0, 13);
}

/** The hour after `hour` (`YYYY-MM-DDTHH`, UTC). */
export function nextHour(hour: string): string {
  return hourOf(new Date(Date.parse(`${hour}:00:00.000Z`) + HOUR_MS));
}

/** The hour before `hour` (`YYYY-MM-DDTHH`, UTC). */
export function previousHour(hour: string): string {
  return hourOf(new Date(Date.parse(`${hour}:00:00.000Z`) - HOUR_MS));
}

/**
 * The last hour whose minutes may be rolled up at `now`: it ended at least
 * {@link ROLLUP_GRACE_MS} ago.
 *
 * @example
 * lastRollableHour(new Date('2026-12-02T10:01:00Z')); // '2026-12-02T08'
 * lastRollableHour(new Date('2026-12-02T10:02:00Z')); // '2026-12-02T09'
 */
export function lastRollableHour(now: Date): string {
  return hourOf(new Date(now.getTime() - HOUR_MS - ROLLUP_GRACE_MS));
}

/** Increments without the zero entries, or undefined when nothing moved. */
export function nonZero(increments: CounterIncrements): CounterIncrements | undefined {
  const entries = Object.entries(increments).filter(([, value]) => typeof value === 'number' && value !== 0);
  return entries.length === 0 ? undefined : (Object.fromEntries(entries) as CounterIncrements);
}
