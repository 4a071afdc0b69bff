import { randomUUID } from 'node:crypto';
import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDynamoDbMeterProxy, type DynamoDbMeterProxy } from '../../../local/cloud/http/dynamodb-meter-proxy';
import { UsageMeter, usageBetween, type MeterReading } from '../../../local/cloud/meter';
import { localAwsConfig } from '../../../local/local-aws';

/** Attribute values of a given size, for items of known size. */
const text = (bytes: number) => ({ S: 'x'.repeat(bytes) });

describe('the DynamoDB meter proxy, against DynamoDB Local', () => {
  const meter = new UsageMeter();
  let proxy: DynamoDbMeterProxy;
  let dynamo: DynamoDBClient;
  const table = `meter-${randomUUID()}`;

  /** The units the proxy recorded while `act` ran. */
  const unitsOf = async (act: () => Promise<unknown>): Promise<MeterReading> => {
    const before = meter.reading();
    await act();
    return usageBetween(before, meter.reading());
  };

  beforeAll(async () => {
    proxy = await startDynamoDbMeterProxy({ port: 0, upstream: inject('emulators').dynamoDbEndpoint, record: (action, units) => meter.dynamoCall(action, units) });
    dynamo = new DynamoDBClient(localAwsConfig(proxy.endpoint));
    await dynamo.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
          { AttributeName: 'status', AttributeType: 'S' },
        ],
        GlobalSecondaryIndexes: [{ IndexName: 'by-status', KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
      }),
    );
  });
  afterAll(async () => {
    dynamo.destroy();
    await proxy.stop();
  });

  it('bills a put per started KB, once for the table and once for each index the item is in', async () => {
    // Act: about 2.5 KB, in the index
    let answer: unknown;
    const usage = await unitsOf(async () => {
      answer = await dynamo.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'put' }, sk: { S: '1' }, status: { S: 'waiting' }, payload: text(2500) } }));
    });

    // Assess
    expect(usage.byDynamoAction.PutItem).toEqual({ writeUnits: 6, readUnits: 0, calls: 1 });
    expect(answer).not.toHaveProperty('ConsumedCapacity', expect.anything());
  });

  it('bills an update on the larger of the item before and after, the index entry too', async () => {
    // Prepare: about 2.5 KB, in the index
    await dynamo.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'shrink' }, sk: { S: '1' }, status: { S: 'waiting' }, payload: text(2500) } }));

    // Act: the item shrinks to a few bytes
    const usage = await unitsOf(() => dynamo.send(new UpdateItemCommand({ TableName: table, Key: { pk: { S: 'shrink' }, sk: { S: '1' } }, UpdateExpression: 'REMOVE payload' })));

    // Assess
    expect(usage.dynamoWriteUnits).toBe(3 + 3);
  });

  it('bills a change of an index key as a delete and a put in the index', async () => {
    // Prepare: a small item
    await dynamo.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'move' }, sk: { S: '1' }, status: { S: 'waiting' } } }));

    // Act
    const usage = await unitsOf(() =>
      dynamo.send(new UpdateItemCommand({ TableName: table, Key: { pk: { S: 'move' }, sk: { S: '1' } }, UpdateExpression: 'SET #s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': { S: 'active' } } })),
    );

    // Assess: table 1, index delete 1 and put 1
    expect(usage.dynamoWriteUnits).toBe(3);
  });

  it('bills a failed conditional write on the existing item’s size, and answers as if it had not asked for the item', async () => {
    // Prepare: about 3.5 KB, in the index
    await dynamo.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'cond' }, sk: { S: '1' }, status: { S: 'waiting' }, payload: text(3500) } }));

    // Act
    let failure: unknown;
    const usage = await unitsOf(async () => {
      failure = await dynamo
        .send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'cond' }, sk: { S: '1' } }, ConditionExpression: 'attribute_not_exists(pk)' }))
        .catch((error: unknown) => error);
    });

    // Assess: 4 KB started, no index write
    expect(failure).toBeInstanceOf(ConditionalCheckFailedException);
    expect((failure as ConditionalCheckFailedException).Item).toBeUndefined();
    expect(usage.byDynamoAction.PutItem).toEqual({ writeUnits: 4, readUnits: 0, calls: 1 });
  });

  it('bills a failed condition on a missing item one unit, and hands the old item to a caller who asks', async () => {
    // Prepare
    await dynamo.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'asked' }, sk: { S: '1' } } }));

    // Act
    const usage = await unitsOf(async () => {
      await dynamo.send(new UpdateItemCommand({ TableName: table, Key: { pk: { S: 'nothing' }, sk: { S: '1' } }, UpdateExpression: 'SET a = :a', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':a': { S: 'x' } } })).catch(() => undefined);
    });
    const asked = await dynamo
      .send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'asked' }, sk: { S: '1' } }, ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }))
      .catch((error: unknown) => error);

    // Assess
    expect(usage.dynamoWriteUnits).toBe(1);
    expect((asked as ConditionalCheckFailedException).Item).toEqual({ pk: { S: 'asked' }, sk: { S: '1' } });
  });

  it('bills a delete on the item’s size and its index entry', async () => {
    // Prepare: about 1.5 KB, in the index
    await dynamo.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'delete' }, sk: { S: '1' }, status: { S: 'failed' }, payload: text(1500) } }));

    // Act
    const usage = await unitsOf(() => dynamo.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: 'delete' }, sk: { S: '1' } } })));

    // Assess
    expect(usage.dynamoWriteUnits).toBe(2 + 2);
  });

  it('bills reads per started 4 KB, half for eventually consistent ones', async () => {
    // Prepare: about 5 KB, not in the index
    await dynamo.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'read' }, sk: { S: '1' }, payload: text(5000) } }));
    const key = { pk: { S: 'read' }, sk: { S: '1' } };

    // Act
    const strong = await unitsOf(() => dynamo.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true })));
    const eventual = await unitsOf(() => dynamo.send(new GetItemCommand({ TableName: table, Key: key })));

    // Assess
    expect(strong.dynamoReadUnits).toBe(2);
    expect(eventual.dynamoReadUnits).toBe(1);
    expect(eventual.dynamoWriteUnits).toBe(0);
  });

  it('bills a query on the total size it read, filtered out or not', async () => {
    // Prepare: five items of about 1.5 KB under one key
    for (let sk = 0; sk < 5; sk += 1) await dynamo.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'query' }, sk: { S: String(sk) }, payload: text(1500) } }));

    // Act: 7.5 KB read, nothing returned
    const usage = await unitsOf(() =>
      dynamo.send(
        new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :p', FilterExpression: 'payload = :none', ExpressionAttributeValues: { ':p': { S: 'query' }, ':none': { S: 'none' } }, ConsistentRead: true }),
      ),
    );

    // Assess
    expect(usage.byDynamoAction.Query).toEqual({ writeUnits: 0, readUnits: 2, calls: 1 });
  });

  it('bills each item of a batch write on its own', async () => {
    // Act: one item of about 1.5 KB in the index, one small outside it
    const usage = await unitsOf(() =>
      dynamo.send(
        new BatchWriteItemCommand({
          RequestItems: {
            [table]: [
              { PutRequest: { Item: { pk: { S: 'batch' }, sk: { S: '1' }, status: { S: 'waiting' }, payload: text(1500) } } },
              { PutRequest: { Item: { pk: { S: 'batch' }, sk: { S: '2' } } } },
            ],
          },
        }),
      ),
    );

    // Assess: 2 + 2 for the first, 1 for the second
    expect(usage.byDynamoAction.BatchWriteItem).toEqual({ writeUnits: 5, readUnits: 0, calls: 1 });
  });

  it('leaves the capacity in the answer when the caller asked for it', async () => {
    // Act
    const answer = await dynamo.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'own' }, sk: { S: '1' } }, ReturnConsumedCapacity: 'TOTAL' }));

    // Assess
    expect(answer.ConsumedCapacity?.CapacityUnits).toBe(1);
  });
});
