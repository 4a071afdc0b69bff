import { describe, expect, it } from 'vitest';
import { measureWrites } from '../../../bench/scenarios/floor';

/** A write that takes `ms` on a fake clock, and the clock. */
function fakeWrites(ms: number): { write: () => Promise<void>; now: () => number; started: number[] } {
  let clock = 0;
  const started: number[] = [];
  return {
    write: async () => {
      started.push(clock);
      await Promise.resolve();
      clock += ms;
    },
    now: () => clock,
    started,
  };
}

describe('measureWrites', () => {
  it('counts only the writes started after the warm-up, over the window they took', async () => {
    // Prepare
    const fake = fakeWrites(10);

    // Act
    const result = await measureWrites(fake.write, { concurrency: 1, warmupMs: 100, measureMs: 200, now: fake.now });

    // Assess: ten writes warm up (0–90 ms), twenty are counted (100–290 ms), none start at the deadline.
    expect(fake.started).toHaveLength(30);
    expect(result).toEqual({ writes: 20, seconds: 0.2 });
  });

  it('keeps every writer busy through the warm-up and the window', async () => {
    // Prepare
    const fake = fakeWrites(5);

    // Act
    const result = await measureWrites(fake.write, { concurrency: 4, warmupMs: 50, measureMs: 100, now: fake.now });

    // Assess: every write moves the shared clock on, so the counted ones are those begun from 50 ms up to 150 ms.
    const counted = fake.started.filter((at) => at >= 50 && at < 150).length;
    expect(result.writes).toBe(counted);
    expect(counted).toBeGreaterThan(0);
    expect(fake.started.filter((at) => at < 50).length).toBeGreaterThan(0);
  });

  it('counts everything when there is no warm-up', async () => {
    // Prepare
    const fake = fakeWrites(10);

    // Act
    const result = await measureWrites(fake.write, { concurrency: 1, warmupMs: 0, measureMs: 100, now: fake.now });

    // Assess
    expect(result).toEqual({ writes: 10, seconds: 0.1 });
  });
});
