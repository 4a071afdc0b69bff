import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { PipelineError } from '../core/errors';
import { JOB_STATUS, jobMessageOf } from '../core/job';
import { DEFAULT_LANE, type Lane } from '../core/lanes';
import { PRIORITY_ORDER } from '../core/priority';
import { JOBS_TABLE } from '../core/table-schema';
import type { PendingJob } from './job-store';
import type { StoreContext } from './conditional-update';
import { storeFailure } from './dynamodb-errors';
import { jobRecordOf, parseStateItem, type StateItem } from './job-item';
import { allShards, payloadKey, stateKey, type ItemKey } from './job-keys';
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

/**
 * One entry of the schedule index as the index holds it: the keys and the
 * attributes it projects (`JOBS_TABLE.scheduleIndex.nonKeyAttributes`), which
 * never change while the job is in it. Its status and payload are read from
 * the state item.
 */
export interface IndexEntry {
  readonly jobId: string;
  readonly queue: string;
  readonly lane: Lane;
  /** The entry's sort key: when a delayed job is due, or when a pending one was last sent. */
  readonly scheduledAtMs: number;
}

/** BatchGetItem takes at most this many keys. */
const BATCH_GET_KEYS = 100;
/** Rounds of retrying keys BatchGetItem left unprocessed (throttling). */
const BATCH_GET_ROUNDS = 5;

const LANES: ReadonlySet<string> = new Set([DEFAULT_LANE, ...PRIORITY_ORDER]);

/**
 * Jobs in the schedule index still to be sent (waiting or delayed): every
 * shard is queried (each for at most `limit` entries, oldest first; a few
 * shards at a time, so 32 queries do not burst at once), the entries are
 * merged oldest first, their state items read, the jobs that moved on (active,
 * retrying) left out and the rest cut to `limit`, and payloads too large to
 * sit inline fetched in batches. A job whose payload item has expired cannot
 * be sent again and is left out.
 */
export async function listScheduled(context: StoreContext, query: ScheduleQuery): Promise<PendingJob[]> {
  if (query.limit <= 0) return [];
  const perShard = await mapBounded(allShards(), SHARD_QUERY_CONCURRENCY, (shard) => queryShard(context, query, shard));
  const entries = perShard.flat().sort((a, b) => a.scheduledAtMs - b.scheduledAtMs);
  const states = await readStates(context, entries.map((entry) => entry.jobId));
  const due = entries
    .map((entry) => states.get(entry.jobId))
    .filter((item): item is StateItem => item?.status === JOB_STATUS.waiting || item?.status === JOB_STATUS.delayed)
    .slice(0, query.limit);
  const payloads = await fetchPayloads(context, due.filter((item) => item.payload === undefined));
  const jobs: PendingJob[] = [];
  for (const item of due) {
    const payload = item.payload ?? payloads.get(item.job_id);
    if (payload !== undefined) jobs.push(pendingJobOf(item, payload));
  }
  return jobs;
}

async function queryShard(context: StoreContext, query: ScheduleQuery, shard: number): Promise<IndexEntry[]> {
  const { name, partitionKey, sortKey } = JOBS_TABLE.scheduleIndex;
  const entries: IndexEntry[] = [];
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
          Limit: query.limit - entries.length,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const raw of page.Items ?? []) entries.push(indexEntryOf(raw));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined && entries.length < query.limit);
  } catch (error) {
    throw storeFailure('list schedule', error, { partition: query.partition(shard) });
  }
  return entries;
}

/**
 * An entry of the schedule index, from the attributes the index projects.
 *
 * @throws PipelineError when the entry lacks one (an item written by hand, or an index that projects less)
 */
export function indexEntryOf(raw: Record<string, unknown>): IndexEntry {
  const { job_id: jobId, queue, lane } = raw;
  const scheduledAtMs = raw[JOBS_TABLE.scheduleIndex.sortKey];
  if (typeof jobId !== 'string' || typeof queue !== 'string' || typeof lane !== 'string' || !LANES.has(lane) || typeof scheduledAtMs !== 'number') {
    throw new PipelineError('schedule index entry is malformed', { context: { pk: raw.pk, jobId, queue, lane } });
  }
  return { jobId, queue, lane: lane as Lane, scheduledAtMs };
}

/**
 * The state items of these jobs, by job id, read with strongly consistent
 * batch reads (one read unit per item up to 4 KB): a job acted on from its
 * schedule entry is judged on its record as it is now, and a write that
 * follows is conditional anyway. A job with no record (cleaned) is left out.
 */
export async function readStates(context: StoreContext, jobIds: readonly string[]): Promise<Map<string, StateItem>> {
  const unique = [...new Set(jobIds)];
  const found = new Map<string, StateItem>();
  for (const raw of await batchGet(context, unique.map(stateKey), true, 'read job states')) {
    const item = parseStateItem(raw);
    found.set(item.job_id, item);
  }
  return found;
}

/** Payload items by job id. */
export async function fetchPayloads(context: StoreContext, items: readonly StateItem[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const raw of await batchGet(context, items.map((item) => payloadKey(item.job_id, item.run_id)), false, 'read payloads')) {
    if (typeof raw.job_id === 'string' && typeof raw.payload === 'string') found.set(raw.job_id, raw.payload);
  }
  return found;
}

/** Items by key, in batches of {@link BATCH_GET_KEYS}, retrying the keys DynamoDB leaves unprocessed. */
async function batchGet(context: StoreContext, allKeys: readonly ItemKey[], consistent: boolean, what: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let start = 0; start < allKeys.length; start += BATCH_GET_KEYS) {
    let keys: Record<string, unknown>[] = allKeys.slice(start, start + BATCH_GET_KEYS).map((key) => ({ ...key }));
    for (let round = 0; keys.length > 0; round += 1) {
      if (round === BATCH_GET_ROUNDS) {
        throw new PipelineError(`job store could not ${what}: keys left unprocessed`, { context: { left: keys.length } });
      }
      let response;
      try {
        response = await context.doc.send(
          new BatchGetCommand({ RequestItems: { [context.tableName]: { Keys: keys, ...(consistent ? { ConsistentRead: true } : {}) } } }),
        );
      } catch (error) {
        throw storeFailure(what, error, { keys: keys.length });
      }
      items.push(...(response.Responses?.[context.tableName] ?? []));
      keys = response.UnprocessedKeys?.[context.tableName]?.Keys ?? [];
    }
  }
  return items;
}

/** The job to send, from its state item and its payload. */
export function pendingJobOf(item: StateItem, payload: string): PendingJob {
  return {
    message: jobMessageOf(jobRecordOf(item), JSON.parse(payload) as unknown, payload),
    lane: item.lane,
    status: item.status === JOB_STATUS.delayed ? JOB_STATUS.delayed : JOB_STATUS.waiting,
    dueAt: new Date(item.due_at ?? item.sched_at ?? item.created_at),
    delaySeconds: item.delay_seconds,
  };
}
