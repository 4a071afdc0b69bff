import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StoreContext } from './conditional-update';

/** Where a job store writes: the function's one DynamoDB client, and the jobs table. */
export interface JobStoreTable {
  /** The client to send with; it is wrapped in a document client. */
  readonly client: DynamoDBClient;
  /** The jobs table (key layout in `JOBS_TABLE`). */
  readonly tableName: string;
}

/**
 * The context every job store transition takes: a document client that drops
 * `undefined` values and writes class instances as maps, on the jobs table.
 * Each function builds one and hands it to the transitions it uses (see
 * `ingest-job-store.ts`, `consumer-job-store.ts` and their siblings), so its
 * bundle holds those transitions and no other.
 *
 * @example
 * const context = jobStoreContext({ client: new DynamoDBClient({}), tableName: 'jobs' });
 * const job = await readJob(context, 'job-1');
 */
export function jobStoreContext(table: JobStoreTable): StoreContext {
  return {
    doc: DynamoDBDocumentClient.from(table.client, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
    }),
    tableName: table.tableName,
  };
}
