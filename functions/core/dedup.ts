import { createHash, randomUUID } from 'node:crypto';

/** Prefix of job ids derived from a dedup key, so they can be told apart. */
export const DEDUP_ID_PREFIX = 'd-';

/**
 * The job id for a new job: deterministic when the job has a dedup key (the
 * same partner, queue and key always give the same id), random otherwise.
 * Dedup keys are scoped per partner: two partners sending the same key (an
 * intent id, an order id) get two jobs. The id is a hash, so it shows neither
 * the partner nor the key.
 *
 * @example
 * jobIdFor('acme', 'payments', 'intent-42') === jobIdFor('acme', 'payments', 'intent-42'); // true
 * jobIdFor('acme', 'payments', 'intent-42') === jobIdFor('globex', 'payments', 'intent-42'); // false
 */
export function jobIdFor(partner: string, queue: string, dedupKey?: string, random: () => string = randomUUID): string {
  if (dedupKey === undefined) return random();
  // A JSON array keeps the parts apart whatever characters they hold.
  const digest = createHash('sha256').update(JSON.stringify([partner, queue, dedupKey])).digest('base64url');
  return `${DEDUP_ID_PREFIX}${digest.slice(0, 32)}`;
}

/**
 * The SQS `MessageDeduplicationId` of a run on a FIFO queue: at most 128
 * characters, from the run id so a redrive or a new run is not swallowed.
 */
export function messageDeduplicationId(runId: string, sendCount = 0): string {
  return sendCount === 0 ? runId : `${runId}.${sendCount}`;
}
