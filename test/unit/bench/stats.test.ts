import { describe, expect, it } from 'vitest';
import { maxInFlight, median, percentile, priorityOutcome, ratioOfMediansRange, startRate } from '../../../bench/stats';

describe('percentile', () => {
  it('takes the nearest rank: the smallest value with at least p % at or below it', () => {
    // Prepare
    const values = Array.from({ length: 100 }, (_, index) => 100 - index);

    // Act and assess
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
  });

  it('is NaN for no values and refuses a p outside 0–100', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(/0–100/);
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe('ratioOfMediansRange', () => {
  /** Loads spread evenly over ±`spread` ms around `middle`, as this machine kind's module loads spread. */
  const spreadAround = (middle: number, spread: number, count = 21): number[] =>
    Array.from({ length: count }, (_, index) => middle - spread + (2 * spread * index) / (count - 1));

  it('holds the ratio of the medians, and is wider the more the loads spread', () => {
    // Act
    const tight = ratioOfMediansRange(spreadAround(100, 2), spreadAround(80, 2));
    const loose = ratioOfMediansRange(spreadAround(100, 20), spreadAround(80, 20));

    // Assess: 100 / 80 = 1.25
    expect(tight.low).toBeLessThanOrEqual(1.25);
    expect(tight.high).toBeGreaterThanOrEqual(1.25);
    expect(tight.high - tight.low).toBeLessThan(0.1);
    expect(loose.low).toBeLessThan(tight.low);
    expect(loose.high).toBeGreaterThan(tight.high);
  });

  it('is one point when neither side varies', () => {
    // Act
    const range = ratioOfMediansRange([90, 90, 90], [60, 60, 60]);

    // Assess
    expect(range).toEqual({ low: 1.5, high: 1.5 });
  });

  it('gives the same range for the same samples and seed, and narrows with the confidence asked', () => {
    // Prepare
    const loads = spreadAround(100, 15);
    const floor = spreadAround(75, 15);

    // Act
    const first = ratioOfMediansRange(loads, floor);
    const again = ratioOfMediansRange(loads, floor);
    const half = ratioOfMediansRange(loads, floor, { confidence: 0.5 });

    // Assess
    expect(again).toEqual(first);
    expect(half.low).toBeGreaterThan(first.low);
    expect(half.high).toBeLessThan(first.high);
  });

  it('has no range without samples, and refuses a confidence outside (0, 1)', () => {
    // Act / Assess
    expect(ratioOfMediansRange([], [1])).toEqual({ low: Number.NaN, high: Number.NaN });
    expect(() => ratioOfMediansRange([1], [1], { confidence: 1 })).toThrow(RangeError);
  });
});

describe('maxInFlight', () => {
  it('counts the most intervals open at one instant', () => {
    // Prepare
    const intervals = [
      { start: 0, end: 10 },
      { start: 2, end: 8 },
      { start: 5, end: 15 },
      { start: 20, end: 30 },
    ];

    // Act and assess
    expect(maxInFlight(intervals)).toBe(3);
  });

  it('does not count one ending as another starts as overlapping', () => {
    expect(maxInFlight([{ start: 0, end: 10 }, { start: 10, end: 20 }])).toBe(1);
    expect(maxInFlight([])).toBe(0);
  });
});

describe('startRate', () => {
  it('gives the mean rate over the burst and the most starts in any one-second window', () => {
    // Prepare: 11 starts 100 ms apart, then 5 more 1 s apart.
    const starts = [...Array.from({ length: 11 }, (_, index) => index * 100), 2000, 3000, 4000, 5000, 6000];

    // Act
    const rate = startRate(starts);

    // Assess: [0, 1000) holds 10 starts; 15 intervals over 6 s.
    expect(rate.peakInWindow).toBe(10);
    expect(rate.meanPerSecond).toBeCloseTo(15 / 6);
  });

  it('has no mean rate for a single start', () => {
    expect(startRate([5]).meanPerSecond).toBeNaN();
    expect(startRate([5]).peakInWindow).toBe(1);
  });
});

describe('priorityOutcome', () => {
  it('measures the urgent job from its post, with the backlog delivered meanwhile and the share it overtook', () => {
    // Prepare: b0 before the post, b1 and b2 after it but before the urgent job, b3 and b4 after it, b1 again (a retry).
    const arrivals = [
      { jobId: 'b0', at: 900 },
      { jobId: 'b1', at: 1100 },
      { jobId: 'b2', at: 1200 },
      { jobId: 'u', at: 1300 },
      { jobId: 'b3', at: 1400 },
      { jobId: 'b1', at: 1500 },
      { jobId: 'b4', at: 1600 },
    ];

    // Act
    const outcome = priorityOutcome({ arrivals, urgentJobId: 'u', postedAt: 1000, backlog: ['b0', 'b1', 'b2', 'b3', 'b4'] });

    // Assess
    // b0 was delivered before the post: the urgent job overtook 2 of the 4 then waiting, 2 of all 5
    expect(outcome).toEqual({ latencyMs: 300, deliveredMeanwhile: 2, waitingAtPost: 4, aheadOf: 2, aheadShare: 0.5, aheadShareOfBacklog: 0.4 });
  });

  it('says the urgent job never arrived with a NaN latency', () => {
    expect(priorityOutcome({ arrivals: [{ jobId: 'b0', at: 1 }], urgentJobId: 'u', postedAt: 0, backlog: ['b0'] }).latencyMs).toBeNaN();
  });
});
