/**
 * Runs `work` on every item with at most `width` running at once, each
 * worker taking the next item when its last one is done; resolves when all
 * are done. `onIdle` hears of each worker that found nothing left to take
 * while others may still run (the number of idle workers so far). `work` is expected not to throw (the consumer's steps catch their
 * own errors); if one does, the others still finish before it is rethrown.
 *
 * @example
 * await inParallel(chains, 4, async (chain) => { for (const item of chain) await run(item); });
 */
export async function inParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>, onIdle?: (idle: number) => void): Promise<void> {
  let next = 0;
  let idle = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
    idle += 1;
    onIdle?.(idle);
  };
  const workers = Array.from({ length: Math.max(1, Math.min(width, items.length)) }, worker);
  const settled = await Promise.allSettled(workers);
  const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}
