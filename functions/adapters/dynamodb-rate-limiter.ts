import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { PipelineError } from '../core/errors';
import { reserveSlots, type RateLimit, type SlotReservation } from '../core/rate-limit';
import { ITEM_KEY, JOBS_TABLE } from '../core/table-schema';
import { systemClock, type Clock } from './clock';
import { isConditionalCheckFailed, oldItemOf } from './dynamodb-errors';
import { collisionPauseMs, type OptimisticItemOptions } from './optimistic-item';

/** What a consumer asks the limiter for. */
export interface ReserveRequest {
  /** Jobs that want to start. */
  readonly wanted: number;
  readonly now: Date;
  /** Slots further ahead than this are not granted; those jobs are deferred. */
  readonly horizonMs: number;
}

/**
 * A queue's rate limiter, shared by every consumer of the queue: start times
 * it grants never crowd closer than `durationMs / max`.
 */
export interface RateLimiter {
  /** Reserves start times for up to `wanted` jobs; the rest are deferred by `deferMs`. */
  reserve(queue: string, limit: RateLimit, request: ReserveRequest): Promise<SlotReservation>;
}

/** What a {@link DynamoDbRateLimiter} needs (its items are `LIMIT#<queue>`). */
export type DynamoDbRateLimiterOptions = OptimisticItemOptions;

/** An idle limiter's item expires this long after its last granted slot. */
const IDLE_EXPIRY_MS = 24 * 60 * 60 * 1000;

/**
 * The rate limiter on DynamoDB: one item per queue holding the earliest time the
 * next slot may start (a generic cell rate algorithm, computed by core
 * `reserveSlots`). Each reservation is a read and an optimistic conditional
 * write; a consumer that loses a race learns the winner's state from the
 * refusal itself and tries again after a short random pause, so concurrent
 * consumers never hand out overlapping slots.
 *
 * @example
 * const limiter = new DynamoDbRateLimiter({ client, tableName: 'jobs' });
 * const { slots, deferMs } = await limiter.reserve('payments', { max: 100, durationMs: 1000 }, { wanted: 1, now: new Date(), horizonMs: 2000 });
 */
export class DynamoDbRateLimiter implements RateLimiter {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly random: () => number;
  private readonly clock: Clock;
  private readonly maxTries: number;

  public constructor(options: DynamoDbRateLimiterOptions) {
    this.doc = DynamoDBDocumentClient.from(options.client);
    this.tableName = options.tableName;
    this.random = options.random ?? Math.random;
    this.clock = options.clock ?? systemClock;
    this.maxTries = options.maxTries ?? 8;
  }

  /** Reserves start times; when every try collides, the jobs are deferred rather than failed. */
  public async reserve(queue: string, limit: RateLimit, request: ReserveRequest): Promise<SlotReservation> {
    if (!(limit.max > 0 && limit.durationMs > 0)) {
      throw new PipelineError('rate limit needs a positive max and duration', { context: { queue, ...limit } });
    }
    const key = { [JOBS_TABLE.partitionKey]: `${ITEM_KEY.limiterPrefix}${queue}`, [JOBS_TABLE.sortKey]: ITEM_KEY.stateSortKey };
    const startedMs = this.clock.now().getTime();
    let stored = await this.read(key, queue);
    for (let tries = 1; ; tries += 1) {
      // Time spent on collisions counts, so a slot is not granted in the past.
      const nowMs = request.now.getTime() + (this.clock.now().getTime() - startedMs);
      const reservation = reserveSlots(stored, limit, { wanted: request.wanted, nowMs, horizonMs: request.horizonMs });
      if (reservation.slots.length === 0) return reservation;
      const written = await this.write(key, queue, stored, reservation.nextFreeMs);
      if (written.ok) return reservation;
      if (tries >= this.maxTries) {
        return { slots: [], nextFreeMs: reservation.nextFreeMs, deferMs: Math.ceil(limit.durationMs / limit.max) };
      }
      await this.clock.sleep(collisionPauseMs(this.random, tries));
      stored = written.current ?? (await this.read(key, queue));
    }
  }

  private async read(key: Record<string, string>, queue: string): Promise<number | undefined> {
    try {
      const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
      return nextFreeOf(Item);
    } catch (error) {
      throw new PipelineError('rate limiter read failed', { cause: error, context: { queue } });
    }
  }

  /** Writes the new state if the stored one is still `expected`; a refusal carries the current one. */
  private async write(
    key: Record<string, string>,
    queue: string,
    expected: number | undefined,
    nextFreeMs: number,
  ): Promise<{ ok: true } | { ok: false; current: number | undefined }> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET next_free_ms = :next, #ttl = :expires',
          ConditionExpression: expected === undefined ? 'attribute_not_exists(next_free_ms)' : 'next_free_ms = :expected',
          ExpressionAttributeNames: { '#ttl': JOBS_TABLE.ttlAttribute },
          ExpressionAttributeValues: {
            ':next': nextFreeMs,
            ':expires': Math.floor((nextFreeMs + IDLE_EXPIRY_MS) / 1000),
            ...(expected === undefined ? {} : { ':expected': expected }),
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { ok: true };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) {
        throw new PipelineError('rate limiter write failed', { cause: error, context: { queue } });
      }
      const old = oldItemOf(error);
      return { ok: false, current: old === undefined ? undefined : nextFreeOf(old) };
    }
  }
}

function nextFreeOf(item: Record<string, unknown> | undefined): number | undefined {
  const value = item?.next_free_ms;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
