import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import type { TargetDelivery } from '../../e2e/support/scripted-target';
import { e2eCloud } from '../../e2e/support/e2e-context';
import { acceptBatch } from '../support/accept';
import { fault } from '../support/fault-context';
import { reconcile } from '../support/reconcile';
import { dataFor } from '../../helpers/job-data';

/** Everything the target got for these jobs. */
export async function deliveriesFor(ids: readonly string[]): Promise<TargetDelivery[]> {
  const wanted = new Set(ids);
  const all = (await (await fetch(`${e2eCloud().targetUrl}/_deliveries`)).json()) as TargetDelivery[];
  return all.filter((delivery) => wanted.has(delivery.jobId));
}

/**
 * Waits until the target's deliveries of these jobs satisfy `done`, looking
 * every 200 ms; after `timeoutMs` it throws `failure(seen)`.
 */
export async function untilDeliveries(
  ids: readonly string[],
  done: (seen: readonly TargetDelivery[]) => boolean,
  failure: (seen: readonly TargetDelivery[]) => string,
  timeoutMs: number,
): Promise<TargetDelivery[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = await deliveriesFor(ids);
    if (done(seen)) return seen;
    if (Date.now() > deadline) throw new Error(failure(seen));
    await sleep(200);
  }
}

/** Waits until the target has had at least `count` deliveries of these jobs. */
export async function untilDelivered(ids: readonly string[], count: number, timeoutMs = 60_000): Promise<TargetDelivery[]> {
  return untilDeliveries(ids, (seen) => seen.length >= count, (seen) => `the target saw ${seen.length} of ${count} deliveries within ${timeoutMs} ms`, timeoutMs);
}

/**
 * A consumer's instances are killed while they deliver: the job in delivery
 * never hears its answer, the rest of each batch is never started, and
 * nothing of the batch is deleted or settled. Every job still completes, once.
 */
export async function consumerKilledMidBatch(): Promise<void> {
  // Prepare: each job's first delivery takes 5 s, so a batch is mid-way for a while. A delivery answered
  // before the kill is a job done whose record the kill cut off: it runs again, as it must, and is not
  // what this case tests; the hold keeps the kill ahead of every answer however slowly the suite's load
  // lets the watch below see the first deliveries (1.5 s was once not enough).
  const queue = 'qr-analytics';
  const ids = await acceptBatch(queue, Array.from({ length: 20 }, (_, index) => ({ data: dataFor(queue, { scan: index, hold_ms: [5000, 0] }) })));
  await untilDelivered(ids, 3);

  // Act
  const { crashed } = await fault(`/crash/consumer-${queue}`);

  // Assess
  expect(crashed).toBeGreaterThanOrEqual(1);
  const result = await reconcile(
    ids.map((jobId) => ({ jobId, queue, expect: 'completed' as const })),
    { timeoutMs: 150_000 },
  );
  expect(result.problems).toEqual([]);
  expect(result.completed).toBe(ids.length);
  const cut = (await deliveriesFor(ids)).filter((delivery) => delivery.answered === false);
  expect(cut.length, 'a delivery was cut off by the kill').toBeGreaterThanOrEqual(1);
}
