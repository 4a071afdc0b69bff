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
/** Each item's size: a 1 KB job record. */
export const FLOOR_ITEM_BYTES = 1024;

/**
 * DynamoDB Local's own rate of conditional single-item writes (PutItem with
 * `attribute_not_exists`, 1 KB items, 50 in flight) for about five seconds,
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
    let writes = 0;
    let next = 0;
    const started = performance.now();
    const deadline = started + FLOOR_MS;
    const ticker = setInterval(() => progress.update('floor', `${writes} conditional writes to DynamoDB Local`), 250);
    const writer = async (): Promise<void> => {
      while (performance.now() < deadline) {
        const pk = `job-${next++}-${randomUUID()}`;
        await client.send(
          new PutItemCommand({
            TableName: table,
            Item: { pk: { S: pk }, status: { S: 'waiting' }, body: { S: body } },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        writes++;
      }
    };
    await Promise.all(Array.from({ length: FLOOR_CONCURRENCY }, writer)).finally(() => clearInterval(ticker));
    const seconds = (performance.now() - started) / 1000;
    return { scenario: 'floor', system: 'dynamodb-local', concurrency: FLOOR_CONCURRENCY, item_bytes: FLOOR_ITEM_BYTES, seconds, writes, writes_per_s: writes / seconds };
  } finally {
    await client.send(new DeleteTableCommand({ TableName: table })).catch(() => undefined);
    client.destroy();
  }
}
