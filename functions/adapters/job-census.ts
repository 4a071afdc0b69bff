import { QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { JOBS_TABLE } from '../core/table-schema';
import { mapBounded, SHARD_QUERY_CONCURRENCY } from './bounded';
import { storeFailure } from './dynamodb-errors';
import { allShards, delayedPartition } from './job-keys';

/**
 * Counts of jobs as they are now that only the job store knows (SQS knows
 * the rest: waiting, in flight, delayed by up to 15 minutes).
 */
export interface JobCensus {
  /** A queue's jobs failed for good whose letter waits in its DLQ: the failed index's entries of the queue. */
  failedNow(queue: string): Promise<number>;
  /**
   * Jobs that wait in the job store until the sweeper sends them (delays
   * beyond SQS's 15 minutes, `run_at`, delays on FIFO queues), by queue: the
   * schedule index's delayed partitions.
   */
  delayedInStore(): Promise<ReadonlyMap<string, number>>;
}

/**
 * The census on DynamoDB, reading indexes only, never a job's state item:
 * `failedNow` is one `Select: COUNT` query of the queue's failed-index
 * partition (DynamoDB still reads, and bills, the entries it counts: about
 * 0.5 read units per 4 KB of them); `delayedInStore` reads the 32 delayed
 * shards of the schedule index, which project the queue name, a few shards at
 * a time. The health snapshot runs both at most once per 15 s per stage.
 *
 * @example
 * const census = new DynamoDbJobCensus({ client: new DynamoDBClient({}), tableName: 'jobs' });
 * await census.failedNow('payments'); // 3
 */
export class DynamoDbJobCensus implements JobCensus {
  public constructor(private readonly options: { readonly client: DynamoDBClient; readonly tableName: string }) {}

  public async failedNow(queue: string): Promise<number> {
    const { name, partitionKey } = JOBS_TABLE.failedIndex;
    let count = 0;
    await this.pages({
      IndexName: name,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': partitionKey },
      ExpressionAttributeValues: { ':pk': { S: queue } },
      Select: 'COUNT',
    }, (page) => {
      count += page.Count ?? 0;
    });
    return count;
  }

  public async delayedInStore(): Promise<ReadonlyMap<string, number>> {
    const { name, partitionKey } = JOBS_TABLE.scheduleIndex;
    const counts = new Map<string, number>();
    await mapBounded(allShards(), SHARD_QUERY_CONCURRENCY, (shard) =>
      this.pages({
        IndexName: name,
        KeyConditionExpression: '#pk = :pk',
        ProjectionExpression: '#queue',
        ExpressionAttributeNames: { '#pk': partitionKey, '#queue': 'queue' },
        ExpressionAttributeValues: { ':pk': { S: delayedPartition(shard) } },
      }, (page) => {
        for (const item of page.Items ?? []) {
          const queue = item.queue?.S;
          if (queue !== undefined) counts.set(queue, (counts.get(queue) ?? 0) + 1);
        }
      }),
    );
    return counts;
  }

  /** Runs a query page by page, handing each page to `onPage`. */
  private async pages(
    query: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName' | 'ExclusiveStartKey'>,
    onPage: (page: { Count?: number; Items?: Record<string, AttributeValue>[] }) => void,
  ): Promise<void> {
    let start: Record<string, AttributeValue> | undefined;
    try {
      do {
        const page = await this.options.client.send(new QueryCommand({ ...query, TableName: this.options.tableName, ExclusiveStartKey: start }));
        onPage(page);
        start = page.LastEvaluatedKey;
      } while (start !== undefined);
    } catch (error) {
      throw storeFailure('query', error, { index: query.IndexName });
    }
  }
}
