/**
 * A job store on a fresh table in DynamoDB Local for one test file, with a
 * count of the requests it sends and the write units each write consumed
 * (DynamoDB Local reports them as DynamoDB bills them, index writes apart),
 * so tests can hold transitions to one write and to the index writes they need.
 */
import { DynamoDBClient, GetItemCommand, type ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { localAwsConfig } from '../../../local/emulators';
import { createJobsTable } from '../../../local/provision';
import { dynamoDbJobStore, type DynamoDbJobStore } from '../../../functions/adapters/dynamodb-job-store';
import { testEnvironment, uniqueName } from '../../helpers/emulators';

/** The write units one write consumed (a batch put's, summed over its items). */
export interface WriteUnits {
  readonly command: string;
  readonly table: number;
  readonly indexes: Record<string, number>;
}

/** Writes whose units are counted: single-item writes, and batch puts (one entry for the whole call). */
const COUNTED_WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand']);

/** A store, the client it sends with, and the commands it sent so far. */
export interface JobStoreFixture {
  readonly store: DynamoDbJobStore;
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Names of the commands sent since the last `resetCalls()` (e.g. `UpdateItemCommand`). */
  readonly calls: string[];
  /** Write units of each write since the last `resetCalls()` (a batch put's summed over its items): the table's, and each index's by name. */
  readonly writes: WriteUnits[];
  resetCalls(): void;
  /** A raw item, read consistently, to check what is stored. */
  rawItem(pk: string, sk: string): Promise<Record<string, unknown> | undefined>;
}

/** Creates a fresh jobs table and a store on it with its own counted client. */
export async function jobStoreFixture(prefix = 'jobs'): Promise<JobStoreFixture> {
  const environment = testEnvironment();
  const tableName = uniqueName(prefix);
  await createJobsTable(environment.dynamoDb, tableName);
  const client = new DynamoDBClient(localAwsConfig(environment.dynamoDbEndpoint));
  const calls: string[] = [];
  const writes: WriteUnits[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'unknown';
      calls.push(command);
      if (!COUNTED_WRITES.has(command)) return next(args);
      const input = args.input as { ReturnConsumedCapacity?: string };
      input.ReturnConsumedCapacity = 'INDEXES';
      const recordOf = (reported: ConsumedCapacity | ConsumedCapacity[] | undefined) => {
        const capacities = Array.isArray(reported) ? reported : [reported];
        const indexes: Record<string, number> = {};
        for (const capacity of capacities) {
          for (const [name, units] of Object.entries(capacity?.GlobalSecondaryIndexes ?? {})) indexes[name] = (indexes[name] ?? 0) + (units.CapacityUnits ?? 0);
        }
        writes.push({ command, table: capacities.reduce((sum, capacity) => sum + (capacity?.Table?.CapacityUnits ?? 0), 0), indexes });
      };
      try {
        const result = await next(args);
        recordOf((result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity);
        return result;
      } catch (error) {
        // A refused condition is billed too; DynamoDB Local reports no capacity with it.
        recordOf(undefined);
        throw error;
      }
    },
    { step: 'initialize', name: 'countCommands' },
  );
  return {
    store: dynamoDbJobStore({ client, tableName }),
    client,
    tableName,
    calls,
    writes,
    resetCalls: () => {
      calls.length = 0;
      writes.length = 0;
    },
    rawItem: async (pk, sk) => {
      const { Item } = await environment.dynamoDb.send(
        new GetItemCommand({ TableName: tableName, Key: { pk: { S: pk }, sk: { S: sk } }, ConsistentRead: true }),
      );
      return Item === undefined ? undefined : unmarshall(Item);
    },
  };
}
