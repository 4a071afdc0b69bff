import { consumerSizing } from '../functions/core/consumer-sizing';
import { parseQueueDefinition } from '../functions/core/queue-config';
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
  const entry = catalogEntry(name);
  return { name, concurrency: entry.concurrency ?? 1, ...(entry.rateLimit === undefined ? {} : { rateLimit: entry.rateLimit }) };
}

/**
 * Provisioned instances the bench deploys the laned queue's consumer with:
 * one more than its normal lane's mapping may run at once, so an urgent
 * batch arriving behind a normal backlog finds an initialized instance free,
 * as it would on AWS with `-c provisionedConcurrency.<queue>=N` (without it,
 * Lambda gives that batch a cold start).
 *
 * @throws Error when the catalog has no such queue
 */
export function urgentReadyInstances(name: string): number {
  return (consumerSizing(parseQueueDefinition(catalogEntry(name))).laneMaximumConcurrency.normal ?? 1) + 1;
}

/** The catalog entry the bench needs, or an error naming the queue it lacks. */
function catalogEntry(name: string): (typeof catalog)[number] {
  const entry = catalog.find((queue) => queue.name === name);
  if (entry === undefined) throw new Error(`the catalog has no queue ${name}; the bench needs it`);
  return entry;
}
