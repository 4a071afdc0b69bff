import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { acceptBatch, acceptJob } from '../support/accept';
import { fault } from '../support/fault-context';
import { reconcile } from '../support/reconcile';
import { dataFor } from '../../helpers/job-data';

/**
 * DynamoDB Local stops (SIGSTOP) for 10 s while 200 jobs are being accepted
 * and run: every call in flight hangs, and goes on when it comes back. Every
 * accepted job completes, once.
 */
export async function dynamoDbFrozenUnderLoad(): Promise<void> {
  // Prepare
  const queue = 'payment-reminders';
  const bodies = Array.from({ length: 200 }, (_, index) => ({ data: { reminder: index } }));
  const first = await acceptBatch(queue, bodies.slice(0, 100));

  // Act: freeze while the rest is posted and the first hundred run
  const [, rest] = await Promise.all([fault('/dynamodb/freeze?ms=10000'), acceptBatch(queue, bodies.slice(100))]);

  // Assess
  const ids = [...first, ...rest];
  expect(ids.length).toBe(200);
  const result = await reconcile(
    ids.map((jobId) => ({ jobId, queue, expect: 'completed' as const })),
    { timeoutMs: 180_000 },
  );
  expect(result.problems).toEqual([]);
  expect(result.completed).toBe(200);
}

/**
 * For 15 s a quarter of the functions' DynamoDB requests fail: throttled
 * before they are applied, or answered 500 after they were. Jobs accepted
 * meanwhile (a partner retries a 5xx) all complete, once.
 */
export async function dynamoDbAnsweringErrors(): Promise<void> {
  // Prepare
  const queue = 'whatsapp-messages';
  await fault('/dynamodb/errors?share=0.25');
  let ids: string[] = [];
  try {
    // Act
    const posting = (async () => {
      const accepted: string[] = [];
      for (let round = 0; round < 10; round += 1) {
        accepted.push(...(await Promise.all(Array.from({ length: 10 }, (_, index) => acceptJob(queue, { data: dataFor(queue, { message: round * 10 + index }) })))));
      }
      return accepted;
    })();
    [ids] = await Promise.all([posting, sleep(15_000)]);
  } finally {
    await fault('/dynamodb/errors?share=0');
  }

  // Assess
  const result = await reconcile(
    ids.map((jobId) => ({ jobId, queue, expect: 'completed' as const })),
    { timeoutMs: 150_000 },
  );
  expect(result.problems).toEqual([]);
  expect(result.completed).toBe(ids.length);
}
