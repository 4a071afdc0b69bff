/**
 * A job store on a fresh table in DynamoDB Local for one test file, with a
 * count of the requests it sends, so tests can hold transitions to one write.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { localAwsConfig } from '../../../local/emulators';
import { createJobsTable } from '../../../local/provision';
import { DynamoDbJobStore } from '../../../functions/adapters/dynamodb-job-store';
import { testEnvironment, uniqueName } from '../../helpers/emulators';

/** A store, the client it sends with, and the commands it sent so far. */
export interface JobStoreFixture {
  readonly store: DynamoDbJobStore;
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Names of the commands sent since the last `resetCalls()` (e.g. `UpdateItemCommand`). */
  readonly calls: string[];
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
  client.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push(context.commandName ?? 'unknown');
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  return {
    store: new DynamoDbJobStore({ client, tableName }),
    client,
    tableName,
    calls,
    resetCalls: () => {
      calls.length = 0;
    },
    rawItem: async (pk, sk) => {
      const { Item } = await environment.dynamoDb.send(
        new GetItemCommand({ TableName: tableName, Key: { pk: { S: pk }, sk: { S: sk } }, ConsistentRead: true }),
      );
      return Item === undefined ? undefined : unmarshall(Item);
    },
  };
}
