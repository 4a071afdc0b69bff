import { describe, expect, it } from 'vitest';
import { ITEM_KEY, JOBS_TABLE } from '../../../functions/core/table-schema';

describe('jobs table layout', () => {
  it('uses prefixes none of which starts another, so begins_with queries never mix item kinds', () => {
    // Prepare
    const prefixes = [
      ITEM_KEY.jobPrefix,
      ITEM_KEY.payloadSortKeyPrefix,
      ITEM_KEY.limiterPrefix,
      ITEM_KEY.delayedPrefix,
      ITEM_KEY.pendingPrefix,
      ITEM_KEY.metricsPrefix,
      ITEM_KEY.healthPrefix,
    ];

    // Act
    const clashes = prefixes.flatMap((a, i) => prefixes.filter((b, j) => i !== j && b.startsWith(a)).map((b) => `${a} / ${b}`));

    // Assess
    expect(clashes).toEqual([]);
    expect(ITEM_KEY.payloadSortKeyPrefix.startsWith(ITEM_KEY.stateSortKey)).toBe(false);
  });

  it('names distinct key attributes for the table and its schedule index', () => {
    // Prepare
    const attributes = [JOBS_TABLE.partitionKey, JOBS_TABLE.sortKey, JOBS_TABLE.ttlAttribute, JOBS_TABLE.scheduleIndex.partitionKey, JOBS_TABLE.scheduleIndex.sortKey];

    // Act / Assess
    expect(new Set(attributes).size).toBe(attributes.length);
  });

  it('spreads the schedule index over a positive whole number of shards', () => {
    // Act / Assess
    expect(Number.isInteger(JOBS_TABLE.scheduleShards)).toBe(true);
    expect(JOBS_TABLE.scheduleShards).toBeGreaterThan(0);
  });
});
