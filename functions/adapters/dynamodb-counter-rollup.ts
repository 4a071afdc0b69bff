import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { addCounters, COUNTER, hourOf, lastRollableHour, METRICS_RETENTION_MS, nextHour, ZERO_COUNTERS, type Counters } from '../core/metrics';
import { ITEM_KEY, JOBS_TABLE } from '../core/table-schema';
import { metricsKey, queryPeriods, ROLLED_ATTRIBUTE, type MetricsTable } from './metrics-items';

/** The upkeep of the queues' counters: each finished hour's minutes summed into one hour item. */
export interface HourRollup {
  /** Rolls up the queue's finished hours not rolled up yet; answers how many hour items it wrote. */
  rollUpHours(queue: string, now: Date): Promise<number>;
}

/** The most minute items one rollup reads by default: a day of a busy queue; the rest waits for the next run. */
export const MAX_ROLLUP_MINUTES = 1440;

/** What a {@link DynamoDbCounterRollup} needs. */
export interface DynamoDbCounterRollupOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** The most minute items one rollup reads ({@link MAX_ROLLUP_MINUTES} unless set). */
  readonly maxRollupMinutes?: number;
}

/**
 * The rollup of the counters `DynamoDbMetricsStore` keeps: it sums each
 * finished hour's minute items into the hour's item (`H#<hour>`, marked
 * `rolled`), once the hour has been over for `ROLLUP_GRACE_MS` (two minutes;
 * a batch's counts that land later are in their minute, not in the hour).
 *
 * It goes forward from the latest hour item, in order, so no hour before it
 * is ever left without its item: what the totals rely on. An hour item added
 * to batch by batch (before the rollup existed) is summed again from its
 * minutes once, when it is the latest. Each container remembers, by queue,
 * the last hour it rolled up: a queue idle since then costs one query an hour.
 *
 * @example
 * const rollup = new DynamoDbCounterRollup({ client, tableName: 'jobs' });
 * await rollup.rollUpHours('payments', new Date()); // 1 once an hour has been over for two minutes
 */
export class DynamoDbCounterRollup implements HourRollup {
  private readonly table: MetricsTable;
  private readonly maxRollupMinutes: number;
  /** By queue, the last hour this container knows is rolled up. */
  private readonly rolledThrough = new Map<string, string>();

  public constructor(options: DynamoDbCounterRollupOptions) {
    this.table = { client: options.client, tableName: options.tableName };
    this.maxRollupMinutes = options.maxRollupMinutes ?? MAX_ROLLUP_MINUTES;
  }

  public async rollUpHours(queue: string, now: Date): Promise<number> {
    const last = lastRollableHour(now);
    const known = this.rolledThrough.get(queue);
    if (known !== undefined && known >= last) return 0;
    const from = known !== undefined ? nextHour(known) : await this.firstHourToRoll(queue, now);
    if (from > last) {
      this.rolledThrough.set(queue, last);
      return 0;
    }
    const minutes = await queryPeriods(this.table, queue, ITEM_KEY.minuteSortKeyPrefix, `${from}:00`, { to: `${last}:59`, limit: this.maxRollupMinutes });
    const byHour = new Map<string, Counters>();
    for (const item of minutes) {
      const hour = item.period.slice(0, 13);
      byHour.set(hour, addCounters(byHour.get(hour) ?? { ...ZERO_COUNTERS }, item.counters));
    }
    // A full read may have stopped inside its last hour: that hour waits, whole, for the next run.
    const cut = minutes.length >= this.maxRollupMinutes ? [...byHour.keys()].at(-1) : undefined;
    if (cut !== undefined) byHour.delete(cut);
    // In order, so a failure part way leaves no hour without its item before one that has it.
    for (const [hour, counters] of byHour) await this.putHour(queue, hour, counters);
    const through = cut === undefined ? last : [...byHour.keys()].at(-1);
    if (through !== undefined) this.rolledThrough.set(queue, through);
    return byHour.size;
  }

  /** Where a rollup starts: after the latest rolled-up hour, at the latest hour item written batch by batch, or at the oldest minute kept. */
  private async firstHourToRoll(queue: string, now: Date): Promise<string> {
    const [latest] = await queryPeriods(this.table, queue, ITEM_KEY.hourSortKeyPrefix, '', { limit: 1, ascending: false });
    if (latest === undefined) return hourOf(new Date(now.getTime() - METRICS_RETENTION_MS));
    return latest.rolled ? nextHour(latest.period) : latest.period;
  }

  private async putHour(queue: string, hour: string, counters: Counters): Promise<void> {
    const expiresAt = Math.floor((Date.parse(`${nextHour(hour)}:00:00.000Z`) + METRICS_RETENTION_MS) / 1000);
    await this.table.client.send(
      new PutItemCommand({
        TableName: this.table.tableName,
        Item: {
          ...metricsKey(queue, `${ITEM_KEY.hourSortKeyPrefix}${hour}`),
          ...Object.fromEntries(Object.values(COUNTER).map((name) => [name, { N: String(counters[name]) }])),
          [ROLLED_ATTRIBUTE]: { BOOL: true },
          [JOBS_TABLE.ttlAttribute]: { N: String(expiresAt) },
        },
      }),
    );
  }
}
