import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { inParallel } from '../../../functions/handlers/workflows/in-parallel';

describe('inParallel', () => {
  it('runs every item, never more than width at once', async () => {
    // Prepare
    let running = 0;
    let most = 0;
    const done: number[] = [];

    // Act
    await inParallel([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      running += 1;
      most = Math.max(most, running);
      await nextTurn();
      running -= 1;
      done.push(item);
    });

    // Assess
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(3);
  });

  it('runs one at a time, in order, with a width below 1', async () => {
    // Prepare
    const order: number[] = [];

    // Act
    await inParallel([1, 2, 3], 0, async (item) => {
      order.push(item);
      await nextTurn();
    });

    // Assess
    expect(order).toEqual([1, 2, 3]);
  });

  it('lets the other items finish before it rethrows a failure', async () => {
    // Prepare
    const done: number[] = [];

    // Act
    const run = inParallel([1, 2, 3, 4], 2, async (item) => {
      await nextTurn();
      if (item === 1) throw new Error('boom');
      done.push(item);
    });

    // Assess
    await expect(run).rejects.toThrow('boom');
    expect(done.sort()).toEqual([2, 3, 4]);
  });
});
