import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbHealthSnapshotStore } from '../../../functions/adapters/health-snapshot-store';
import { HEALTH_SNAPSHOT_KEY, refreshableBefore, type QueueCounts } from '../../../functions/core/health-snapshot';
import { JOBS_TABLE } from '../../../functions/core/table-schema';
import { createJobsTable } from '../../../local/provision';
import { testEnvironment, uniqueName } from '../../helpers/emulators';

const NOW = Date.UTC(2026, 0, 1);
const LEASE_MS = 10_000;
const COUNTS: QueueCounts = { waiting: 4, active: 1, delayed: 0, completed: 12, failed: 2, dlq: 2, paused: false };

let tableName: string;
let store: DynamoDbHealthSnapshotStore;

beforeEach(async () => {
  tableName = uniqueName('health');
  await createJobsTable(testEnvironment().dynamoDb, tableName);
  store = new DynamoDbHealthSnapshotStore({ client: testEnvironment().dynamoDb, tableName });
});

const lease = (owner: string, nowMs: number) => store.takeLease({ owner, nowMs, leaseMs: LEASE_MS, refreshableBeforeMs: refreshableBefore(nowMs) });

async function rawItem(): Promise<Record<string, unknown> | undefined> {
  const key = marshall({ [JOBS_TABLE.partitionKey]: HEALTH_SNAPSHOT_KEY.partitionKey, [JOBS_TABLE.sortKey]: HEALTH_SNAPSHOT_KEY.sortKey });
  const answer = await testEnvironment().dynamoDb.send(new GetItemCommand({ TableName: tableName, Key: key }));
  return answer.Item ? unmarshall(answer.Item) : undefined;
}

describe('DynamoDbHealthSnapshotStore against DynamoDB Local', () => {
  it('has no snapshot before the first refresh, and reads back what the lease holder wrote', async () => {
    // Act
    const before = await store.read();
    const taken = await lease('owner-1', NOW);
    const written = await store.write('owner-1', { computedAtMs: NOW, queues: { payments: COUNTS, email: { ...COUNTS, dlq: 0 } } });
    const after = await store.read();

    // Assess
    expect(before).toBeUndefined();
    expect(taken).toEqual({ taken: true });
    expect(written).toBe(true);
    expect(after).toEqual({ computedAtMs: NOW, queues: { payments: COUNTS, email: { ...COUNTS, dlq: 0 } } });
    expect(await rawItem()).toMatchObject({ pk: 'HEALTH#queue-counts', sk: 'SNAPSHOT', computed_at_ms: NOW });
    expect(await rawItem()).not.toHaveProperty('lease_owner');
  });

  it('lets exactly one of 10 concurrent callers take the lease, and tells the others there is no snapshot yet', async () => {
    // Act
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, index) => lease(`owner-${index}`, NOW)));

    // Assess
    expect(outcomes.filter((outcome) => outcome.taken)).toHaveLength(1);
    for (const outcome of outcomes.filter((candidate) => !candidate.taken)) expect(outcome).toEqual({ taken: false, current: undefined });
  });

  it('refuses the lease while the snapshot is fresh, handing back the fresh snapshot, and grants it once it is 15 s old', async () => {
    // Prepare
    await lease('owner-1', NOW);
    await store.write('owner-1', { computedAtMs: NOW, queues: { payments: COUNTS } });

    // Act
    const early = await lease('owner-2', NOW + 14_999);
    const due = await lease('owner-3', NOW + 15_000);

    // Assess
    expect(early).toEqual({ taken: false, current: { computedAtMs: NOW, queues: { payments: COUNTS } } });
    expect(due).toEqual({ taken: true });
  });

  it('refuses a second lease on a stale snapshot until the first expires, handing back the stale snapshot meanwhile', async () => {
    // Prepare: a snapshot 60 s old, and owner-1 refreshing it
    await lease('owner-0', NOW - 60_000);
    await store.write('owner-0', { computedAtMs: NOW - 60_000, queues: { payments: COUNTS } });
    await lease('owner-1', NOW);

    // Act
    const during = await lease('owner-2', NOW + LEASE_MS - 1);
    const afterExpiry = await lease('owner-3', NOW + LEASE_MS);

    // Assess
    expect(during).toEqual({ taken: false, current: { computedAtMs: NOW - 60_000, queues: { payments: COUNTS } } });
    expect(afterExpiry).toEqual({ taken: true });
  });

  it('drops the write of a holder whose expired lease another caller took over', async () => {
    // Prepare
    await lease('slow', NOW);
    await lease('takeover', NOW + LEASE_MS);

    // Act
    const slowWrite = await store.write('slow', { computedAtMs: NOW, queues: { payments: COUNTS } });
    const takeoverWrite = await store.write('takeover', { computedAtMs: NOW + LEASE_MS, queues: { payments: { ...COUNTS, waiting: 0 } } });

    // Assess
    expect(slowWrite).toBe(false);
    expect(takeoverWrite).toBe(true);
    expect(await store.read()).toEqual({ computedAtMs: NOW + LEASE_MS, queues: { payments: { ...COUNTS, waiting: 0 } } });
  });

  it('fails loudly on a malformed snapshot item instead of answering made-up counts', async () => {
    // Prepare
    await testEnvironment().dynamoDb.send(
      new PutItemCommand({
        TableName: tableName,
        Item: marshall({
          [JOBS_TABLE.partitionKey]: HEALTH_SNAPSHOT_KEY.partitionKey,
          [JOBS_TABLE.sortKey]: HEALTH_SNAPSHOT_KEY.sortKey,
          computed_at_ms: NOW,
          queues: { payments: { waiting: 'many' } },
        }),
      }),
    );

    // Act / Assess
    await expect(store.read()).rejects.toThrow(/health snapshot item is malformed/);
  });
});
