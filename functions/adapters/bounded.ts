/** Schedule shards queried at once: all 32 in four waves, without a burst that throttles a small table. */
export const SHARD_QUERY_CONCURRENCY = 8;

/**
 * Maps `items` with `fn`, at most `concurrency` calls at a time, keeping the
 * order of `items` in the result. The first rejection rejects the whole.
 *
 * @example
 * const pages = await mapBounded(allShards(), 8, (shard) => queryShard(shard));
 */
export async function mapBounded<T, R>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) results[index] = await fn(items[index] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}
