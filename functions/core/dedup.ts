import { createHash, randomUUID } from 'node:crypto';

/** Prefix of job ids derived from a dedup key, so they can be told apart. */
export const DEDUP_ID_PREFIX = 'd-';

/**
 * The job id for a new job: deterministic when the job has a dedup key (the same
 * queue and key always give the same id), random otherwise.
 *
 * @example
 * jobIdFor('payments', 'intent-42') === jobIdFor('payments', 'intent-42'); // true
 */
export function jobIdFor(queue: string, dedupKey?: string, random: () => string = randomUUID): string {
  if (dedupKey === undefined) return random();
  const digest = createHash('sha256').update(`${queue}\n${dedupKey}`).digest('base64url');
  return `${DEDUP_ID_PREFIX}${digest.slice(0, 32)}`;
}

/**
 * The SQS `MessageDeduplicationId` of a run on a FIFO queue: at most 128
 * characters, from the run id so a redrive or a new run is not swallowed.
 */
export function messageDeduplicationId(runId: string, sendCount = 0): string {
  return sendCount === 0 ? runId : `${runId}.${sendCount}`;
}
