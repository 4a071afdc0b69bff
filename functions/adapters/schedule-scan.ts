import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Lane } from '../core/lanes';
import { JOBS_TABLE } from '../core/table-schema';
import { mapBounded, SHARD_QUERY_CONCURRENCY } from './bounded';
import type { StoreContext } from './conditional-update';
import { storeFailure } from './dynamodb-errors';
import { parseStateItem, type StateItem } from './job-item';
import { allShards, delayedPartition, pendingPartition } from './job-keys';
import type { PendingJob } from './job-store';
import { fetchPayloads, pendingJobOf } from './schedule-listing';

/** Which schedule entries: kept for the sweeper (`delayed`) or sent and not claimed yet (`pending`). */
export type ScheduleKind = 'delayed' | 'pending';

/** One entry of the schedule index, as the sweeper, the reconciler and the stuck detector judge it. */
export interface ScheduleEntry {
  readonly jobId: string;
  readonly queue: string;
  readonly lane: Lane;
  readonly status: string;
  /** The entry's sort key: when a delayed job is due, or when a pending one was last sent. */
  readonly scheduledAtMs: number;
  /** The stored item, for {@link ScheduleScanner.pendingJobs}. */
  readonly item: StateItem;
}

/** Rounds over a schedule: each gives the next page of every shard not yet read to its end. */
export interface ScheduleRounds {
  /** The next round's entries, oldest first within each shard; undefined once every shard is read. */
  next(): Promise<ScheduleEntry[] | undefined>;
}

/** An active job as the active index holds it. */
export interface ActiveEntry {
  readonly jobId: string;
  readonly leaseUntilMs: number;
}

/** The schedule and active indexes, read a page at a time. */
export interface ScheduleScanner {
  /** Entries of one kind due before (`delayed`: at or before) `boundMs`, in rounds of `pageSize` per shard. */
  rounds(kind: ScheduleKind, boundMs: number, pageSize: number): ScheduleRounds;
  /** The jobs to send for these entries, payloads read; an entry whose payload has expired is left out. */
  pendingJobs(entries: readonly ScheduleEntry[]): Promise<PendingJob[]>;
  /** Every active job whose lease ended before `leaseBeforeMs`. */
  activeLeasedBefore(leaseBeforeMs: number): Promise<ActiveEntry[]>;
}

/**
 * The schedule and active indexes on DynamoDB. Rounds keep a cursor per
 * shard, so an entry skipped (a paused queue, a backlog) is read once per
 * run, not again every round, and a run that loops until its time is spent
 * goes through every entry. The active index holds only the jobs running now
 * (see `JOBS_TABLE.activeIndex`), so scanning it costs a read unit per 4 KB
 * of keys, not a scan of the table.
 *
 * @example
 * const scanner = new DynamoDbScheduleScanner({ client: new DynamoDBClient({}), tableName: 'jobs' });
 * const rounds = scanner.rounds('delayed', Date.now(), 32);
 */
export class DynamoDbScheduleScanner implements ScheduleScanner {
  private readonly context: StoreContext;

  public constructor(options: { readonly client: DynamoDBClient; readonly tableName: string }) {
    this.context = {
      doc: DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } }),
      tableName: options.tableName,
    };
  }

  public rounds(kind: ScheduleKind, boundMs: number, pageSize: number): ScheduleRounds {
    const partition = kind === 'delayed' ? delayedPartition : pendingPartition;
    const comparison = kind === 'delayed' ? '<=' : '<';
    const cursors = new Map<number, Record<string, unknown> | undefined>(allShards().map((shard) => [shard, undefined]));
    return {
      next: async () => {
        const open = [...cursors.keys()];
        if (open.length === 0) return undefined;
        const pages = await mapBounded(open, SHARD_QUERY_CONCURRENCY, async (shard) => {
          const page = await this.page(partition(shard), comparison, boundMs, pageSize, cursors.get(shard));
          if (page.next === undefined) cursors.delete(shard);
          else cursors.set(shard, page.next);
          return page.items;
        });
        return pages.flat().map(entryOf);
      },
    };
  }

  public async pendingJobs(entries: readonly ScheduleEntry[]): Promise<PendingJob[]> {
    const items = entries.map((entry) => entry.item);
    const payloads = await fetchPayloads(this.context, items.filter((item) => item.payload === undefined));
    const jobs: PendingJob[] = [];
    for (const item of items) {
      const payload = item.payload ?? payloads.get(item.job_id);
      if (payload !== undefined) jobs.push(pendingJobOf(item, payload));
    }
    return jobs;
  }

  public async activeLeasedBefore(leaseBeforeMs: number): Promise<ActiveEntry[]> {
    const { name, partitionKey, sortKey } = JOBS_TABLE.activeIndex;
    const found: ActiveEntry[] = [];
    let startKey: Record<string, unknown> | undefined;
    try {
      do {
        const page = await this.context.doc.send(
          new ScanCommand({
            TableName: this.context.tableName,
            IndexName: name,
            FilterExpression: '#lease < :before',
            ExpressionAttributeNames: { '#lease': sortKey },
            ExpressionAttributeValues: { ':before': leaseBeforeMs },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          const jobId = item[partitionKey];
          const lease = item[sortKey];
          if (typeof jobId === 'string' && typeof lease === 'number') found.push({ jobId, leaseUntilMs: lease });
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey !== undefined);
    } catch (error) {
      throw storeFailure('scan active jobs', error);
    }
    return found;
  }

  private async page(
    partition: string,
    comparison: '<=' | '<',
    boundMs: number,
    pageSize: number,
    startKey: Record<string, unknown> | undefined,
  ): Promise<{ items: StateItem[]; next?: Record<string, unknown> }> {
    const { name, partitionKey, sortKey } = JOBS_TABLE.scheduleIndex;
    try {
      const page = await this.context.doc.send(
        new QueryCommand({
          TableName: this.context.tableName,
          IndexName: name,
          KeyConditionExpression: `#pk = :pk AND #at ${comparison} :bound`,
          ExpressionAttributeNames: { '#pk': partitionKey, '#at': sortKey },
          ExpressionAttributeValues: { ':pk': partition, ':bound': boundMs },
          ScanIndexForward: true,
          Limit: pageSize,
          ExclusiveStartKey: startKey,
        }),
      );
      return { items: (page.Items ?? []).map((raw) => parseStateItem(raw)), ...(page.LastEvaluatedKey === undefined ? {} : { next: page.LastEvaluatedKey }) };
    } catch (error) {
      throw storeFailure('page schedule', error, { partition });
    }
  }
}

function entryOf(item: StateItem): ScheduleEntry {
  return { jobId: item.job_id, queue: item.queue, lane: item.lane, status: item.status, scheduledAtMs: item.sched_at ?? 0, item };
}
