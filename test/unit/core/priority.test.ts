import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PRIORITY,
  higherLevels,
  PRIORITY_LEVELS,
  PRIORITY_ORDER,
  toPriorityLevel,
  type PriorityLevel,
} from '../../../functions/core/priority';

describe('toPriorityLevel', () => {
  const expected = (n: number): PriorityLevel => (n >= 20 ? 'urgent' : n >= 10 ? 'high' : n >= 5 ? 'normal' : 'low');
  const numbers = Array.from({ length: 20 }, (_, i) => i + 1);

  it.each(numbers)('maps %i to the highest level it reaches', (priority) => {
    // Prepare: the documented bands 1–4 low, 5–9 normal, 10–19 high, 20 urgent
    const want = expected(priority);

    // Act
    const level = toPriorityLevel(priority);

    // Assess
    expect(level).toBe(want);
  });

  it('maps each band edge to its level', () => {
    // Act
    const edges = [1, 4, 5, 9, 10, 19, 20].map((n) => toPriorityLevel(n));

    // Assess
    expect(edges).toEqual(['low', 'low', 'normal', 'normal', 'high', 'high', 'urgent']);
  });

  it.each(PRIORITY_ORDER)('passes the level name %s through', (name) => {
    // Act / Assess
    expect(toPriorityLevel(name)).toBe(name);
  });

  it('gives normal when no priority is set', () => {
    // Act / Assess
    expect(toPriorityLevel(undefined)).toBe('normal');
    expect(DEFAULT_PRIORITY).toBe('normal');
  });

  it.each([0, 21, 2.5, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses %s with a RangeError naming the range', (priority) => {
    // Act
    const act = () => toPriorityLevel(priority);

    // Assess
    expect(act).toThrow(RangeError);
    expect(act).toThrow(/from 1 to 20/);
  });

  it('keeps the level numbers BullMQ callers send', () => {
    // Assess: the numbers are part of the API contract
    expect(PRIORITY_LEVELS).toEqual({ urgent: 20, high: 10, normal: 5, low: 1 });
    expect(PRIORITY_ORDER).toEqual(['urgent', 'high', 'normal', 'low']);
  });
});

describe('higherLevels', () => {
  it.each<[PriorityLevel, PriorityLevel[]]>([
    ['urgent', []],
    ['high', ['urgent']],
    ['normal', ['urgent', 'high']],
    ['low', ['urgent', 'high', 'normal']],
  ])('lists the levels above %s, highest first', (level, above) => {
    // Act / Assess
    expect(higherLevels(level)).toEqual(above);
  });

  it('returns a fresh array each time', () => {
    // Prepare
    const first = higherLevels('low');

    // Act
    first.pop();

    // Assess: callers cannot corrupt the order
    expect(higherLevels('low')).toEqual(['urgent', 'high', 'normal']);
    expect(PRIORITY_ORDER).toHaveLength(4);
  });
});
