import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Endpoint } from '../core/endpoint';
import { InvalidRequestError } from '../core/errors';
import { JOBS_TABLE } from '../core/table-schema';
import * as z from '../core/validation';
import type { Clock } from './clock';
import { cursorOf, positionIn } from './cursor-text';
import { storeFailure } from './dynamodb-errors';
import { endpointItemKey, endpointOfItem } from './endpoint-item';
import type { EndpointTable } from './endpoint-read';
import { ENDPOINT_ATTRIBUTE as A, ENDPOINT_KEY, type EndpointPage } from './endpoint-store';
import { collisionPauseMs } from './optimistic-item';

/** DynamoDB's `BatchGetItem` takes at most this many keys; a page is at most this long. */
export const MAX_ENDPOINT_PAGE = 100;

/** How a read of many endpoints asks again for the keys the service left unprocessed. */
export interface EndpointReadRetry {
  readonly clock: Clock;
  /** Spreads the pauses between tries. */
  readonly random: () => number;
  /** Tries before the read fails. */
  readonly maxTries: number;
}

/** What a listing is asked for: every endpoint, or one user's, a page at a time. */
export interface EndpointListFilter {
  readonly userId?: string;
  readonly limit: number;
  readonly cursor?: string;
}

/**
 * Every endpoint, or one user's, in user then id order (`EndpointRegistry.list`):
 * one query of the directory, then one batch read of the page's items. A
 * malformed cursor, or one from another user's listing, is an
 * `InvalidRequestError`.
 *
 * @example
 * const page = await listEndpoints(table, { userId: 'shop-42', limit: 20 }, { clock: systemClock, random: Math.random, maxTries: 5 });
 */
export async function listEndpoints(table: EndpointTable, filter: EndpointListFilter, retry: EndpointReadRetry): Promise<EndpointPage> {
  const limit = Math.min(Math.max(Math.trunc(filter.limit), 1), MAX_ENDPOINT_PAGE);
  const prefix = filter.userId === undefined ? undefined : `${filter.userId}#`;
  const start = filter.cursor === undefined ? undefined : decodeDirectoryCursor(filter.cursor, prefix);
  let entries: Record<string, unknown>[];
  try {
    // One more than the page, so the last page is known to be the last and carries no cursor.
    const page = await table.doc.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: prefix === undefined ? '#pk = :pk' : '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': JOBS_TABLE.partitionKey, ...(prefix === undefined ? {} : { '#sk': JOBS_TABLE.sortKey }) },
        ExpressionAttributeValues: { ':pk': ENDPOINT_KEY.directoryPartition, ...(prefix === undefined ? {} : { ':prefix': prefix }) },
        Limit: limit + 1,
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    entries = page.Items ?? [];
  } catch (error) {
    throw storeFailure('list endpoints', error, { userId: filter.userId });
  }
  const shown = entries.slice(0, limit);
  const ids = shown.map((entry) => String(entry[A.endpointId]));
  const byId = await readEndpoints(table, ids, retry);
  const endpoints = ids.flatMap((id) => {
    const endpoint = byId.get(id);
    // An entry whose item is gone is a removal half seen; the transaction removes both.
    return endpoint === undefined ? [] : [endpoint];
  });
  const last = shown.at(-1);
  const more = entries.length > limit && last !== undefined;
  return more ? { endpoints, cursor: encodeDirectoryCursor(String(last[JOBS_TABLE.sortKey])) } : { endpoints };
}

/** The endpoints of `ids` that still exist, by id; keys the service leaves unprocessed are asked again. */
async function readEndpoints(table: EndpointTable, ids: readonly string[], retry: EndpointReadRetry): Promise<Map<string, Endpoint>> {
  const found = new Map<string, Endpoint>();
  let keys = ids.map(endpointItemKey);
  for (let tries = 1; keys.length > 0; tries += 1) {
    try {
      const { Responses, UnprocessedKeys } = await table.doc.send(
        new BatchGetCommand({ RequestItems: { [table.tableName]: { Keys: keys, ConsistentRead: true } } }),
      );
      for (const item of Responses?.[table.tableName] ?? []) {
        const endpoint = endpointOfItem(item);
        found.set(endpoint.endpointId, endpoint);
      }
      keys = (UnprocessedKeys?.[table.tableName]?.Keys ?? []) as Record<string, string>[];
    } catch (error) {
      throw storeFailure('read endpoints', error, { count: keys.length });
    }
    if (keys.length > 0) {
      if (tries >= retry.maxTries) throw storeFailure('read endpoints', new Error('keys left unprocessed'), { count: keys.length });
      await retry.clock.sleep(collisionPauseMs(retry.random, tries));
    }
  }
  return found;
}

/**
 * A position in the directory, as the cursor carries it; built on its first
 * parse (`z.lazy`, marked pure so a bundle that never lists drops it).
 */
const directoryPositionSchema = /* @__PURE__ */ z.lazy(() =>
  z.object({ [JOBS_TABLE.partitionKey]: z.literal(ENDPOINT_KEY.directoryPartition), [JOBS_TABLE.sortKey]: z.string() }),
);

/** An opaque, URL-safe cursor for the directory entry with sort key `sortKey`. */
function encodeDirectoryCursor(sortKey: string): string {
  return cursorOf({ [JOBS_TABLE.partitionKey]: ENDPOINT_KEY.directoryPartition, [JOBS_TABLE.sortKey]: sortKey });
}

/** The start key a cursor stands for; a malformed one, or one from another user's listing, is an `InvalidRequestError`. */
function decodeDirectoryCursor(cursor: string, prefix: string | undefined): Record<string, string> {
  const position = directoryPositionSchema.safeParse(positionIn(cursor));
  if (!position.success || (prefix !== undefined && !position.data[JOBS_TABLE.sortKey].startsWith(prefix))) {
    throw new InvalidRequestError('the cursor is not one this listing gave out', [{ field: 'cursor', message: 'pass back cursor unchanged, with the same user_id' }]);
  }
  return position.data;
}
