import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Endpoint } from '../core/endpoint';
import { storeFailure } from './dynamodb-errors';
import { endpointItemKey, endpointOfItem } from './endpoint-item';

/** Where endpoints live: a document client on the jobs table (endpoints sit beside the jobs under their own keys). */
export interface EndpointTable {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
}

/**
 * The endpoints' table with the document client every endpoint read and write
 * uses (`undefined` values dropped).
 *
 * @example
 * const table = endpointTable(new DynamoDBClient({}), 'jobs');
 */
export function endpointTable(client: DynamoDBClient, tableName: string): EndpointTable {
  return { doc: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }), tableName };
}

/**
 * One endpoint (`EndpointRegistry.get`), or `undefined`; `consistent` reads
 * the latest write.
 *
 * @example
 * const endpoint = await readEndpoint(table, 'ep_123', { consistent: true });
 */
export async function readEndpoint(table: EndpointTable, endpointId: string, options: { readonly consistent?: boolean } = {}): Promise<Endpoint | undefined> {
  try {
    const { Item } = await table.doc.send(
      new GetCommand({ TableName: table.tableName, Key: endpointItemKey(endpointId), ConsistentRead: options.consistent === true }),
    );
    return Item === undefined ? undefined : endpointOfItem(Item);
  } catch (error) {
    throw storeFailure('get endpoint', error, { endpointId });
  }
}
