import { UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { addCounters, hourOf, METRICS_RETENTION_MS, minuteOf, nextHour, nonZero, previousHour, ZERO_COUNTERS, type CounterIncrements, type CounterName, type Counters } from '../core/metrics';
import { ITEM_KEY, JOBS_TABLE } from '../core/table-schema';
import { systemClock, type Clock } from './clock';
import { metricsKey, queryPeriods, type MetricsTable } from './metrics-items';

export type { Counters } from '../core/metrics';

/** One minute of a queue's counters. */
export interface MinuteCounters extends Counters {
  /** `YYYY-MM-DDTHH:MM`, UTC. */
  readonly minute: string;
}

/** Queue counters in the jobs table. */
export interface MetricsStore {
  /** Adds a consumer batch's counts to its minute. */
  record(queue: string, at: Date, increments: CounterIncrements): Promise<void>;
  /** Totals over the hours since `since` (whole hours: the first hour counts in full). */
  totalsSince(queue: string, since: Date): Promise<Counters>;
  /** Minute items from `since` on, oldest first (minutes without activity are absent). */
  minutesSince(queue: string, since: Date): Promise<MinuteCounters[]>;
}

/** What a {@link DynamoDbMetricsStore} needs. */
export interface DynamoDbMetricsStoreOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Says which hour is the current one to totals (the system clock unless set). */
  readonly clock?: Clock;
}

/**
 * Counters in the jobs table, under `METRICS#<queue>`: item `M#<minute>`,
 * updated with one `ADD` per consumer batch (not per job), and item
 * `H#<hour>`, the sum of an hour's minutes, written once by the rollup
 * (`dynamodb-counter-rollup.ts`, run by the reconciler) when the hour has been
 * over for two minutes. A batch pays one write for its counts, not two.
 *
 * Totals read the hour items up to the last one before the current hour and
 * the minutes after it, so an hour not rolled up yet (the current one, or
 * every hour since the rollup last ran) is counted from its minutes: a total
 * is whole whether or not the rollup keeps up, and reads about an hour of
 * minutes when it does. The busiest queue writes a couple of times a second to
 * one item, far below what one partition takes, so the items are not sharded.
 * Items expire after 14 days.
 */
export class DynamoDbMetricsStore implements MetricsStore {
  private readonly clock: Clock;
  private readonly table: MetricsTable;

  public constructor(options: DynamoDbMetricsStoreOptions) {
    this.clock = options.clock ?? systemClock;
    this.table = { client: options.client, tableName: options.tableName };
  }

  public async record(queue: string, at: Date, increments: CounterIncrements): Promise<void> {
    const moved = nonZero(increments);
    if (!moved) return;
    const names = Object.keys(moved) as CounterName[];
    const expiresAt = Math.floor((at.getTime() + METRICS_RETENTION_MS) / 1000);
    await this.table.client.send(
      new UpdateItemCommand({
        TableName: this.table.tableName,
        Key: metricsKey(queue, `${ITEM_KEY.minuteSortKeyPrefix}${minuteOf(at)}`),
        UpdateExpression: `ADD ${names.map((_, index) => `#c${index} :c${index}`).join(', ')} SET #ttl = :ttl`,
        ExpressionAttributeNames: { ...Object.fromEntries(names.map((name, index) => [`#c${index}`, name])), '#ttl': JOBS_TABLE.ttlAttribute },
        ExpressionAttributeValues: {
          ...Object.fromEntries(names.map((name, index) => [`:c${index}`, { N: String(moved[name]) }])),
          ':ttl': { N: String(expiresAt) },
        },
      }),
    );
  }

  public async totalsSince(queue: string, since: Date): Promise<Counters> {
    const first = hourOf(since);
    const current = hourOf(this.clock.now());
    // The hour items and the last two hours' minutes side by side: when the rollup keeps up, that is every read.
    const lastHour = previousHour(current);
    const recentFrom = `${first > lastHour ? first : lastHour}:00`;
    const [hours, recent] = await Promise.all([
      queryPeriods(this.table, queue, ITEM_KEY.hourSortKeyPrefix, first),
      queryPeriods(this.table, queue, ITEM_KEY.minuteSortKeyPrefix, recentFrom),
    ]);
    // The current hour's item, if any, is one written batch by batch: its minutes say more. So do the latest
    // finished hour's, when its item was written batch by batch and not rolled up yet: it may have missed the
    // batches after the rollup took over from them (the hour of the upgrade), until the rollup sums it again.
    const settled = hours.filter((item) => item.period < current);
    if (settled.at(-1)?.rolled === false) settled.pop();
    const through = settled.at(-1)?.period;
    const minutesFrom = `${through === undefined ? first : nextHour(through)}:00`;
    const minutes = minutesFrom >= recentFrom ? recent : await queryPeriods(this.table, queue, ITEM_KEY.minuteSortKeyPrefix, minutesFrom);
    return [...settled, ...minutes.filter((item) => item.period >= minutesFrom)].reduce<Counters>((sum, item) => addCounters(sum, item.counters), { ...ZERO_COUNTERS });
  }

  public async minutesSince(queue: string, since: Date): Promise<MinuteCounters[]> {
    const items = await queryPeriods(this.table, queue, ITEM_KEY.minuteSortKeyPrefix, minuteOf(since));
    return items.map((item) => ({ minute: item.period, ...item.counters }));
  }
}
