import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { JobRecord, JobStatus } from '../core/job';
import { JOBS_TABLE } from '../core/table-schema';
import { mapBounded, SHARD_QUERY_CONCURRENCY } from './bounded';
import type { StoreContext } from './conditional-update';
import { storeFailure } from './dynamodb-errors';
import { jobRecordOf, type StateItem } from './job-item';
import { allShards, delayedPartition, pendingPartition } from './job-keys';
import type { PendingJob } from './job-store';
import { fetchPayloads, indexEntryOf, pendingJobOf, readStates, type IndexEntry } from './schedule-listing';

/**
 * Which schedule entries: kept for the sweeper (`delayed`), or sent and not
 * finished yet (`pending`: waiting, active or retrying).
 */
export type ScheduleKind = 'delayed' | 'pending';

/** One entry of the schedule index, as the index holds it: what the runs filter on before reading any job. */
export type ScheduleEntry = IndexEntry;

/** An entry with its job's state item, read after the listing. */
export interface ScheduledJob extends ScheduleEntry {
  readonly status: JobStatus;
  /** The job's record as it is now. */
  readonly job: JobRecord;
  /** The stored item, for {@link ScheduleScanner.pendingJobs}. */
  readonly item: StateItem;
}

/** Rounds over a schedule: each gives the next page of every shard not yet read to its end. */
export interface ScheduleRounds {
  /** The next round's entries, oldest first within each shard; undefined once every shard is read. */
  next(): Promise<ScheduleEntry[] | undefined>;
}

/** The schedule index, read a page at a time, and the jobs of its entries. */
export interface ScheduleScanner {
  /** Entries of one kind due before (`delayed`: at or before) `boundMs`, in rounds of `pageSize` per shard. */
  rounds(kind: ScheduleKind, boundMs: number, pageSize: number): ScheduleRounds;
  /** The jobs of these entries as they are now; an entry whose record is gone is left out. */
  read(entries: readonly ScheduleEntry[]): Promise<ScheduledJob[]>;
  /** The messages to send for these jobs, payloads read; a job whose payload has expired is left out. */
  pendingJobs(jobs: readonly ScheduledJob[]): Promise<PendingJob[]>;
}

/**
 * The schedule index on DynamoDB. Rounds keep a cursor per shard, so an entry
 * skipped (a paused queue, a backlog) is read once per run, not again every
 * round, and a run that loops until its time is spent goes through every
 * entry. The index projects only a job's queue and lane (see
 * `JOBS_TABLE.scheduleIndex`), so a page costs little and a run reads the state
 * items (one read unit each) only of the entries it may act on.
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
          return page.entries;
        });
        return pages.flat();
      },
    };
  }

  public async read(entries: readonly ScheduleEntry[]): Promise<ScheduledJob[]> {
    if (entries.length === 0) return [];
    const states = await readStates(this.context, entries.map((entry) => entry.jobId));
    const jobs: ScheduledJob[] = [];
    for (const entry of entries) {
      const item = states.get(entry.jobId);
      if (item !== undefined) jobs.push({ ...entry, status: item.status, job: jobRecordOf(item), item });
    }
    return jobs;
  }

  public async pendingJobs(jobs: readonly ScheduledJob[]): Promise<PendingJob[]> {
    const items = jobs.map((job) => job.item);
    const payloads = await fetchPayloads(this.context, items.filter((item) => item.payload === undefined));
    const pending: PendingJob[] = [];
    for (const item of items) {
      const payload = item.payload ?? payloads.get(item.job_id);
      if (payload !== undefined) pending.push(pendingJobOf(item, payload));
    }
    return pending;
  }

  private async page(
    partition: string,
    comparison: '<=' | '<',
    boundMs: number,
    pageSize: number,
    startKey: Record<string, unknown> | undefined,
  ): Promise<{ entries: ScheduleEntry[]; next?: Record<string, unknown> }> {
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
      return { entries: (page.Items ?? []).map(indexEntryOf), ...(page.LastEvaluatedKey === undefined ? {} : { next: page.LastEvaluatedKey }) };
    } catch (error) {
      throw storeFailure('page schedule', error, { partition });
    }
  }
}
