import { DeleteCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { JOB_STATUS } from '../core/job';
import { ITEM_KEY, JOBS_TABLE } from '../core/table-schema';
import type { StoreContext } from './conditional-update';
import { isConditionalCheckFailed, storeFailure } from './dynamodb-errors';
import type { CleanableState } from './job-admin-store';
import { stateKey } from './job-keys';

/** Deletes run this many at a time. */
const DELETE_CONCURRENCY = 8;

const { name: FAILED_INDEX, partitionKey: FAILED_PK, sortKey: FAILED_AT } = JOBS_TABLE.failedIndex;

/**
 * Deletes a queue's records in `state` older than `olderThan`; resolves to the
 * number deleted.
 *
 * Failed jobs come from the failed index (a Query on the queue's partition:
 * reads only what it deletes). Failed jobs whose dead-letter message was
 * purged have left that index and are left to their TTL.
 *
 * Completed and cancelled jobs have no index (they expire by TTL, 24 h by
 * default, so an index would cost a write on every completion for a rare
 * call): they are found by a paginated Scan of the whole table with a filter.
 * A Scan is billed on every item it reads, filtered or not — half a read unit
 * per 4 KB, eventually consistent — so its cost grows with the table, not with
 * what it deletes: about 1 read unit per 8 job items of up to 1 KB. Fine for an
 * occasional clean; not for a schedule.
 *
 * Every delete is conditional on the record still being in the state and that
 * old, so a job that moved on (redriven, a new run of the same id) is kept.
 */
export async function cleanRecords(context: StoreContext, queue: string, state: CleanableState, olderThan: Date): Promise<number> {
  let deleted = 0;
  for await (const jobIds of state === JOB_STATUS.failed ? failedIds(context, queue, olderThan) : scannedIds(context, queue, state, olderThan)) {
    deleted += await deleteAll(context, jobIds, state, olderThan);
  }
  return deleted;
}

async function* failedIds(context: StoreContext, queue: string, olderThan: Date): AsyncGenerator<string[]> {
  let start: Record<string, unknown> | undefined;
  do {
    let page;
    try {
      page = await context.doc.send(
        new QueryCommand({
          TableName: context.tableName,
          IndexName: FAILED_INDEX,
          KeyConditionExpression: '#pk = :queue AND #at < :before',
          ExpressionAttributeNames: { '#pk': FAILED_PK, '#at': FAILED_AT },
          ExpressionAttributeValues: { ':queue': queue, ':before': olderThan.getTime() },
          ProjectionExpression: 'job_id',
          ExclusiveStartKey: start,
        }),
      );
    } catch (error) {
      throw storeFailure('clean: list failed', error, { queue });
    }
    yield idsOf(page.Items);
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
}

async function* scannedIds(context: StoreContext, queue: string, state: CleanableState, olderThan: Date): AsyncGenerator<string[]> {
  let start: Record<string, unknown> | undefined;
  do {
    let page;
    try {
      page = await context.doc.send(
        new ScanCommand({
          TableName: context.tableName,
          FilterExpression: '#sk = :state_sk AND #queue = :queue AND #status = :status AND updated_at < :before',
          ExpressionAttributeNames: { '#sk': JOBS_TABLE.sortKey, '#queue': 'queue', '#status': 'status' },
          ExpressionAttributeValues: {
            ':state_sk': ITEM_KEY.stateSortKey,
            ':queue': queue,
            ':status': state,
            ':before': olderThan.toISOString(),
          },
          ProjectionExpression: 'job_id',
          ExclusiveStartKey: start,
        }),
      );
    } catch (error) {
      throw storeFailure('clean: scan', error, { queue, state });
    }
    yield idsOf(page.Items);
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
}

function idsOf(items: readonly Record<string, unknown>[] | undefined): string[] {
  return (items ?? []).map((item) => item.job_id).filter((id): id is string => typeof id === 'string');
}

async function deleteAll(context: StoreContext, jobIds: readonly string[], state: CleanableState, olderThan: Date): Promise<number> {
  let deleted = 0;
  const pending = [...jobIds];
  const condition: { ConditionExpression: string; names: Record<string, string>; before: number | string } =
    state === JOB_STATUS.failed
      ? { ConditionExpression: '#status = :status AND #at < :before', names: { '#at': FAILED_AT }, before: olderThan.getTime() }
      : { ConditionExpression: '#status = :status AND updated_at < :before', names: {}, before: olderThan.toISOString() };
  const worker = async (): Promise<void> => {
    for (let jobId = pending.shift(); jobId !== undefined; jobId = pending.shift()) {
      try {
        await context.doc.send(
          new DeleteCommand({
            TableName: context.tableName,
            Key: stateKey(jobId),
            ConditionExpression: condition.ConditionExpression,
            ExpressionAttributeNames: { '#status': 'status', ...condition.names },
            ExpressionAttributeValues: { ':status': state, ':before': condition.before },
          }),
        );
        deleted += 1;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw storeFailure('clean: delete', error, { jobId });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(DELETE_CONCURRENCY, pending.length) }, worker));
  return deleted;
}
