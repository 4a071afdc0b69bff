import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { PipelineError } from '../core/errors';
import { JOB_STATUS, jobMessageOf } from '../core/job';
import { JOBS_TABLE } from '../core/table-schema';
import type { PendingJob } from './job-store';
import type { StoreContext } from './conditional-update';
import { storeFailure } from './dynamodb-errors';
import { jobRecordOf, parseStateItem, type StateItem } from './job-item';
import { allShards, payloadKey } from './job-keys';
import { mapBounded, SHARD_QUERY_CONCURRENCY } from './bounded';

/** Which schedule partitions to read, and up to when. */
export interface ScheduleQuery {
  /** The partition name of a shard (`DELAYED#n` or `PENDING#n`). */
  readonly partition: (shard: number) => string;
  /** `<=` for jobs due by the bound, `<` for jobs due before it. */
  readonly comparison: '<=' | '<';
  readonly boundMs: number;
  readonly limit: number;
}

/** BatchGetItem takes at most this many keys. */
const BATCH_GET_KEYS = 100;
/** Rounds of retrying keys BatchGetItem left unprocessed (throttling). */
const BATCH_GET_ROUNDS = 5;

/**
 * Jobs in the schedule index: every shard is queried (each for at most `limit`
 * jobs, oldest first; a few shards at a time, so 32 queries do not burst at
 * once), the results are merged oldest first and cut to `limit`,
 * and payloads too large to sit inline are fetched in batches. A job whose
 * payload item has expired cannot be sent again and is left out.
 */
export async function listScheduled(context: StoreContext, query: ScheduleQuery): Promise<PendingJob[]> {
  if (query.limit <= 0) return [];
  const perShard = await mapBounded(allShards(), SHARD_QUERY_CONCURRENCY, (shard) => queryShard(context, query, shard));
  const due = perShard
    .flat()
    .filter((item) => item.status === JOB_STATUS.waiting || item.status === JOB_STATUS.delayed)
    .sort((a, b) => (a.sched_at ?? 0) - (b.sched_at ?? 0))
    .slice(0, query.limit);
  const payloads = await fetchPayloads(context, due.filter((item) => item.payload === undefined));
  const jobs: PendingJob[] = [];
  for (const item of due) {
    const payload = item.payload ?? payloads.get(item.job_id);
    if (payload !== undefined) jobs.push(pendingJobOf(item, payload));
  }
  return jobs;
}

async function queryShard(context: StoreContext, query: ScheduleQuery, shard: number): Promise<StateItem[]> {
  const { name, partitionKey, sortKey } = JOBS_TABLE.scheduleIndex;
  const items: StateItem[] = [];
  let startKey: Record<string, unknown> | undefined;
  try {
    do {
      const page = await context.doc.send(
        new QueryCommand({
          TableName: context.tableName,
          IndexName: name,
          KeyConditionExpression: `#pk = :pk AND #at ${query.comparison} :bound`,
          ExpressionAttributeNames: { '#pk': partitionKey, '#at': sortKey },
          ExpressionAttributeValues: { ':pk': query.partition(shard), ':bound': query.boundMs },
          ScanIndexForward: true,
          Limit: query.limit - items.length,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const raw of page.Items ?? []) items.push(parseStateItem(raw));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined && items.length < query.limit);
  } catch (error) {
    throw storeFailure('list schedule', error, { partition: query.partition(shard) });
  }
  return items;
}

/** Payload items by job id. */
export async function fetchPayloads(context: StoreContext, items: readonly StateItem[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let start = 0; start < items.length; start += BATCH_GET_KEYS) {
    let keys: Record<string, unknown>[] = items
      .slice(start, start + BATCH_GET_KEYS)
      .map((item) => ({ ...payloadKey(item.job_id, item.run_id) }));
    for (let round = 0; keys.length > 0; round += 1) {
      if (round === BATCH_GET_ROUNDS) {
        throw new PipelineError('job store could not read payloads: keys left unprocessed', { context: { left: keys.length } });
      }
      let response;
      try {
        response = await context.doc.send(new BatchGetCommand({ RequestItems: { [context.tableName]: { Keys: keys } } }));
      } catch (error) {
        throw storeFailure('read payloads', error, { keys: keys.length });
      }
      for (const raw of response.Responses?.[context.tableName] ?? []) {
        if (typeof raw.job_id === 'string' && typeof raw.payload === 'string') found.set(raw.job_id, raw.payload);
      }
      keys = response.UnprocessedKeys?.[context.tableName]?.Keys ?? [];
    }
  }
  return found;
}

/** The job to send, from its state item and its payload. */
export function pendingJobOf(item: StateItem, payload: string): PendingJob {
  return {
    message: jobMessageOf(jobRecordOf(item), JSON.parse(payload) as unknown),
    lane: item.lane,
    status: item.status === JOB_STATUS.delayed ? JOB_STATUS.delayed : JOB_STATUS.waiting,
    dueAt: new Date(item.due_at ?? item.sched_at ?? item.created_at),
    delaySeconds: item.delay_seconds,
  };
}
