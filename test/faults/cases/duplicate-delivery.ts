import { expect } from 'vitest';
import { acceptBatch } from '../support/accept';
import { fault } from '../support/fault-context';
import { reconcile } from '../support/reconcile';
import { deliveriesFor } from './consumer-crash';
import { dataFor } from '../../helpers/job-data';

/**
 * Every batch of a queue is handed to its consumer twice at once, as SQS's
 * at-least-once delivery may: jobs that succeed at once and jobs that fail
 * once first (so a copy meets a job in its backoff) each complete exactly once
 * as the target sees it, and a retry never comes before its backoff.
 */
export async function duplicateDelivery(): Promise<void> {
  // Prepare
  const queue = 'email';
  await fault(`/duplicates/${queue}/on`);
  let ids: string[];
  let result;
  try {
    ids = await acceptBatch(queue, Array.from({ length: 30 }, (_, index) => ({ data: dataFor(queue, { mail: index, ...(index % 2 === 0 ? { respond: [503, 200] } : {}) }) })));

    // Act
    result = await reconcile(
      ids.map((jobId) => ({ jobId, queue, expect: 'completed' as const })),
      { timeoutMs: 150_000 },
    );
  } finally {
    await fault(`/duplicates/${queue}/off`);
  }

  // Assess: all complete once; a retried job's second delivery waited out its backoff (email: 2 s, up to half jittered away)
  expect(result.problems).toEqual([]);
  expect(result.completed).toBe(ids.length);
  const deliveries = await deliveriesFor(ids);
  for (const id of ids) {
    const own = deliveries.filter((delivery) => delivery.jobId === id).sort((a, b) => a.at - b.at);
    const failedFirst = own.find((delivery) => delivery.status === 503);
    const retried = own.find((delivery) => delivery.attempt === 2);
    if (failedFirst?.answeredAt !== undefined && retried !== undefined) {
      expect(retried.at - failedFirst.answeredAt, `job ${id}: retry before its backoff`).toBeGreaterThanOrEqual(900);
    }
  }
}
