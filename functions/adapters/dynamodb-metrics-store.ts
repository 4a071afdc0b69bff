import { QueryCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { COUNTER, hourOf, METRICS_RETENTION_MS, minuteOf, nonZero, type CounterIncrements, type CounterName } from '../core/metrics';
import { ITEM_KEY, JOBS_TABLE } from '../core/table-schema';

/** Counter values, every counter present. */
export type Counters = Record<CounterName, number>;

/** One minute of a queue's counters. */
export interface MinuteCounters extends Counters {
  /** `YYYY-MM-DDTHH:MM`, UTC. */
  readonly minute: string;
}

/** Queue counters in the jobs table. */
export interface MetricsStore {
  /** Adds a consumer batch's counts to its minute and its hour. */
  record(queue: string, at: Date, increments: CounterIncrements): Promise<void>;
  /** Totals over the hours since `since` (whole hours: the first hour counts in full). */
  totalsSince(queue: string, since: Date): Promise<Counters>;
  /** Minute items from `since` on, oldest first (minutes without activity are absent). */
  minutesSince(queue: string, since: Date): Promise<MinuteCounters[]>;
}

const ZERO: Counters = { completed: 0, failed: 0, retried: 0, dead_lettered: 0, processing_ms: 0, timed_attempts: 0 };

/**
 * Counters in the jobs table: item `METRICS#<queue>` / `M#<minute>` and
 * `H#<hour>`, each updated with one `ADD` per consumer batch, not per job. The
 * busiest queue writes a couple of times a second to one item, far below what
 * one partition takes, so the items are not sharded. Items expire after 14 days.
 */
export class DynamoDbMetricsStore implements MetricsStore {
  public constructor(private readonly options: { readonly client: DynamoDBClient; readonly tableName: string }) {}

  public async record(queue: string, at: Date, increments: CounterIncrements): Promise<void> {
    const moved = nonZero(increments);
    if (!moved) return;
    const names = Object.keys(moved) as CounterName[];
    const expiresAt = Math.floor((at.getTime() + METRICS_RETENTION_MS) / 1000);
    const update = {
      UpdateExpression: `ADD ${names.map((_, index) => `#c${index} :c${index}`).join(', ')} SET #ttl = :ttl`,
      ExpressionAttributeNames: { ...Object.fromEntries(names.map((name, index) => [`#c${index}`, name])), '#ttl': JOBS_TABLE.ttlAttribute },
      ExpressionAttributeValues: {
        ...Object.fromEntries(names.map((name, index) => [`:c${index}`, { N: String(moved[name]) }])),
        ':ttl': { N: String(expiresAt) },
      },
    };
    const key = (sortKey: string) => ({
      [JOBS_TABLE.partitionKey]: { S: `${ITEM_KEY.metricsPrefix}${queue}` },
      [JOBS_TABLE.sortKey]: { S: sortKey },
    });
    await Promise.all([
      this.options.client.send(new UpdateItemCommand({ TableName: this.options.tableName, Key: key(`${ITEM_KEY.minuteSortKeyPrefix}${minuteOf(at)}`), ...update })),
      this.options.client.send(new UpdateItemCommand({ TableName: this.options.tableName, Key: key(`${ITEM_KEY.hourSortKeyPrefix}${hourOf(at)}`), ...update })),
    ]);
  }

  public async totalsSince(queue: string, since: Date): Promise<Counters> {
    const items = await this.query(queue, ITEM_KEY.hourSortKeyPrefix, hourOf(since));
    return items.reduce<Counters>((sum, item) => add(sum, item.counters), { ...ZERO });
  }

  public async minutesSince(queue: string, since: Date): Promise<MinuteCounters[]> {
    const items = await this.query(queue, ITEM_KEY.minuteSortKeyPrefix, minuteOf(since));
    return items.map((item) => ({ minute: item.period, ...item.counters }));
  }

  private async query(queue: string, prefix: string, from: string): Promise<{ period: string; counters: Counters }[]> {
    const found: { period: string; counters: Counters }[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.options.client.send(
        new QueryCommand({
          TableName: this.options.tableName,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#pk': JOBS_TABLE.partitionKey, '#sk': JOBS_TABLE.sortKey },
          ExpressionAttributeValues: {
            ':pk': { S: `${ITEM_KEY.metricsPrefix}${queue}` },
            ':from': { S: `${prefix}${from}` },
            ':to': { S: `${prefix}~` },
          },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        const sortKey = item[JOBS_TABLE.sortKey]?.S ?? '';
        const counters = { ...ZERO };
        for (const name of Object.values(COUNTER)) counters[name] = Number(item[name]?.N ?? 0);
        found.push({ period: sortKey.slice(prefix.length), counters });
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return found;
  }
}

function add(left: Counters, right: Counters): Counters {
  const sum = { ...left };
  for (const name of Object.values(COUNTER)) sum[name] = left[name] + right[name];
  return sum;
}
