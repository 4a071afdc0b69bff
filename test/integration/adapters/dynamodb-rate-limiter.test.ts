import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbRateLimiter } from '../../../functions/adapters/dynamodb-rate-limiter';
import { createJobsTable } from '../../../local/provision';
import { testEnvironment, uniqueName } from '../../helpers/emulators';

let tableName: string;

beforeAll(async () => {
  tableName = uniqueName('limits');
  await createJobsTable(testEnvironment().dynamoDb, tableName);
});

/** Slots of all reservations, in order, and the smallest gap between neighbours. */
function smallestGap(slots: number[]): number {
  const sorted = [...slots].sort((a, b) => a - b);
  return sorted.slice(1).reduce((gap, slot, i) => Math.min(gap, slot - (sorted[i] ?? 0)), Number.POSITIVE_INFINITY);
}

describe('DynamoDbRateLimiter against DynamoDB Local', () => {
  it('never hands out two slots closer than duration / max to 20 concurrent consumers', async () => {
    // Prepare
    const limit = { max: 10, durationMs: 1000 };
    const now = new Date();
    const consumers = Array.from({ length: 20 }, () => new DynamoDbRateLimiter({ client: testEnvironment().dynamoDb, tableName, maxTries: 40 }));

    // Act
    const reservations = await Promise.all(
      consumers.map((limiter) => limiter.reserve('payments', limit, { wanted: 2, now, horizonMs: 60_000 })),
    );

    // Assess
    const slots = reservations.flatMap((reservation) => reservation.slots);
    expect(slots).toHaveLength(40);
    expect(smallestGap(slots)).toBeGreaterThanOrEqual(limit.durationMs / limit.max);
  });

  it('keeps the spacing when consumers give up and defer under contention', async () => {
    // Prepare
    const limit = { max: 5, durationMs: 1000 };
    const now = new Date();
    const limiter = new DynamoDbRateLimiter({ client: testEnvironment().dynamoDb, tableName, maxTries: 2 });

    // Act
    const reservations = await Promise.all(
      Array.from({ length: 20 }, () => limiter.reserve('webhooks', limit, { wanted: 1, now, horizonMs: 60_000 })),
    );

    // Assess
    const granted = reservations.filter((reservation) => reservation.slots.length > 0);
    const deferred = reservations.filter((reservation) => reservation.slots.length === 0);
    expect(granted.length).toBeGreaterThan(0);
    expect(deferred.every((reservation) => reservation.deferMs > 0)).toBe(true);
    expect(smallestGap(granted.flatMap((reservation) => reservation.slots))).toBeGreaterThanOrEqual(limit.durationMs / limit.max);
  });

  it('keeps queues apart', async () => {
    // Prepare
    const limiter = new DynamoDbRateLimiter({ client: testEnvironment().dynamoDb, tableName });
    const limit = { max: 1, durationMs: 10_000 };
    const now = new Date();

    // Act
    const first = await limiter.reserve('email', limit, { wanted: 1, now, horizonMs: 0 });
    const sameQueue = await limiter.reserve('email', limit, { wanted: 1, now, horizonMs: 0 });
    const otherQueue = await limiter.reserve('reports', limit, { wanted: 1, now, horizonMs: 0 });

    // Assess: a slot starts no earlier than the reservation was made, and no later than it returned
    const finishedMs = Date.now();
    expect(first.slots[0]).toBeGreaterThanOrEqual(now.getTime());
    expect(first.slots[0]).toBeLessThanOrEqual(finishedMs);
    expect(sameQueue.slots).toEqual([]);
    expect(sameQueue.deferMs).toBeGreaterThan(9_000);
    expect(otherQueue.slots[0]).toBeGreaterThanOrEqual(now.getTime());
    expect(otherQueue.slots[0]).toBeLessThanOrEqual(finishedMs);
  });
});
