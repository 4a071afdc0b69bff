import { expect } from 'vitest';
import { partnerCall } from '../../e2e/support/e2e-context';
import { deliveriesFor } from './consumer-crash';
import { acceptJob } from '../support/accept';
import { fault } from '../support/fault-context';
import { reconcile } from '../support/reconcile';
import { dataFor } from '../../helpers/job-data';

/**
 * The ingest records each job and then its send to SQS fails, every retry of
 * it (as if the ingest died between the two): the partner has its `202`, the
 * queue has nothing. The reconciler finds the jobs left waiting and sends
 * them; each completes once.
 */
export async function ingestSendLost(): Promise<void> {
  // Prepare
  const queue = 'manychat-sync';
  await fault(`/sqs-sends/${queue}/fail`);
  let ids: string[];
  try {
    ids = await Promise.all(Array.from({ length: 12 }, (_, index) => acceptJob(queue, { data: dataFor(queue, { contact: index }) })));
  } finally {
    await fault(`/sqs-sends/${queue}/restore`);
  }

  // Act: nothing but time, the reconciler's schedule
  const right = await partnerCall(`/jobs/${ids[0] ?? ''}`);

  // Assess: nothing had reached the queue
  expect(right.json.status, JSON.stringify(right.json)).toBe('waiting');
  expect(await deliveriesFor(ids)).toEqual([]);
  const result = await reconcile(
    ids.map((jobId) => ({ jobId, queue, expect: 'completed' as const })),
    { timeoutMs: 150_000 },
  );
  expect(result.problems).toEqual([]);
  expect(result.completed).toBe(ids.length);
}
