import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { grantSlots, type PoolHolder, type PoolHolders, type SlotAsk } from '../core/concurrency-pool';
import { PipelineError } from '../core/errors';
import { ITEM_KEY, JOBS_TABLE } from '../core/table-schema';
import { systemClock, type Clock } from './clock';
import { isConditionalCheckFailed, oldItemOf } from './dynamodb-errors';
import { collisionPauseMs, type OptimisticItemOptions } from './optimistic-item';

/** What an invocation asks a {@link ConcurrencyPool} for (now comes from the pool's clock). */
export type PoolRequest = Omit<SlotAsk, 'nowMs'>;

/**
 * A queue's shared concurrency: every consumer invocation of every lane takes
 * slots from it before it runs jobs, and gives them back when it is done.
 */
export interface ConcurrencyPool {
  /** Takes up to `wanted` slots for `token`; answers how many were granted (maybe 0). */
  acquire(queue: string, request: PoolRequest): Promise<number>;
  /** Gives back every slot `token` holds. */
  release(queue: string, token: string): Promise<void>;
  /** Extends `token`'s lease to `untilMs`; answers false when it no longer holds any slot (its lease ran out first). */
  renew(queue: string, token: string, untilMs: number): Promise<boolean>;
  /**
   * Gives back all but `keep` of the slots `token` holds (its batch has fewer
   * jobs left to run), if another invocation waits for slots; answers whether
   * it did.
   */
  shrink(queue: string, token: string, keep: number): Promise<boolean>;
}

/** What a {@link DynamoDbConcurrencyPool} needs (its items are `POOL#<queue>`). */
export type DynamoDbConcurrencyPoolOptions = OptimisticItemOptions;

/** The pool item as read: its holders and the version every write bumps. */
interface StoredPool {
  readonly holders: PoolHolders;
  readonly version?: number;
  /** Until when (epoch ms) an invocation is known to wait for slots. */
  readonly starvedUntilMs?: number;
}

/**
 * How long an invocation that found the pool full marks it as wanted: about
 * its longest wait (`POOL_WAIT_MS` in `pool-slots.ts`). One write per wait,
 * not per look; a mark that outlives its waiter costs at most a few early
 * give-backs.
 */
export const STARVED_MARK_MS = 5000;

/**
 * The concurrency pool on DynamoDB: one item per queue holding each
 * invocation's slots and lease (`holders`) and a version. Taking slots is a
 * strongly consistent read and a write conditional on the version (a loser
 * learns the winner's item from the refusal and tries again after a short
 * random pause); giving them back is one unconditional-version write that
 * removes the holder and bumps the version, so no taker can write a stale
 * holder back. Expired holders are dropped by the next taker.
 *
 * @example
 * const pool = new DynamoDbConcurrencyPool({ client, tableName: 'jobs' });
 * const granted = await pool.acquire('webhook-delivery', { token, wanted: 10, limit: 10, headroom: 2, untilMs: Date.now() + 60_000 });
 * try { … } finally { await pool.release('webhook-delivery', token); }
 */
export class DynamoDbConcurrencyPool implements ConcurrencyPool {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly random: () => number;
  private readonly clock: Clock;
  private readonly maxTries: number;

  public constructor(options: DynamoDbConcurrencyPoolOptions) {
    this.doc = DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
    this.tableName = options.tableName;
    this.random = options.random ?? Math.random;
    this.clock = options.clock ?? systemClock;
    this.maxTries = options.maxTries ?? 8;
  }

  public async acquire(queue: string, request: PoolRequest): Promise<number> {
    let stored = await this.read(queue);
    for (let tries = 1; ; tries += 1) {
      const grant = grantSlots(stored.holders, { ...request, nowMs: this.clock.now().getTime() });
      if (grant.granted === 0) {
        await this.markStarved(queue, stored);
        return 0;
      }
      const written = await this.write(queue, stored, grant.holders);
      if (written.ok) return grant.granted;
      if (tries >= this.maxTries) return 0;
      await this.clock.sleep(collisionPauseMs(this.random, tries));
      stored = written.current ?? (await this.read(queue));
    }
  }

  public async release(queue: string, token: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: poolKey(queue),
          UpdateExpression: 'REMOVE holders.#token ADD version :one',
          ConditionExpression: 'attribute_exists(holders)',
          ExpressionAttributeNames: { '#token': token },
          ExpressionAttributeValues: { ':one': 1 },
        }),
      );
    } catch (error) {
      // No pool item: nothing is held, so nothing to give back.
      if (isConditionalCheckFailed(error)) return;
      throw new PipelineError('concurrency pool release failed', { cause: error, context: { queue } });
    }
  }

  public async shrink(queue: string, token: string, keep: number): Promise<boolean> {
    // A read (a fifth of a write's price) first: the write is only worth it when someone waits.
    const { starvedUntilMs } = await this.read(queue);
    if (starvedUntilMs === undefined || starvedUntilMs <= this.clock.now().getTime()) return false;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: poolKey(queue),
          UpdateExpression: 'SET holders.#token.slots = :keep ADD version :one',
          ConditionExpression: 'attribute_exists(holders.#token) AND holders.#token.slots > :keep',
          ExpressionAttributeNames: { '#token': token },
          ExpressionAttributeValues: { ':keep': keep, ':one': 1 },
        }),
      );
      return true;
    } catch (error) {
      // The holder is gone (its lease ended and a taker dropped it) or already holds no more: nothing to give back.
      if (isConditionalCheckFailed(error)) return false;
      throw new PipelineError('concurrency pool shrink failed', { cause: error, context: { queue } });
    }
  }

  public async renew(queue: string, token: string, untilMs: number): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: poolKey(queue),
          UpdateExpression: 'SET holders.#token.untilMs = :until',
          ConditionExpression: 'attribute_exists(holders.#token)',
          ExpressionAttributeNames: { '#token': token },
          ExpressionAttributeValues: { ':until': untilMs },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw new PipelineError('concurrency pool renew failed', { cause: error, context: { queue } });
    }
  }

  /** Marks the pool as wanted, once per wait: holders then give back idle slots early. */
  private async markStarved(queue: string, stored: StoredPool): Promise<void> {
    const nowMs = this.clock.now().getTime();
    if (stored.starvedUntilMs !== undefined && stored.starvedUntilMs > nowMs + STARVED_MARK_MS / 2) return;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: poolKey(queue),
          UpdateExpression: 'SET starved_until = :until',
          ExpressionAttributeValues: { ':until': nowMs + STARVED_MARK_MS },
        }),
      );
    } catch (error) {
      throw new PipelineError('concurrency pool write failed', { cause: error, context: { queue } });
    }
  }

  private async read(queue: string): Promise<StoredPool> {
    try {
      const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: poolKey(queue), ConsistentRead: true }));
      return storedPoolOf(Item);
    } catch (error) {
      throw new PipelineError('concurrency pool read failed', { cause: error, context: { queue } });
    }
  }

  /** Stores `holders` if the item is still at the version read; a refusal carries the current item. */
  private async write(queue: string, expected: StoredPool, holders: Record<string, PoolHolder>): Promise<{ ok: true } | { ok: false; current?: StoredPool }> {
    const first = expected.version === undefined;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: poolKey(queue),
          UpdateExpression: 'SET holders = :holders, version = :next',
          ConditionExpression: first ? 'attribute_not_exists(version)' : 'version = :expected',
          ExpressionAttributeValues: {
            ':holders': holders,
            ':next': (expected.version ?? 0) + 1,
            ...(first ? {} : { ':expected': expected.version }),
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { ok: true };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw new PipelineError('concurrency pool write failed', { cause: error, context: { queue } });
      const old = oldItemOf(error);
      return { ok: false, current: old === undefined ? undefined : storedPoolOf(old) };
    }
  }
}

function poolKey(queue: string): Record<string, string> {
  return { [JOBS_TABLE.partitionKey]: `${ITEM_KEY.poolPrefix}${queue}`, [JOBS_TABLE.sortKey]: ITEM_KEY.stateSortKey };
}

/** The stored pool from an item; anything malformed counts as no holder (a lease is never trusted beyond its shape). */
function storedPoolOf(item: Record<string, unknown> | undefined): StoredPool {
  const version = typeof item?.version === 'number' ? item.version : undefined;
  const raw = item?.holders;
  const holders: Record<string, PoolHolder> = {};
  if (typeof raw === 'object' && raw !== null) {
    for (const [token, value] of Object.entries(raw as Record<string, unknown>)) {
      const holder = value as Partial<PoolHolder> | null;
      if (typeof holder?.slots === 'number' && typeof holder.untilMs === 'number') holders[token] = { slots: holder.slots, untilMs: holder.untilMs };
    }
  }
  const starvedUntilMs = typeof item?.starved_until === 'number' ? item.starved_until : undefined;
  return { holders, version, starvedUntilMs };
}
