/** Counters kept per queue and per minute (and per hour, for 24 h totals). */
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

/** Counter increments; a counter left out is not touched. */
export type CounterIncrements = Partial<Record<CounterName, number>>;

/** How long metric items are kept: 14 days. */
export const METRICS_RETENTION_MS = 14 * 24 * 60 * 60 * 1000;

/** The minute a time falls in, as `YYYY-MM-DDTHH:MM` (UTC): sorts as time does. */
export function minuteOf(time: Date): string {
  return time.toISOString().slice(0, 16);
}

/** The hour a time falls in, as `YYYY-MM-DDTHH` (UTC). */
export function hourOf(time: Date): string {
  return time.toISOString().slice(0, 13);
}

/** Increments without the zero entries, or undefined when nothing moved. */
export function nonZero(increments: CounterIncrements): CounterIncrements | undefined {
  const entries = Object.entries(increments).filter(([, value]) => typeof value === 'number' && value !== 0);
  return entries.length === 0 ? undefined : (Object.fromEntries(entries) as CounterIncrements);
}
