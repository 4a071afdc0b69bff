import { describe, expect, it } from 'vitest';
import { groupBy } from '../../../functions/core/group-by';

describe('groupBy', () => {
  it('groups items by key, keeping the items’ order and the keys’ first appearance', () => {
    // Act
    const groups = groupBy(['a1', 'b1', 'a2', 'c1', 'b2'], (item) => item[0]);

    // Assess
    expect([...groups]).toEqual([
      ['a', ['a1', 'a2']],
      ['b', ['b1', 'b2']],
      ['c', ['c1']],
    ]);
  });

  it('gives no groups for no items', () => {
    expect(groupBy([], () => 'x').size).toBe(0);
  });
});
