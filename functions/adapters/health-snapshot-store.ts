import { GetItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from '../core/validation';
import { PipelineError } from '../core/errors';
import { HEALTH_SNAPSHOT_KEY, type QueueCountsSnapshot } from '../core/health-snapshot';
import { JOBS_TABLE } from '../core/table-schema';
import { isConditionalCheckFailed, oldItemOf, storeFailure } from './dynamodb-errors';

/** What a caller asks for when it tries to take the refresh lease. */
export interface LeaseRequest {
  /** Who takes it: a fresh id per refresh, so only the holder's write lands. */
  readonly owner: string;
  /** Now, epoch ms: an unexpired lease is one ending after this. */
  readonly nowMs: number;
  /** How long the lease holds, ms. */
  readonly leaseMs: number;
  /** Only a snapshot computed at or before this (epoch ms) may be refreshed. */
  readonly refreshableBeforeMs: number;
}

/** The outcome of a lease attempt. */
export type LeaseOutcome =
  | { readonly taken: true }
  /** Another caller holds the lease, or the snapshot was refreshed meanwhile; `current` is the snapshot as it is now. */
  | { readonly taken: false; readonly current?: QueueCountsSnapshot };

/** The shared queue-counts snapshot and its refresh lease. */
export interface HealthSnapshotStore {
  /** The snapshot, or undefined before the first refresh. */
  read(): Promise<QueueCountsSnapshot | undefined>;
  /** Takes the refresh lease when the snapshot is stale (or absent) and no unexpired lease is held. */
  takeLease(request: LeaseRequest): Promise<LeaseOutcome>;
  /**
   * Stores a snapshot and releases the lease, if `owner` still holds it;
   * resolves `false` when another caller took the lease meanwhile (its own
   * refresh will land instead).
   */
  write(owner: string, snapshot: QueueCountsSnapshot): Promise<boolean>;
}

/** The counts of one queue as stored: every field a whole number. */
const countsSchema = z.object({
  waiting: z.number().check(z.int(), z.nonnegative()),
  active: z.number().check(z.int(), z.nonnegative()),
  delayed: z.number().check(z.int(), z.nonnegative()),
  completed: z.number().check(z.int(), z.nonnegative()),
  failed: z.number().check(z.int(), z.nonnegative()),
  dlq: z.number().check(z.int(), z.nonnegative()),
  // Snapshots written before the field existed read as running.
  paused: z._default(z.boolean(), false),
});

/** The snapshot item; before the first refresh it may hold only a lease. */
const snapshotItemSchema = z.object({
  computed_at_ms: z.optional(z.number()),
  queues: z.optional(z.record(z.string(), countsSchema)),
  lease_owner: z.optional(z.string()),
  lease_until_ms: z.optional(z.number()),
});

const ATTRIBUTE = {
  computedAtMs: 'computed_at_ms',
  queues: 'queues',
  leaseOwner: 'lease_owner',
  leaseUntilMs: 'lease_until_ms',
} as const;

/**
 * The snapshot as one item of the jobs table (`HEALTH#queue-counts` /
 * `SNAPSHOT`): a GetItem to read, a conditional UpdateItem to take the lease
 * and another to write. The lease is fields on the same item, so one
 * condition can say both "nobody holds an unexpired lease" and "the snapshot
 * is still stale", and a caller that lost gets the current snapshot back with
 * the refusal (`ALL_OLD`), at no extra read.
 *
 * @example
 * const snapshots = new DynamoDbHealthSnapshotStore({ client, tableName });
 * const snapshot = await snapshots.read();
 */
export class DynamoDbHealthSnapshotStore implements HealthSnapshotStore {
  public constructor(private readonly options: { readonly client: DynamoDBClient; readonly tableName: string }) {}

  public async read(): Promise<QueueCountsSnapshot | undefined> {
    try {
      const answer = await this.options.client.send(new GetItemCommand({ TableName: this.options.tableName, Key: this.key(), ConsistentRead: true }));
      return answer.Item ? snapshotOf(unmarshall(answer.Item)) : undefined;
    } catch (error) {
      throw storeFailure('read health snapshot', error);
    }
  }

  public async takeLease(request: LeaseRequest): Promise<LeaseOutcome> {
    try {
      await this.options.client.send(
        new UpdateItemCommand({
          TableName: this.options.tableName,
          Key: this.key(),
          UpdateExpression: 'SET #owner = :owner, #until = :until',
          ConditionExpression:
            '(attribute_not_exists(#until) OR #until <= :now) AND (attribute_not_exists(#computed) OR #computed <= :refreshable)',
          ExpressionAttributeNames: { '#owner': ATTRIBUTE.leaseOwner, '#until': ATTRIBUTE.leaseUntilMs, '#computed': ATTRIBUTE.computedAtMs },
          ExpressionAttributeValues: marshall({
            ':owner': request.owner,
            ':until': request.nowMs + request.leaseMs,
            ':now': request.nowMs,
            ':refreshable': request.refreshableBeforeMs,
          }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { taken: true };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw storeFailure('take health snapshot lease', error);
      const old = oldItemOf(error);
      return { taken: false, current: old ? snapshotOf(old) : undefined };
    }
  }

  public async write(owner: string, snapshot: QueueCountsSnapshot): Promise<boolean> {
    try {
      await this.options.client.send(
        new UpdateItemCommand({
          TableName: this.options.tableName,
          Key: this.key(),
          UpdateExpression: 'SET #computed = :computed, #queues = :queues REMOVE #owner, #until',
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: {
            '#computed': ATTRIBUTE.computedAtMs,
            '#queues': ATTRIBUTE.queues,
            '#owner': ATTRIBUTE.leaseOwner,
            '#until': ATTRIBUTE.leaseUntilMs,
          },
          ExpressionAttributeValues: marshall({ ':computed': snapshot.computedAtMs, ':queues': snapshot.queues, ':owner': owner }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw storeFailure('write health snapshot', error);
    }
  }

  private key() {
    return marshall({ [JOBS_TABLE.partitionKey]: HEALTH_SNAPSHOT_KEY.partitionKey, [JOBS_TABLE.sortKey]: HEALTH_SNAPSHOT_KEY.sortKey });
  }
}

/** The snapshot an item holds, or undefined when it holds only a lease; a malformed item fails loudly. */
function snapshotOf(item: Record<string, unknown>): QueueCountsSnapshot | undefined {
  const parsed = snapshotItemSchema.safeParse(item);
  if (!parsed.success) {
    throw new PipelineError('the health snapshot item is malformed', { cause: parsed.error, context: { key: HEALTH_SNAPSHOT_KEY } });
  }
  const { computed_at_ms: computedAtMs, queues } = parsed.data;
  return computedAtMs === undefined || queues === undefined ? undefined : { computedAtMs, queues };
}
