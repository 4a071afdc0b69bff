import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ITEM_KEY } from '../core/table-schema';
import type { Clock } from './clock';
import { storeFailure } from './dynamodb-errors';

/**
 * Whether each queue is paused, kept in the jobs table: one item per queue in
 * one partition (`PAUSE`, `QUEUE#<name>`). It is the pause state of record:
 * the event source mappings follow it, and a deploy that replaces a mapping
 * (enabled, as the template says) cannot change it.
 */
export interface PauseStore {
  /** Records the queue as paused or running. */
  setPaused(queue: string, paused: boolean, now: Date): Promise<void>;
  /** Whether the queue is paused (one read). */
  isPaused(queue: string): Promise<boolean>;
  /** Every paused queue (one query, whatever the number of queues). */
  pausedQueues(): Promise<Set<string>>;
}

/**
 * The pause items on DynamoDB. A queue with no item is running.
 *
 * @example
 * const pauses = new DynamoDbPauseStore({ client: new DynamoDBClient({}), tableName: 'jobs' });
 * await pauses.setPaused('payments', true, new Date());
 */
export class DynamoDbPauseStore implements PauseStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;

  public constructor(options: { readonly client: DynamoDBClient; readonly tableName: string }) {
    this.doc = DynamoDBDocumentClient.from(options.client);
    this.tableName = options.tableName;
  }

  public async setPaused(queue: string, paused: boolean, now: Date): Promise<void> {
    try {
      // An update, not a put: the admin function's role has UpdateItem on the table, and the item holds nothing else.
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: pauseKey(queue),
          UpdateExpression: 'SET #queue = :queue, paused = :paused, changed_at = :now',
          ExpressionAttributeNames: { '#queue': 'queue' },
          ExpressionAttributeValues: { ':queue': queue, ':paused': paused, ':now': now.toISOString() },
        }),
      );
    } catch (error) {
      throw storeFailure('set pause', error, { queue });
    }
  }

  public async isPaused(queue: string): Promise<boolean> {
    try {
      // Eventually consistent: half the price, and a pause is a human action measured in seconds.
      const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: pauseKey(queue) }));
      return Item?.paused === true;
    } catch (error) {
      throw storeFailure('read pause', error, { queue });
    }
  }

  public async pausedQueues(): Promise<Set<string>> {
    const paused = new Set<string>();
    let startKey: Record<string, unknown> | undefined;
    try {
      do {
        const page = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': ITEM_KEY.pausePartition },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) if (item.paused === true && typeof item.queue === 'string') paused.add(item.queue);
        startKey = page.LastEvaluatedKey;
      } while (startKey !== undefined);
    } catch (error) {
      throw storeFailure('list pauses', error, {});
    }
    return paused;
  }
}

/** The key of a queue's pause item. */
export function pauseKey(queue: string): { pk: string; sk: string } {
  return { pk: ITEM_KEY.pausePartition, sk: `${ITEM_KEY.pauseSortKeyPrefix}${queue}` };
}

/** How long a consumer container trusts the pause state it read. */
export const PAUSE_CACHE_MS = 5000;

/**
 * One queue's pause state read at most once per `ttlMs` per container: a
 * consumer asks before every batch, and a pause takes effect within seconds.
 * A failed read is not cached and throws, so the caller decides.
 *
 * @example
 * const paused = cachedPause(pauses, 'payments', systemClock);
 * if (await paused()) return everyMessageBack();
 */
export function cachedPause(store: Pick<PauseStore, 'isPaused'>, queue: string, clock: Pick<Clock, 'now'>, ttlMs = PAUSE_CACHE_MS): () => Promise<boolean> {
  let known: { paused: boolean; atMs: number } | undefined;
  return async () => {
    const nowMs = clock.now().getTime();
    if (known !== undefined && nowMs - known.atMs < ttlMs) return known.paused;
    const paused = await store.isPaused(queue);
    known = { paused, atMs: nowMs };
    return paused;
  };
}
