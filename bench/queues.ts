import { catalog } from '../lib/catalog';

/** The catalog settings the bench reads: the BullMQ baseline is set up with the same. */
export interface BenchQueueSettings {
  readonly name: string;
  readonly concurrency: number;
  readonly rateLimit?: { readonly max: number; readonly durationMs: number };
}

/**
 * A queue's concurrency and rate limit as the catalog gives them.
 *
 * @throws Error when the catalog has no such queue
 */
export function queueSettings(name: string): BenchQueueSettings {
  const entry = catalog.find((queue) => queue.name === name);
  if (entry === undefined) throw new Error(`the catalog has no queue ${name}; the bench needs it`);
  return { name, concurrency: entry.concurrency ?? 1, ...(entry.rateLimit === undefined ? {} : { rateLimit: entry.rateLimit }) };
}
