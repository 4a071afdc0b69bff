import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from '../core/validation';
import { InvalidRequestError } from '../core/errors';
import { JOBS_TABLE } from '../core/table-schema';
import type { StoreContext } from './conditional-update';
import { cursorOf, positionIn } from './cursor-text';
import { storeFailure } from './dynamodb-errors';
import type { FailedJob, FailedPage, ListFailedOptions } from './job-admin-store';
import { jobRecordOf, parseStateItem } from './job-item';

/** A page may ask for at most this many jobs. */
export const MAX_FAILED_PAGE = 1000;

/**
 * With a category filter most evaluated items may not match: a page reads at
 * most this many index pages before it returns what it found, with a cursor.
 */
const MAX_ROUNDS = 10;

const { name: INDEX_NAME, partitionKey: FAILED_PK, sortKey: FAILED_AT } = JOBS_TABLE.failedIndex;

/** A position in the failed index, as DynamoDB's `LastEvaluatedKey` gives it. */
const positionSchema = z.object({
  pk: z.string(),
  sk: z.string(),
  [FAILED_PK]: z.string(),
  [FAILED_AT]: z.number(),
});

type Position = z.output<typeof positionSchema>;

/** Encodes a position as an opaque, URL-safe cursor. */
export function encodeCursor(position: Position): string {
  return cursorOf(position);
}

/**
 * Decodes a cursor; a malformed one, or one from another queue's listing,
 * throws `InvalidRequestError`.
 */
export function decodeCursor(cursor: string, queue: string): Position {
  const position = positionSchema.safeParse(positionIn(cursor));
  if (!position.success || position.data[FAILED_PK] !== queue) {
    throw new InvalidRequestError('the cursor is not one this listing gave out', [{ field: 'cursor', message: 'pass back next_cursor unchanged' }]);
  }
  return position.data;
}

/**
 * A page of a queue's failed jobs from the sparse failed index, newest first
 * (or oldest first).
 * Each query asks for only as many items as the page still lacks, so the last
 * evaluated key is exactly where the next page starts, even with a filter.
 */
export async function listFailedJobs(context: StoreContext, queue: string, options: ListFailedOptions): Promise<FailedPage> {
  const limit = Math.min(Math.max(Math.trunc(options.limit), 1), MAX_FAILED_PAGE);
  const jobs: FailedJob[] = [];
  let start: Record<string, unknown> | undefined = options.cursor === undefined ? undefined : decodeCursor(options.cursor, queue);
  const upTo = options.failedUpTo === undefined ? '' : ` AND #at <= :upTo`;
  for (let round = 0; round < MAX_ROUNDS && jobs.length < limit; round += 1) {
    let page;
    try {
      page = await context.doc.send(
        new QueryCommand({
          TableName: context.tableName,
          IndexName: INDEX_NAME,
          KeyConditionExpression: `#pk = :queue${upTo}`,
          ...(options.category === undefined ? {} : { FilterExpression: '#error.#category = :category' }),
          ExpressionAttributeNames: {
            '#pk': FAILED_PK,
            ...(upTo === '' ? {} : { '#at': FAILED_AT }),
            ...(options.category === undefined ? {} : { '#error': 'error', '#category': 'category' }),
          },
          ExpressionAttributeValues: {
            ':queue': queue,
            ...(options.failedUpTo === undefined ? {} : { ':upTo': options.failedUpTo.getTime() }),
            ...(options.category === undefined ? {} : { ':category': options.category }),
          },
          ScanIndexForward: options.order === 'oldest',
          Limit: limit - jobs.length,
          ExclusiveStartKey: start,
        }),
      );
    } catch (error) {
      throw storeFailure('list failed', error, { queue });
    }
    for (const raw of page.Items ?? []) jobs.push(failedJobOf(raw));
    start = page.LastEvaluatedKey;
    if (start === undefined) break;
  }
  const next = start === undefined ? undefined : positionSchema.safeParse(start);
  return next?.success ? { jobs, cursor: encodeCursor(next.data) } : { jobs };
}

function failedJobOf(raw: Record<string, unknown>): FailedJob {
  const item = parseStateItem(raw);
  const record = jobRecordOf(item);
  const failedAtMs = raw[FAILED_AT];
  const lastAttempt = record.history.at(-1);
  return {
    jobId: record.jobId,
    runId: record.runId,
    name: record.name,
    priority: record.priority,
    lane: item.lane,
    attempts: record.attempts,
    maxAttempts: record.maxAttempts,
    ...(record.error === undefined ? {} : { error: record.error }),
    ...(lastAttempt === undefined ? {} : { lastAttempt }),
    failedAt: new Date(typeof failedAtMs === 'number' ? failedAtMs : Date.parse(record.updatedAt)),
    createdAt: record.createdAt,
    payloadBytes: record.payloadBytes,
    ...(record.groupId === undefined ? {} : { groupId: record.groupId }),
    ...(record.partner === undefined ? {} : { partner: record.partner }),
  };
}
