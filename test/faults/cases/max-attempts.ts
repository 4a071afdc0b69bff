import { expect } from 'vitest';
import { jobStatus } from '../../e2e/support/e2e-context';
import { acceptJob } from '../support/accept';
import { FAST_BACKOFF_QUEUE } from '../support/fault-settings';
import { reconcile } from '../support/reconcile';
import { deliveriesFor } from './consumer-crash';

/**
 * A request asks for the most attempts a request may (25), against a target
 * that always answers 503: the job is tried 25 times, then fails with its
 * letter and reason, rather than SQS dead-lettering a bare message first and
 * leaving its record `retrying`.
 */
export async function mostAttemptsAlwaysFailing(): Promise<void> {
  // Prepare
  const queue = FAST_BACKOFF_QUEUE;
  const ids = await Promise.all(Array.from({ length: 3 }, (_, index) => acceptJob(queue, { data: { route: index, respond: [503] }, attempts: 25 })));

  // Act
  const result = await reconcile(
    ids.map((jobId) => ({ jobId, queue, expect: 'failed' as const })),
    { timeoutMs: 180_000 },
  );

  // Assess
  expect(result.problems).toEqual([]);
  for (const id of ids) {
    expect(await jobStatus(id)).toMatchObject({ status: 'failed', attempts: 25, max_attempts: 25, error: { category: 'server' } });
    expect((await deliveriesFor([id])).length).toBe(25);
  }
}
