import type { MinuteCounters } from '../../../adapters/dynamodb-metrics-store';
import { addCounters, minuteOf, ZERO_COUNTERS, type Counters } from '../../../core/metrics';

const MINUTE_MS = 60_000;

/** One minute of a queue's activity, as the metrics route answers it. */
export interface MinutePoint {
  /** The minute, `YYYY-MM-DDTHH:MMZ` (UTC). */
  readonly minute: string;
  readonly completed: number;
  readonly failed: number;
  readonly retried: number;
  readonly dead_lettered: number;
  /** Mean processing time of the attempts timed in that minute; null when none was. */
  readonly mean_processing_ms: number | null;
}

/** The series and its totals. */
export interface MetricsSeries {
  readonly from: string;
  readonly to: string;
  readonly series: MinutePoint[];
  readonly totals: Omit<MinutePoint, 'minute'>;
}

/** The first minute of a window of `minutes` minutes that ends with the minute `now` is in. */
export function windowStart(now: Date, minutes: number): Date {
  const current = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS;
  return new Date(current - (minutes - 1) * MINUTE_MS);
}

/**
 * BullMQ's `getMetrics`: one point per minute of the window, oldest first,
 * minutes without activity as zeros, and the window's totals.
 *
 * @example
 * metricsSeries([{ minute: '2026-01-01T00:00', completed: 2, … }], new Date('2026-01-01T00:01:30Z'), 2);
 * // series: [{ minute: '2026-01-01T00:00Z', completed: 2, … }, { minute: '2026-01-01T00:01Z', completed: 0, … }]
 */
export function metricsSeries(items: readonly MinuteCounters[], now: Date, minutes: number): MetricsSeries {
  const start = windowStart(now, minutes).getTime();
  const byMinute = new Map(items.map((item) => [item.minute, item]));
  const series: MinutePoint[] = [];
  let sum: Counters = { ...ZERO_COUNTERS };
  for (let index = 0; index < minutes; index += 1) {
    const minute = minuteOf(new Date(start + index * MINUTE_MS));
    const item = byMinute.get(minute);
    if (item) sum = addCounters(sum, item);
    series.push({ minute: `${minute}Z`, ...pointOf(item) });
  }
  return {
    from: new Date(start).toISOString(),
    to: new Date(start + minutes * MINUTE_MS).toISOString(),
    series,
    totals: pointOf(sum),
  };
}

function pointOf(counters: Counters | undefined): Omit<MinutePoint, 'minute'> {
  if (counters === undefined) return { completed: 0, failed: 0, retried: 0, dead_lettered: 0, mean_processing_ms: null };
  return {
    completed: counters.completed,
    failed: counters.failed,
    retried: counters.retried,
    dead_lettered: counters.dead_lettered,
    mean_processing_ms: counters.timed_attempts > 0 ? Math.round(counters.processing_ms / counters.timed_attempts) : null,
  };
}
