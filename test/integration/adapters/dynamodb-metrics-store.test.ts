import { DeleteItemCommand, PutItemCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbCounterRollup } from '../../../functions/adapters/dynamodb-counter-rollup';
import { DynamoDbMetricsStore } from '../../../functions/adapters/dynamodb-metrics-store';
import { JOBS_TABLE } from '../../../functions/core/table-schema';
import { createJobsTable } from '../../../local/provision';
import { testEnvironment, uniqueName } from '../../helpers/emulators';

const QUEUE = 'payments';
const at = (time: string): Date => new Date(`2026-03-10T${time}Z`);
const ZERO = { completed: 0, failed: 0, retried: 0, dead_lettered: 0, processing_ms: 0, timed_attempts: 0 };

let tableName: string;
let now: Date;
let sent: string[];

/** The store and the rollup on DynamoDB Local, the store's clock at `now`, counting the commands they send. */
function storeOf(options: { readonly maxRollupMinutes?: number } = {}) {
  const real = testEnvironment().dynamoDb;
  const counting = {
    send: (command: { constructor: { name: string } }) => {
      sent.push(command.constructor.name);
      return real.send(command as never);
    },
  } as unknown as DynamoDBClient;
  const store = new DynamoDbMetricsStore({ client: counting, tableName, clock: { now: () => now, sleep: async () => undefined } });
  const rollup = new DynamoDbCounterRollup({ client: counting, tableName, ...options });
  return {
    record: store.record.bind(store),
    totalsSince: store.totalsSince.bind(store),
    minutesSince: store.minutesSince.bind(store),
    rollUpHours: rollup.rollUpHours.bind(rollup),
  };
}

/** Every counters item of the queue, by sort key. */
async function items(): Promise<Record<string, Record<string, unknown>>> {
  const answer = await testEnvironment().dynamoDb.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': JOBS_TABLE.partitionKey },
      ExpressionAttributeValues: { ':pk': { S: `METRICS#${QUEUE}` } },
    }),
  );
  return Object.fromEntries((answer.Items ?? []).map((item) => unmarshall(item)).map((item) => [String(item[JOBS_TABLE.sortKey]), item]));
}

async function removeItem(sortKey: string): Promise<void> {
  await testEnvironment().dynamoDb.send(new DeleteItemCommand({ TableName: tableName, Key: marshall({ [JOBS_TABLE.partitionKey]: `METRICS#${QUEUE}`, [JOBS_TABLE.sortKey]: sortKey }) }));
}

beforeEach(async () => {
  tableName = uniqueName('metrics');
  await createJobsTable(testEnvironment().dynamoDb, tableName);
  sent = [];
});

describe('the counters (DynamoDbMetricsStore, DynamoDbCounterRollup) against DynamoDB Local', () => {
  it('writes a batch’s counts once, to its minute, and reads them in the totals and the minutes at once', async () => {
    // Prepare
    now = at('10:30:00');
    const store = storeOf();

    // Act
    await store.record(QUEUE, at('10:29:10'), { completed: 9, failed: 1, processing_ms: 400, timed_attempts: 10 });
    const writes = sent.length;
    await store.record(QUEUE, at('10:29:50'), { completed: 10, processing_ms: 300, timed_attempts: 10 });
    await store.record(QUEUE, at('10:30:00'), { completed: 0 });

    // Assess
    expect(writes).toBe(1);
    expect(Object.keys(await items())).toEqual(['M#2026-03-10T10:29']);
    expect(await store.totalsSince(QUEUE, at('09:15:00'))).toEqual({ ...ZERO, completed: 19, failed: 1, processing_ms: 700, timed_attempts: 20 });
    expect(await store.minutesSince(QUEUE, at('10:00:00'))).toEqual([{ ...ZERO, minute: '2026-03-10T10:29', completed: 19, failed: 1, processing_ms: 700, timed_attempts: 20 }]);
  });

  it('rolls an hour up once it has been over for two minutes, and the totals read the same before and after', async () => {
    // Prepare
    const store = storeOf();
    await store.record(QUEUE, at('08:10:00'), { completed: 3 });
    await store.record(QUEUE, at('08:59:59'), { completed: 4, failed: 1 });
    await store.record(QUEUE, at('09:05:00'), { completed: 5 });
    await store.record(QUEUE, at('10:00:30'), { completed: 6 });
    now = at('10:01:59');
    const before = await store.totalsSince(QUEUE, at('08:30:00'));

    // Act
    const early = await store.rollUpHours(QUEUE, now);
    now = at('10:02:00');
    const rolled = await store.rollUpHours(QUEUE, now);
    const after = await store.totalsSince(QUEUE, at('08:30:00'));

    // Assess
    expect(before).toEqual({ ...ZERO, completed: 18, failed: 1 });
    expect(early).toBe(1);
    expect(rolled).toBe(1);
    expect(after).toEqual(before);
    const stored = await items();
    expect(stored['H#2026-03-10T08']).toMatchObject({ completed: 7, failed: 1, rolled: true });
    expect(stored['H#2026-03-10T09']).toMatchObject({ completed: 5, rolled: true });
    expect(stored['H#2026-03-10T10']).toBeUndefined();
  });

  it('reads a rolled-up hour from its hour item, not its minutes, and the current hour from its minutes', async () => {
    // Prepare
    const store = storeOf();
    await store.record(QUEUE, at('08:10:00'), { completed: 3 });
    await store.record(QUEUE, at('09:10:00'), { completed: 4 });
    now = at('09:30:00');
    await store.rollUpHours(QUEUE, now);
    // Gone from the minutes, the rolled-up hour must come from its hour item.
    await removeItem('M#2026-03-10T08:10');

    // Act
    const totals = await store.totalsSince(QUEUE, at('08:00:00'));

    // Assess
    expect(totals.completed).toBe(7);
  });

  it('counts every hour the rollup has not reached yet from its minutes', async () => {
    // Prepare
    const store = storeOf();
    for (const hour of ['05', '06', '07', '08', '09']) await store.record(QUEUE, at(`${hour}:20:00`), { completed: 1 });
    await storeOf().rollUpHours(QUEUE, at('07:03:00'));

    // Act
    now = at('10:30:00');
    const totals = await store.totalsSince(QUEUE, at('04:45:00'));

    // Assess
    expect(Object.keys(await items()).filter((key) => key.startsWith('H#'))).toEqual(['H#2026-03-10T05', 'H#2026-03-10T06']);
    expect(totals.completed).toBe(5);
  });

  it('reads an hour item written batch by batch from its minutes until the rollup has summed it again from them', async () => {
    // Prepare: an hour item added to by batches, which missed the later ones.
    const store = storeOf();
    await testEnvironment().dynamoDb.send(
      new PutItemCommand({ TableName: tableName, Item: marshall({ [JOBS_TABLE.partitionKey]: `METRICS#${QUEUE}`, [JOBS_TABLE.sortKey]: 'H#2026-03-10T09', completed: 1 }) }),
    );
    await store.record(QUEUE, at('09:10:00'), { completed: 1 });
    await store.record(QUEUE, at('09:40:00'), { completed: 4 });

    // Act
    now = at('09:50:00');
    const inTheHour = await store.totalsSince(QUEUE, at('09:00:00'));
    const rolledInTheHour = await store.rollUpHours(QUEUE, now);
    now = at('10:01:00');
    const beforeItsRollup = await store.totalsSince(QUEUE, at('09:00:00'));
    now = at('10:05:00');
    const rolled = await storeOf().rollUpHours(QUEUE, now);
    const after = await store.totalsSince(QUEUE, at('09:00:00'));

    // Assess
    expect(inTheHour.completed).toBe(5);
    expect(beforeItsRollup.completed).toBe(5);
    expect(rolledInTheHour).toBe(0);
    expect(rolled).toBe(1);
    expect(after.completed).toBe(5);
    expect((await items())['H#2026-03-10T09']).toMatchObject({ completed: 5, rolled: true });
  });

  it('stops a long rollup at a whole hour and goes on from there in the next run', async () => {
    // Prepare
    const store = storeOf({ maxRollupMinutes: 5 });
    for (const time of ['05:01', '05:02', '05:03', '06:01', '06:02', '06:03']) await store.record(QUEUE, at(`${time}:00`), { completed: 1 });
    now = at('08:00:00');

    // Act
    const first = await store.rollUpHours(QUEUE, now);
    const hoursAfterFirst = Object.keys(await items()).filter((key) => key.startsWith('H#'));
    const second = await store.rollUpHours(QUEUE, now);

    // Assess
    expect(first).toBe(1);
    expect(hoursAfterFirst).toEqual(['H#2026-03-10T05']);
    expect(second).toBe(1);
    expect((await items())['H#2026-03-10T06']).toMatchObject({ completed: 3, rolled: true });
  });

  it('reads nothing for a queue it has rolled up until another hour is over, then only that hour’s minutes', async () => {
    // Prepare
    const store = storeOf();
    await store.record(QUEUE, at('08:10:00'), { completed: 1 });
    await store.rollUpHours(QUEUE, at('09:05:00'));
    sent = [];

    // Act
    const sameHour = await store.rollUpHours(QUEUE, at('09:55:00'));
    const sentInTheHour = [...sent];
    const nextHour = await store.rollUpHours(QUEUE, at('10:05:00'));

    // Assess
    expect(sameHour).toBe(0);
    expect(sentInTheHour).toEqual([]);
    expect(nextHour).toBe(0);
    expect(sent).toEqual(['QueryCommand']);
  });
});
