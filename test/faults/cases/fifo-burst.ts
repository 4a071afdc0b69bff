import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { acceptJob } from '../support/accept';
import { reconcile } from '../support/reconcile';
import { deliveriesFor } from './consumer-crash';
import { dataFor } from '../../helpers/job-data';

/**
 * A burst of 50 orders in one FIFO group on a queue limited to 100 a minute,
 * received as SQS hands FIFO groups out (up to ten of one group per receive):
 * the limiter spaces them 0.6 s apart, so most wait; every order completes,
 * none is dead-lettered, and the target sees them in the order sent.
 */
export async function fifoBurstOnRateLimitedQueue(): Promise<void> {
  // Prepare: one order's steps, sent one after another
  const queue = 'order-processing';
  const group = `order-${randomUUID()}`;
  const ids: string[] = [];
  for (let step = 0; step < 50; step += 1) ids.push(await acceptJob(queue, { data: dataFor(queue, { step }), group_id: group }));

  // Act
  const result = await reconcile(
    ids.map((jobId) => ({ jobId, queue, expect: 'completed' as const })),
    { timeoutMs: 180_000 },
  );

  // Assess: each step was first delivered only after the one before it had completed
  expect(result.problems).toEqual([]);
  const deliveries = await deliveriesFor(ids);
  const firstDelivery = (id: string): number => Math.min(...deliveries.filter((delivery) => delivery.jobId === id).map((delivery) => delivery.at));
  const completedAt = (id: string): number =>
    deliveries.find((delivery) => delivery.jobId === id && delivery.answered === true && (delivery.status ?? 0) < 300)?.answeredAt ?? Number.POSITIVE_INFINITY;
  const outOfOrder = ids.slice(1).filter((id, index) => firstDelivery(id) < completedAt(ids[index] ?? ''));
  expect(outOfOrder, 'steps delivered before the step before them completed').toEqual([]);
}
