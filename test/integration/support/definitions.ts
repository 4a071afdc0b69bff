import { catalog } from '../../../lib/catalog';
import type { QueueDefinitionInput } from '../../../functions/core/queue-config';

/**
 * A real catalog entry with test-sized settings laid over it (short backoffs,
 * short timeouts), so tests exercise the shipped configuration, only faster.
 */
export function fromCatalog(name: string, overrides: Partial<QueueDefinitionInput> = {}): QueueDefinitionInput {
  const entry = catalog.find((candidate) => candidate.name === name);
  if (!entry) throw new Error(`no catalog entry named ${name}`);
  return { ...entry, ...overrides };
}

/** Backoff of one second, no jitter: retries whose timing a test can check. */
export const FAST_BACKOFF = { type: 'exponential', delayMs: 1000, jitter: 0 } as const;
