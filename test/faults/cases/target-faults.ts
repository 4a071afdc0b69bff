import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { adminApi, e2eCloud, jobStatus, setTarget } from '../../e2e/support/e2e-context';
import { acceptBatch } from '../support/accept';
import { lettersByJob } from '../support/fault-context';
import { reconcile } from '../support/reconcile';
import { deliveriesFor, untilDeliveries } from './consumer-crash';

/** Makes a queue's target fail with 503 and recover every `periodMs`, starting down. */
async function flapTarget(queue: string, periodMs: number): Promise<void> {
  await fetch(`${e2eCloud().targetUrl}/_control/${queue}/flap?period_ms=${periodMs}&status=503`, { method: 'POST' });
}

/** Waits until the target has refused one of these jobs with `status`: the outage has met them. */
async function untilRefused(ids: readonly string[], status: number, timeoutMs: number): Promise<void> {
  await untilDeliveries(
    ids,
    (seen) => seen.some((delivery) => delivery.status === status),
    () => `the target refused none of the jobs with ${status} within ${timeoutMs} ms: it did not flap on them`,
    timeoutMs,
  );
}

/**
 * The target fails (503) and recovers every 3 s while jobs of every priority
 * run with 4 attempts: each ends completed, or failed with its letter once
 * its attempts are spent during outages, and none completes twice. The
 * flapping starts at the first delivery and goes on for 15 s after the
 * first refusal, however slow the other cases make the jobs' arrival.
 */
export async function flappingTarget(): Promise<void> {
  // Prepare
  const queue = 'webhook-delivery';
  const priorities = ['low', 'normal', 'high', 'urgent'];
  await flapTarget(queue, 3000);
  let ids: string[];
  try {
    ids = await acceptBatch(queue, Array.from({ length: 40 }, (_, index) => ({ data: { hook: index }, priority: priorities[index % 4], attempts: 4 })));
    // Act: the outages go on for a while, then the target stays up
    await untilRefused(ids, 503, 120_000);
    await sleep(15_000);
  } finally {
    await setTarget(queue, 'up');
  }

  // Assess
  const result = await reconcile(
    ids.map((jobId) => ({ jobId, queue, expect: ['completed', 'failed'] as const })),
    { timeoutMs: 150_000 },
  );
  expect(result.problems).toEqual([]);
  expect(result.completed).toBeGreaterThan(0);
}

/** Waits until every job reads `failed` (its status only: the letters are checked at the end). */
async function allFailed(ids: readonly string[]): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (const id of ids) {
    for (;;) {
      const status = (await jobStatus(id, 5)).status;
      if (status === 'failed') break;
      if (Date.now() > deadline) throw new Error(`job ${id} is ${String(status)}, not failed, after 90 s`);
    }
  }
}

/** Waits until the target has had a second delivery of every job: each redriven job ran again. */
async function untilEachDeliveredTwice(ids: readonly string[]): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const deliveries = await deliveriesFor(ids);
    const short = ids.filter((id) => deliveries.filter((delivery) => delivery.jobId === id).length < 2);
    if (short.length === 0) return;
    if (Date.now() > deadline) throw new Error(`${short.length} redriven jobs did not run again within 90 s, e.g. ${short.slice(0, 3).join(', ')}`);
    await sleep(500);
  }
}

/** Waits until the target has had a delivery of every job after `sinceMs`: each redriven job ran again. */
async function untilEachDeliveredAfter(ids: readonly string[], sinceMs: number): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const deliveries = await deliveriesFor(ids);
    const short = ids.filter((id) => !deliveries.some((delivery) => delivery.jobId === id && delivery.at >= sinceMs));
    if (short.length === 0) return;
    if (Date.now() > deadline) throw new Error(`${short.length} redriven jobs did not run again within 90 s, e.g. ${short.slice(0, 3).join(', ')}`);
    await sleep(500);
  }
}

/** Waits until no move task runs on the queue's DLQ and it holds one letter per job; on a timeout, says which jobs have none or more than one. */
async function untilRedriveSettled(admin: ReturnType<typeof adminApi>, queue: string, ids: readonly string[]): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const { body } = await admin.request('GET', `/admin/queues/${queue}/redrive`);
    const view = body as { dlq?: number; task?: { status?: string } | null };
    const running = view.task?.status === 'RUNNING' || view.task?.status === 'CANCELLING';
    if (!running && view.dlq === ids.length) return;
    if (Date.now() > deadline) {
      const letters = await lettersByJob(queue);
      const without = ids.filter((id) => !letters.has(id));
      const doubled = ids.filter((id) => (letters.get(id) ?? 0) > 1).length;
      const states = await Promise.all(without.slice(0, 3).map(async (id) => JSON.stringify(await jobStatus(id))));
      throw new Error(
        `the first redrive of ${queue} did not settle within 90 s: ${JSON.stringify(body)}; ` +
          `${doubled} jobs with two letters or more; no letter for ${without.length} jobs: ${states.join('; ')}`,
      );
    }
    await sleep(500);
  }
}

/**
 * Redrive-all runs while the target still refuses every job, and new jobs keep
 * failing during the move: each redriven job fails again with its letter,
 * none is lost; once the target is fixed, a second redrive-all completes every
 * one of them, once.
 */
export async function redriveAllWhileFailing(): Promise<void> {
  // Prepare: 30 jobs refused (400: straight to the DLQ)
  const queue = 'image-processing';
  const admin = adminApi();
  await setTarget(queue, 'down');
  let ids: string[] = [];
  try {
    ids = await acceptBatch(queue, Array.from({ length: 30 }, (_, index) => ({ data: { image: index } })));
    await allFailed(ids);
    // A record reads failed just before its letter is sent: a redrive started before every letter is in the
    // DLQ would leave the late ones behind, and those jobs would never run again.
    await untilRedriveSettled(admin, queue, ids);

    // Act: redrive all while more jobs fail and the redriven ones fail again
    const [first, more] = await Promise.all([
      admin.request('POST', `/admin/queues/${queue}/redrive`, { body: { all: true } }),
      acceptBatch(queue, Array.from({ length: 10 }, (_, index) => ({ data: { image: `late-${index}` } }))),
    ]);
    expect([200, 202], JSON.stringify(first.body)).toContain(first.status);
    await untilEachDeliveredTwice(ids);
    ids = [...ids, ...more];
    await allFailed(ids);
    // As an operator would: the next redrive-all waits until the first one has ended (a second is refused
    // with 409 while it runs) and every failed job's letter is in the DLQ (a record reads failed just before
    // its letter is sent), or a letter that lands after the first task's last receive would be left behind.
    await untilRedriveSettled(admin, queue, ids);
  } finally {
    await setTarget(queue, 'up');
  }
  const redrivenAt = Date.now();
  const second = await admin.request('POST', `/admin/queues/${queue}/redrive`, { body: { all: true } });
  // A job reads `failed` until its letter is moved and run: wait for each one's run after this redrive.
  await untilEachDeliveredAfter(ids, redrivenAt);

  // Assess
  expect([200, 202], JSON.stringify(second.body)).toContain(second.status);
  const result = await reconcile(
    ids.map((jobId) => ({ jobId, queue, expect: 'completed' as const })),
    { timeoutMs: 150_000 },
  );
  expect(result.problems).toEqual([]);
  expect(result.completed).toBe(40);
}
