import { describe, expect, it } from 'vitest';
import { grantSlots, laneHeadroom, slotsHeld } from '../../../functions/core/concurrency-pool';

const ask = { token: 'me', wanted: 10, limit: 10, headroom: 0, nowMs: 1000, untilMs: 61_000 };

describe('slotsHeld', () => {
  it('counts live holders only: an expired lease holds nothing', () => {
    // Prepare / Act / Assess
    expect(slotsHeld({ a: { slots: 3, untilMs: 2000 }, b: { slots: 4, untilMs: 1000 }, c: { slots: 2, untilMs: 999 } }, 1000)).toBe(3);
  });
});

describe('grantSlots', () => {
  it('grants what is free, up to what is wanted, and records the asker with its lease', () => {
    // Prepare
    const holders = { other: { slots: 7, untilMs: 5000 } };

    // Act
    const grant = grantSlots(holders, ask);

    // Assess
    expect(grant.granted).toBe(3);
    expect(grant.holders).toEqual({ other: { slots: 7, untilMs: 5000 }, me: { slots: 3, untilMs: 61_000 } });
  });

  it('grants no more than wanted', () => {
    expect(grantSlots({}, { ...ask, wanted: 4 }).granted).toBe(4);
  });

  it('grants nothing when the pool is full, and writes no holder for the asker', () => {
    // Act
    const grant = grantSlots({ other: { slots: 10, untilMs: 5000 } }, ask);

    // Assess
    expect(grant).toEqual({ granted: 0, holders: { other: { slots: 10, untilMs: 5000 } } });
  });

  it('keeps the lane\'s headroom free', () => {
    // Act: 6 held, headroom 2: 2 left for this lane, though 4 are free
    const grant = grantSlots({ other: { slots: 6, untilMs: 5000 } }, { ...ask, headroom: 2 });

    // Assess
    expect(grant.granted).toBe(2);
  });

  it('gives nothing, never a negative count, when others already use the headroom', () => {
    expect(grantSlots({ other: { slots: 9, untilMs: 5000 } }, { ...ask, headroom: 2 }).granted).toBe(0);
  });

  it('drops expired holders, so a crashed invocation\'s slots come back when its lease ends', () => {
    // Act
    const grant = grantSlots({ crashed: { slots: 10, untilMs: 1000 } }, ask);

    // Assess
    expect(grant.granted).toBe(10);
    expect(Object.keys(grant.holders)).toEqual(['me']);
  });

  it('adds to what the asker already holds', () => {
    // Act
    const grant = grantSlots({ me: { slots: 2, untilMs: 70_000 } }, { ...ask, wanted: 3 });

    // Assess
    expect(grant.granted).toBe(3);
    expect(grant.holders.me).toEqual({ slots: 5, untilMs: 70_000 });
  });
});

describe('laneHeadroom', () => {
  it('keeps a fifth of a laned queue free for the lanes above, none for urgent', () => {
    expect(laneHeadroom({ lanes: true, concurrency: 10 }, 'urgent')).toBe(0);
    expect(laneHeadroom({ lanes: true, concurrency: 10 }, 'high')).toBe(2);
    expect(laneHeadroom({ lanes: true, concurrency: 10 }, 'normal')).toBe(2);
    expect(laneHeadroom({ lanes: true, concurrency: 10 }, 'low')).toBe(2);
    expect(laneHeadroom({ lanes: true, concurrency: 20 }, 'normal')).toBe(4);
  });

  it('keeps at least one slot free on a small laned queue, and none when there is only one', () => {
    expect(laneHeadroom({ lanes: true, concurrency: 3 }, 'normal')).toBe(1);
    expect(laneHeadroom({ lanes: true, concurrency: 1 }, 'normal')).toBe(0);
  });

  it('keeps none on a queue without lanes', () => {
    expect(laneHeadroom({ lanes: false, concurrency: 10 }, 'default')).toBe(0);
  });
});
