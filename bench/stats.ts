/**
 * The arithmetic of the bench's figures: percentiles, the range of a ratio of
 * medians, the most deliveries in flight at once, start rates, and where an
 * urgent job landed in a backlog.
 * Pure, so each figure's definition is tested once.
 */

/**
 * The `p`-th percentile (0–100) of `values` by the nearest-rank method: the
 * smallest value with at least p % of the values at or below it. NaN when
 * there are no values.
 *
 * @example
 * percentile([5, 1, 4, 2, 3], 50); // 3
 * percentile([5, 1, 4, 2, 3], 99); // 5
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  if (p < 0 || p > 100) throw new RangeError(`percentile p must be 0–100; got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

/** The middle value (the mean of the two middle ones for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** A range a figure lies in, at the confidence it was computed for. */
export interface Range {
  readonly low: number;
  readonly high: number;
}

/** How {@link ratioOfMediansRange} resamples. */
export interface RatioRangeOptions {
  /** Share of resampled ratios the range holds, 0–1. @default 0.95 */
  readonly confidence?: number;
  /** Resamples drawn. @default 2000 */
  readonly resamples?: number;
  /** Seed of the resampling's random numbers: the same samples always give the same range. @default 1 */
  readonly seed?: number;
}

/**
 * How far the ratio of two medians, `median(numerator) / median(denominator)`,
 * could move on the same machine: a percentile bootstrap that resamples each
 * side with replacement and keeps the middle `confidence` of the ratios.
 * Seeded, so a figure and its range are reproducible from the saved samples.
 * NaN bounds when either side is empty.
 *
 * @example
 * ratioOfMediansRange([90, 95, 100, 110], [70, 72, 80, 85]); // { low: ≈1.1, high: ≈1.5 }
 */
export function ratioOfMediansRange(numerator: readonly number[], denominator: readonly number[], options: RatioRangeOptions = {}): Range {
  if (numerator.length === 0 || denominator.length === 0) return { low: Number.NaN, high: Number.NaN };
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be between 0 and 1; got ${confidence}`);
  const random = seededRandom(options.seed ?? 1);
  const resample = (values: readonly number[]): number[] => values.map(() => values[Math.floor(random() * values.length)] ?? Number.NaN);
  const ratios = Array.from({ length: options.resamples ?? 2000 }, () => median(resample(numerator)) / median(resample(denominator)));
  const tail = ((1 - confidence) / 2) * 100;
  return { low: percentile(ratios, tail), high: percentile(ratios, 100 - tail) };
}

/**
 * A seeded pseudo-random source in [0, 1) (mulberry32): the same seed gives
 * the same numbers on every run (the bootstrap above, and property-style tests).
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A span of time in ms: a delivery from its arrival at the target to its answer. */
export interface Interval {
  readonly start: number;
  readonly end: number;
}

/**
 * The most intervals open at one instant. One ending exactly when another
 * starts does not overlap it: an answer sent frees the slot the next request takes.
 *
 * @example
 * maxInFlight([{ start: 0, end: 10 }, { start: 5, end: 15 }, { start: 10, end: 20 }]); // 2
 */
export function maxInFlight(intervals: readonly Interval[]): number {
  const events: [number, number][] = [];
  for (const { start, end } of intervals) events.push([start, 1], [end, -1]);
  // At one instant ends come before starts.
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, change] of events) {
    open += change;
    most = Math.max(most, open);
  }
  return most;
}

/** How fast jobs started, from their start times. */
export interface StartRate {
  /** (starts − 1) over the time from the first start to the last, per second. */
  readonly meanPerSecond: number;
  /** The most starts in any window of `windowMs` (1 s by default). */
  readonly peakInWindow: number;
}

/**
 * The mean start rate of a burst and its peak in a sliding window: a rate
 * limit of N per second holds if no window of one second holds more than N
 * starts.
 *
 * @example
 * startRate([0, 500, 1000, 1500, 2000]); // { meanPerSecond: 2, peakInWindow: 2 }
 */
export function startRate(starts: readonly number[], windowMs = 1000): StartRate {
  const sorted = [...starts].sort((a, b) => a - b);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  const spanMs = first === undefined || last === undefined ? 0 : last - first;
  let peak = 0;
  let from = 0;
  for (let to = 0; to < sorted.length; to++) {
    // The window is half-open, [t, t + windowMs): starts exactly one window apart fall in different windows.
    while ((sorted[to] ?? 0) - (sorted[from] ?? 0) >= windowMs) from++;
    peak = Math.max(peak, to - from + 1);
  }
  return { meanPerSecond: spanMs > 0 ? ((sorted.length - 1) * 1000) / spanMs : Number.NaN, peakInWindow: peak };
}

/** One arrival at the target. */
export interface Arrival {
  readonly jobId: string;
  readonly at: number;
}

/** Where an urgent job landed relative to a backlog of normal ones. */
export interface PriorityOutcome {
  /** From the urgent job's POST to its arrival at the target, in ms; NaN if it never arrived. */
  readonly latencyMs: number;
  /** Backlog jobs that arrived after the urgent job was posted and before it arrived. */
  readonly deliveredMeanwhile: number;
  /** Backlog jobs not delivered (not yet started at the target) when the urgent job was posted. */
  readonly waitingAtPost: number;
  /** Backlog jobs still undelivered when the urgent job arrived. */
  readonly aheadOf: number;
  /**
   * `aheadOf` as a share of the backlog still waiting when the urgent job was
   * posted, 0–1: the jobs it could overtake (one delivered before its POST
   * was never in its way).
   */
  readonly aheadShare: number;
  /** `aheadOf` as a share of the whole backlog, 0–1. */
  readonly aheadShareOfBacklog: number;
}

/**
 * Measures an urgent job sent behind a backlog: how long it took, how many
 * backlog jobs the target got meanwhile, and the share it overtook of the
 * backlog still waiting at its POST (and of the whole backlog). Only each job's first arrival counts (a retry is not a new job).
 *
 * @example
 * priorityOutcome({ arrivals, urgentJobId: 'u', postedAt: 1000, backlog: ids });
 */
export function priorityOutcome(input: {
  readonly arrivals: readonly Arrival[];
  readonly urgentJobId: string;
  readonly postedAt: number;
  readonly backlog: readonly string[];
}): PriorityOutcome {
  const first = new Map<string, number>();
  for (const arrival of input.arrivals) {
    const seen = first.get(arrival.jobId);
    if (seen === undefined || arrival.at < seen) first.set(arrival.jobId, arrival.at);
  }
  const arrivedAt = first.get(input.urgentJobId);
  const total = input.backlog.length;
  if (arrivedAt === undefined) return { latencyMs: Number.NaN, deliveredMeanwhile: 0, waitingAtPost: Number.NaN, aheadOf: 0, aheadShare: 0, aheadShareOfBacklog: 0 };
  let meanwhile = 0;
  let before = 0;
  let beforePost = 0;
  for (const jobId of input.backlog) {
    const at = first.get(jobId);
    // Ties go to the backlog: the urgent job is ahead only of what arrived strictly later.
    if (at === undefined || at > arrivedAt) continue;
    before++;
    if (at >= input.postedAt) meanwhile++;
    else beforePost++;
  }
  const aheadOf = total - before;
  const waiting = total - beforePost;
  return {
    latencyMs: arrivedAt - input.postedAt,
    deliveredMeanwhile: meanwhile,
    waitingAtPost: waiting,
    aheadOf,
    aheadShare: waiting === 0 ? 0 : aheadOf / waiting,
    aheadShareOfBacklog: total === 0 ? 0 : aheadOf / total,
  };
}
