import { QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { COUNTER, ZERO_COUNTERS, type Counters } from '../core/metrics';
import { ITEM_KEY, JOBS_TABLE } from '../core/table-schema';

/** The attribute that marks an hour item summed from its minutes (an hour item without it was added to batch by batch). */
export const ROLLED_ATTRIBUTE = 'rolled';

/** One counters item as read: its minute or hour, its counters, whether it is a rolled-up hour. */
export interface PeriodItem {
  readonly period: string;
  readonly counters: Counters;
  readonly rolled: boolean;
}

/** Where a queue's counters items are: the jobs table, with the client that reads it. */
export interface MetricsTable {
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

/** The key of one of a queue's counters items (`METRICS#<queue>` / `M#<minute>` or `H#<hour>`). */
export function metricsKey(queue: string, sortKey: string): Record<string, AttributeValue> {
  return { [JOBS_TABLE.partitionKey]: { S: `${ITEM_KEY.metricsPrefix}${queue}` }, [JOBS_TABLE.sortKey]: { S: sortKey } };
}

/**
 * A queue's counters items of one kind (`prefix`: minutes or hours) from
 * `from` to `to` (inclusive; the last of the kind when left out), in order
 * (newest first when `ascending` is false), at most `limit` of them.
 *
 * @example
 * const hours = await queryPeriods(table, 'payments', ITEM_KEY.hourSortKeyPrefix, '2026-03-10T08');
 */
export async function queryPeriods(
  table: MetricsTable,
  queue: string,
  prefix: string,
  from: string,
  options: { readonly to?: string; readonly limit?: number; readonly ascending?: boolean } = {},
): Promise<PeriodItem[]> {
  const { to, limit, ascending = true } = options;
  const found: PeriodItem[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#pk': JOBS_TABLE.partitionKey, '#sk': JOBS_TABLE.sortKey },
        ExpressionAttributeValues: {
          ':pk': { S: `${ITEM_KEY.metricsPrefix}${queue}` },
          ':from': { S: `${prefix}${from}` },
          ':to': { S: `${prefix}${to ?? '~'}` },
        },
        ScanIndexForward: ascending,
        ...(limit === undefined ? {} : { Limit: limit - found.length }),
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const sortKey = item[JOBS_TABLE.sortKey]?.S ?? '';
      const counters = { ...ZERO_COUNTERS };
      for (const name of Object.values(COUNTER)) counters[name] = Number(item[name]?.N ?? 0);
      found.push({ period: sortKey.slice(prefix.length), counters, rolled: item[ROLLED_ATTRIBUTE]?.BOOL === true });
    }
    start = limit !== undefined && found.length >= limit ? undefined : page.LastEvaluatedKey;
  } while (start);
  return found;
}
