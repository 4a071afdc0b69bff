import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Resolves once `condition` holds, checking every 25 ms; rejects after
 * `timeoutMs` with `what` in the message, so a stuck test says what it
 * waited for.
 *
 * @example
 * await waitFor('all 10 messages handled', () => handled.length === 10);
 */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}
