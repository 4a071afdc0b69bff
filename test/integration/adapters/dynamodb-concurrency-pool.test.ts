import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbConcurrencyPool } from '../../../functions/adapters/dynamodb-concurrency-pool';
import { createJobsTable } from '../../../local/provision';
import { testEnvironment, uniqueName } from '../../helpers/emulators';

let tableName: string;

beforeAll(async () => {
  tableName = uniqueName('pool');
  await createJobsTable(testEnvironment().dynamoDb, tableName);
});

function pool(): DynamoDbConcurrencyPool {
  return new DynamoDbConcurrencyPool({ client: testEnvironment().dynamoDb, tableName, maxTries: 40 });
}

const lease = () => Date.now() + 60_000;

describe('DynamoDbConcurrencyPool against DynamoDB Local', () => {
  it('never grants more than the limit to 12 invocations asking at once, and every slot comes back', async () => {
    // Prepare
    const queue = `q-${randomUUID()}`;
    const tokens = Array.from({ length: 12 }, () => randomUUID());

    // Act
    const granted = await Promise.all(tokens.map((token) => pool().acquire(queue, { token, wanted: 3, limit: 10, headroom: 0, untilMs: lease() })));
    await Promise.all(tokens.map((token) => pool().release(queue, token)));
    const afterwards = await pool().acquire(queue, { token: randomUUID(), wanted: 10, limit: 10, headroom: 0, untilMs: lease() });

    // Assess: all ten slots were handed out, never more; once given back, all ten are free again
    expect(granted.reduce((sum, value) => sum + value, 0)).toBe(10);
    expect(afterwards).toBe(10);
  });

  it('keeps a lane\'s headroom free for urgent work', async () => {
    // Prepare
    const queue = `q-${randomUUID()}`;

    // Act
    const normal = await pool().acquire(queue, { token: randomUUID(), wanted: 10, limit: 10, headroom: 2, untilMs: lease() });
    const secondNormal = await pool().acquire(queue, { token: randomUUID(), wanted: 10, limit: 10, headroom: 2, untilMs: lease() });
    const urgent = await pool().acquire(queue, { token: randomUUID(), wanted: 10, limit: 10, headroom: 0, untilMs: lease() });

    // Assess
    expect([normal, secondNormal, urgent]).toEqual([8, 0, 2]);
  });

  it('takes back the slots of an invocation whose lease ended (it crashed)', async () => {
    // Prepare: a holder of all ten slots whose lease is already over
    const queue = `q-${randomUUID()}`;
    await pool().acquire(queue, { token: 'crashed', wanted: 10, limit: 10, headroom: 0, untilMs: Date.now() - 1 });

    // Act
    const granted = await pool().acquire(queue, { token: randomUUID(), wanted: 10, limit: 10, headroom: 0, untilMs: lease() });

    // Assess
    expect(granted).toBe(10);
  });

  it('gives back all but the slots still in use when a holder shrinks while another invocation waits', async () => {
    // Prepare: one holder of all ten; another invocation finds the pool full (and marks it wanted)
    const queue = `q-${randomUUID()}`;
    const token = randomUUID();
    await pool().acquire(queue, { token, wanted: 10, limit: 10, headroom: 0, untilMs: lease() });
    const waiting = await pool().acquire(queue, { token: randomUUID(), wanted: 10, limit: 10, headroom: 0, untilMs: lease() });

    // Act
    const shrunk = await pool().shrink(queue, token, 3);
    const other = await pool().acquire(queue, { token: randomUUID(), wanted: 10, limit: 10, headroom: 0, untilMs: lease() });
    const again = await pool().shrink(queue, token, 5);
    const none = await pool().acquire(queue, { token: randomUUID(), wanted: 1, limit: 10, headroom: 0, untilMs: lease() });

    // Assess: seven came back; a shrink to more than is held changes nothing
    expect([waiting, shrunk, other, again, none]).toEqual([0, true, 7, false, 0]);
  });

  it('keeps its slots when no invocation waits: the early give-back costs a read, not a write', async () => {
    // Prepare
    const queue = `q-${randomUUID()}`;
    const token = randomUUID();
    await pool().acquire(queue, { token, wanted: 10, limit: 10, headroom: 0, untilMs: lease() });

    // Act
    const shrunk = await pool().shrink(queue, token, 3);
    const other = await pool().acquire(queue, { token: randomUUID(), wanted: 1, limit: 10, headroom: 0, untilMs: lease() });

    // Assess
    expect([shrunk, other]).toEqual([false, 0]);
  });

  it('renews a lease, so a live holder keeps its slots past the first lease; a lapsed holder is told', async () => {
    // Prepare: a holder whose lease is about to end
    const queue = `q-${randomUUID()}`;
    const token = randomUUID();
    await pool().acquire(queue, { token, wanted: 10, limit: 10, headroom: 0, untilMs: Date.now() + 300 });

    // Act
    const renewed = await pool().renew(queue, token, lease());
    await new Promise((resolve) => setTimeout(resolve, 400));
    const other = await pool().acquire(queue, { token: randomUUID(), wanted: 1, limit: 10, headroom: 0, untilMs: lease() });
    const stranger = await pool().renew(queue, randomUUID(), lease());

    // Assess
    expect([renewed, other, stranger]).toEqual([true, 0, false]);
  });

  it('gives back nothing and fails nothing for a queue whose pool was never used', async () => {
    await expect(pool().shrink(`q-${randomUUID()}`, randomUUID(), 1)).resolves.toBe(false);
    await expect(pool().release(`q-${randomUUID()}`, randomUUID())).resolves.toBeUndefined();
  });

  it('keeps queues apart', async () => {
    // Act
    const a = await pool().acquire(`q-${randomUUID()}`, { token: randomUUID(), wanted: 5, limit: 5, headroom: 0, untilMs: lease() });
    const b = await pool().acquire(`q-${randomUUID()}`, { token: randomUUID(), wanted: 5, limit: 5, headroom: 0, untilMs: lease() });

    // Assess
    expect([a, b]).toEqual([5, 5]);
  });
});
