import { ITEM_KEY, JOBS_TABLE } from '../core/table-schema';

/** The primary key of an item in the jobs table. */
export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

/** The schedule index's key attributes: a transition that takes a job out of the index removes both. */
export const SCHEDULE_KEY_ATTRIBUTES: readonly string[] = [JOBS_TABLE.scheduleIndex.partitionKey, JOBS_TABLE.scheduleIndex.sortKey];

/** Placeholders of the schedule index's key attributes in an update expression (`#schedPk`, `#schedAt`). */
export const SCHEDULE_KEY_NAMES = { '#schedPk': JOBS_TABLE.scheduleIndex.partitionKey, '#schedAt': JOBS_TABLE.scheduleIndex.sortKey } as const;

/** The key of a job's state item. */
export function stateKey(jobId: string): ItemKey {
  return { pk: `${ITEM_KEY.jobPrefix}${jobId}`, sk: ITEM_KEY.stateSortKey };
}

/** The key of the item that keeps one run's payload while it is too large to sit inline. */
export function payloadKey(jobId: string, runId: string): ItemKey {
  return { pk: `${ITEM_KEY.jobPrefix}${jobId}`, sk: `${ITEM_KEY.payloadSortKeyPrefix}${runId}` };
}

/**
 * The schedule shard of a job: a stable hash (32-bit FNV-1a) of its id modulo
 * the shard count, so every write of one job lands in the same index
 * partition. An item written under an older, smaller count (4) sits in a
 * shard numbered below it, which every listing still reads; its next write
 * moves it to its shard under the current count.
 *
 * @example
 * scheduleShard('job-1') === scheduleShard('job-1'); // true, and always < JOBS_TABLE.scheduleShards
 */
export function scheduleShard(jobId: string, shards: number = JOBS_TABLE.scheduleShards): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(jobId, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/** The schedule partition of a job the sweeper sends when due. */
export function delayedPartition(shard: number): string {
  return `${ITEM_KEY.delayedPrefix}${shard}`;
}

/** The schedule partition of a job sent (or meant to be) but not claimed yet. */
export function pendingPartition(shard: number): string {
  return `${ITEM_KEY.pendingPrefix}${shard}`;
}

/** Every shard number, for queries that visit all of them. */
export function allShards(): number[] {
  return Array.from({ length: JOBS_TABLE.scheduleShards }, (_, shard) => shard);
}
