import { randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient, PutItemCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/local-aws';
import type { Progress } from '../progress';
import type { FloorResult } from '../results';

/** Writes in flight at once, as the ingest runs' requests. */
export const FLOOR_CONCURRENCY = 50;
/** How long the floor is measured, ms. */
export const FLOOR_MS = 5000;
/**
 * How long the writers run before the count starts, ms. The floor runs first,
 * seconds after DynamoDB Local started: its JIT is still compiling, and on this
 * machine kind a cold first five seconds wrote a third to a half of what the
 * same JVM wrote once warm. The ingest runs that follow meet a warm JVM, so a
 * cold floor understated the denominator of the throughput goals.
 */
export const FLOOR_WARMUP_MS = 2000;
/** Each item's size: a 1 KB job record. */
export const FLOOR_ITEM_BYTES = 1024;

/**
 * DynamoDB Local's own rate of conditional single-item writes (PutItem with
 * `attribute_not_exists`, 1 KB items, 50 in flight) for about five seconds
 * after two uncounted ones that warm the JVM up,
 * straight to the emulator: the denominator of the pipeline's throughput
 * goals, measured in the same run on the same machine.
 */
export async function floor(endpoint: string, progress: Progress): Promise<FloorResult> {
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: { ...LOCAL_CREDENTIALS },
    requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: FLOOR_CONCURRENCY }) },
  });
  const table = `bench-floor-${randomUUID().slice(0, 8)}`;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
    await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: table });
    // The body brings the item to 1 KB with its key (about 40 bytes) and attribute names.
    const body = 'x'.repeat(FLOOR_ITEM_BYTES - 60);
    let next = 0;
    const write = async (): Promise<void> => {
      const pk = `job-${next++}-${randomUUID()}`;
      await client.send(
        new PutItemCommand({
          TableName: table,
          Item: { pk: { S: pk }, status: { S: 'waiting' }, body: { S: body } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    };
    const { writes, seconds } = await measureWrites(write, {
      concurrency: FLOOR_CONCURRENCY,
      warmupMs: FLOOR_WARMUP_MS,
      measureMs: FLOOR_MS,
      onTick: (phase, count) => progress.update('floor', phase === 'warmup' ? 'warming DynamoDB Local up' : `${count} conditional writes to DynamoDB Local`),
    });
    return { scenario: 'floor', system: 'dynamodb-local', concurrency: FLOOR_CONCURRENCY, item_bytes: FLOOR_ITEM_BYTES, seconds, writes, writes_per_s: writes / seconds };
  } finally {
    await client.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
    client.destroy();
  }
}

/** How {@link measureWrites} runs. */
export interface MeasureWritesOptions {
  /** Writes in flight at once. */
  readonly concurrency: number;
  /** Writers run this long first, uncounted, ms. */
  readonly warmupMs: number;
  /** Then the writes finished within this long are counted, ms. */
  readonly measureMs: number;
  /** Told now and then (every 250 ms) where the run is. @default - not told */
  readonly onTick?: (phase: 'warmup' | 'measure', writes: number) => void;
  /** The clock, ms. @default performance.now */
  readonly now?: () => number;
}

/**
 * Keeps `concurrency` writes in flight without a pause: for `warmupMs`
 * uncounted, then for `measureMs` counted. The writers do not stop between the
 * two, so the measured window starts at full load rather than from a standing
 * start. Counts the writes started in the window, over the seconds from its
 * start until the last of them finished.
 *
 * @example
 * const { writes, seconds } = await measureWrites(() => client.send(put()), { concurrency: 50, warmupMs: 2000, measureMs: 5000 });
 */
export async function measureWrites(write: () => Promise<void>, options: MeasureWritesOptions): Promise<{ writes: number; seconds: number }> {
  const now = options.now ?? (() => performance.now());
  let counting = false;
  let writes = 0;
  let measureStart = now() + options.warmupMs;
  const deadline = measureStart + options.measureMs;
  const ticker = setInterval(() => options.onTick?.(counting ? 'measure' : 'warmup', writes), 250);
  const writer = async (): Promise<void> => {
    for (;;) {
      const at = now();
      if (at >= deadline) return;
      if (!counting && at >= measureStart) {
        counting = true;
        measureStart = at;
      }
      const counted = counting;
      await write();
      if (counted) writes++;
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, writer));
  } finally {
    clearInterval(ticker);
  }
  return { writes, seconds: (now() - measureStart) / 1000 };
}
