import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from '../core/validation';
import { CIRCUIT_STATE, DEFAULT_CIRCUIT, ENDPOINT_BODY, type Endpoint } from '../core/endpoint';
import { newEndpointId, newInboundToken } from '../core/endpoint-ids';
import { InvalidRequestError, PipelineError } from '../core/errors';
import { JOBS_TABLE } from '../core/table-schema';
import { systemClock, type Clock } from './clock';
import { isConditionalCheckFailed, oldItemOf, storeFailure } from './dynamodb-errors';
import { changeUpdate, rotateSecretUpdate, rotateTokenUpdate, type EndpointUpdate } from './endpoint-changes';
import { endpointDirectoryKey, endpointItemKey, endpointOfItem, itemOfEndpoint } from './endpoint-item';
import { ENDPOINT_ATTRIBUTE as A, ENDPOINT_KEY, type EndpointChange, type EndpointPage, type EndpointRegistry, type NewEndpoint } from './endpoint-store';
import { collisionPauseMs } from './optimistic-item';

/** What a {@link DynamoDbEndpointRegistry} needs. */
export interface DynamoDbEndpointRegistryOptions {
  readonly client: DynamoDBClient;
  /** The jobs table: endpoints live beside the jobs under their own keys. */
  readonly tableName: string;
  /** A fresh `whsec_` signing secret (the runtime passes `generateSigningSecret`). */
  readonly newSecret: () => string;
  /** @default systemClock - for the pause between writes that collided */
  readonly clock?: Clock;
  /** @default Math.random - spreads the retries of writers that collided */
  readonly random?: () => number;
  /** @default 5 - writes tried before a change gives up with {@link EndpointWriteConflictError} */
  readonly maxTries?: number;
}

/**
 * A change that lost the race for an endpoint's item every time it tried
 * (the breaker or another operator kept writing it). Nothing was changed;
 * the request can be sent again.
 */
export class EndpointWriteConflictError extends PipelineError {
  public constructor(endpointId: string, operation: string, options: { cause?: unknown } = {}) {
    super(`endpoint ${endpointId} changed while ${operation} was being applied; nothing was changed`, {
      ...options,
      context: { endpointId, operation },
    });
    this.name = 'EndpointWriteConflictError';
  }
}

/** DynamoDB's `BatchGetItem` takes at most this many keys. */
const BATCH_GET_KEYS = 100;

/** A position in the directory, as the cursor carries it. */
const directoryPositionSchema = z.object({ [JOBS_TABLE.partitionKey]: z.literal(ENDPOINT_KEY.directoryPartition), [JOBS_TABLE.sortKey]: z.string() });

/**
 * The endpoint registry in the jobs table (see `ENDPOINT_KEY`): each endpoint's
 * item, and a directory entry per endpoint for listings. A registration and a
 * removal write both in one transaction; every other change is one conditional
 * update of the item at the version read, tried again on a lost race, and
 * touches only the attributes it changes (never the breaker's counters).
 *
 * @example
 * const registry = new DynamoDbEndpointRegistry({ client, tableName: 'jobs', newSecret: generateSigningSecret });
 * const endpoint = await registry.create({ userId: 'shop-42', url: 'https://shop.example.com/hooks', now: new Date() });
 */
export class DynamoDbEndpointRegistry implements EndpointRegistry {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly newSecret: () => string;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly maxTries: number;

  public constructor(options: DynamoDbEndpointRegistryOptions) {
    this.doc = DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
    this.tableName = options.tableName;
    this.newSecret = options.newSecret;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.maxTries = options.maxTries ?? 5;
  }

  public async create(input: NewEndpoint): Promise<Endpoint> {
    const at = input.now.toISOString();
    const endpointId = newEndpointId();
    const endpoint: Endpoint = {
      endpointId,
      userId: input.userId,
      url: input.url,
      ...(input.description === undefined || input.description === '' ? {} : { description: input.description }),
      ...(input.partner === undefined ? {} : { partner: input.partner }),
      headers: { ...input.headers },
      body: input.body ?? ENDPOINT_BODY.envelope,
      enabled: true,
      secrets: [{ secret: this.newSecret() }],
      inboundToken: newInboundToken(endpointId),
      circuit: {
        failureThreshold: input.circuit?.failureThreshold ?? DEFAULT_CIRCUIT.failureThreshold,
        cooldownSeconds: input.circuit?.cooldownSeconds ?? DEFAULT_CIRCUIT.cooldownSeconds,
        state: CIRCUIT_STATE.closed,
        consecutiveFailures: 0,
      },
      counts: { failures: 0, circuitOpens: 0 },
      createdAt: at,
      updatedAt: at,
      version: 1,
    };
    const notThere = { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': JOBS_TABLE.partitionKey } };
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: itemOfEndpoint(endpoint), ...notThere } },
            {
              Put: {
                TableName: this.tableName,
                Item: { ...endpointDirectoryKey(endpoint.userId, endpointId), [A.endpointId]: endpointId, [A.userId]: endpoint.userId },
                ...notThere,
              },
            },
          ],
        }),
      );
    } catch (error) {
      // A collision of 100 random bits is not worth a retry path; it surfaces as a store failure.
      throw storeFailure('create endpoint', error, { endpointId });
    }
    return endpoint;
  }

  public async get(endpointId: string, options: { readonly consistent?: boolean } = {}): Promise<Endpoint | undefined> {
    try {
      const { Item } = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: endpointItemKey(endpointId), ConsistentRead: options.consistent === true }),
      );
      return Item === undefined ? undefined : endpointOfItem(Item);
    } catch (error) {
      throw storeFailure('get endpoint', error, { endpointId });
    }
  }

  public async list(filter: { readonly userId?: string; readonly limit: number; readonly cursor?: string }): Promise<EndpointPage> {
    const limit = Math.min(Math.max(Math.trunc(filter.limit), 1), BATCH_GET_KEYS);
    const prefix = filter.userId === undefined ? undefined : `${filter.userId}#`;
    const start = filter.cursor === undefined ? undefined : decodeDirectoryCursor(filter.cursor, prefix);
    let entries: Record<string, unknown>[];
    try {
      // One more than the page, so the last page is known to be the last and carries no cursor.
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: prefix === undefined ? '#pk = :pk' : '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': JOBS_TABLE.partitionKey, ...(prefix === undefined ? {} : { '#sk': JOBS_TABLE.sortKey }) },
          ExpressionAttributeValues: { ':pk': ENDPOINT_KEY.directoryPartition, ...(prefix === undefined ? {} : { ':prefix': prefix }) },
          Limit: limit + 1,
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      entries = page.Items ?? [];
    } catch (error) {
      throw storeFailure('list endpoints', error, { userId: filter.userId });
    }
    const shown = entries.slice(0, limit);
    const ids = shown.map((entry) => String(entry[A.endpointId]));
    const byId = await this.readMany(ids);
    const endpoints = ids.flatMap((id) => {
      const endpoint = byId.get(id);
      // An entry whose item is gone is a removal half seen; the transaction removes both.
      return endpoint === undefined ? [] : [endpoint];
    });
    const last = shown.at(-1);
    const more = entries.length > limit && last !== undefined;
    return more ? { endpoints, cursor: encodeDirectoryCursor(String(last[JOBS_TABLE.sortKey])) } : { endpoints };
  }

  public async update(endpointId: string, change: EndpointChange, now: Date): Promise<Endpoint | undefined> {
    return this.writeOptimistically(endpointId, 'update', (current) => changeUpdate(current, change, now));
  }

  public async rotateSecret(endpointId: string, now: Date): Promise<Endpoint | undefined> {
    const fresh = this.newSecret();
    return this.writeOptimistically(endpointId, 'rotate secret', (current) => rotateSecretUpdate(current, fresh, now));
  }

  public async rotateToken(endpointId: string, now: Date): Promise<Endpoint | undefined> {
    const token = newInboundToken(endpointId);
    return this.writeOptimistically(endpointId, 'rotate token', (current) => rotateTokenUpdate(current, token, now));
  }

  public async remove(endpointId: string): Promise<boolean> {
    const current = await this.get(endpointId, { consistent: true });
    if (current === undefined) return false;
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.tableName,
                Key: endpointItemKey(endpointId),
                ConditionExpression: 'attribute_exists(#pk)',
                ExpressionAttributeNames: { '#pk': JOBS_TABLE.partitionKey },
              },
            },
            { Delete: { TableName: this.tableName, Key: endpointDirectoryKey(current.userId, endpointId) } },
          ],
        }),
      );
      return true;
    } catch (error) {
      // Another removal won: the endpoint is gone either way, and this call removed nothing.
      if (isTransactionConditionFailure(error)) return false;
      throw storeFailure('remove endpoint', error, { endpointId });
    }
  }

  /**
   * Reads the item, computes the write from it, and applies it if the item is
   * still at the version read; on a lost race, tries again from the winner's
   * item (which the refusal carries) after a short random pause.
   */
  private async writeOptimistically(endpointId: string, operation: string, write: (current: Endpoint) => EndpointUpdate): Promise<Endpoint | undefined> {
    let current = await this.get(endpointId, { consistent: true });
    for (let tries = 1; current !== undefined; tries += 1) {
      try {
        const { Attributes } = await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: endpointItemKey(endpointId),
            ...write(current),
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        if (Attributes === undefined) throw new Error('update returned no attributes');
        return endpointOfItem(Attributes);
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw storeFailure(`${operation} endpoint`, error, { endpointId });
        if (tries >= this.maxTries) throw new EndpointWriteConflictError(endpointId, operation, { cause: error });
        await this.clock.sleep(collisionPauseMs(this.random, tries));
        const old = oldItemOf(error);
        current = old === undefined ? await this.get(endpointId, { consistent: true }) : endpointOfItem(old);
      }
    }
    return undefined;
  }

  /** The endpoints of `ids` that still exist, by id; keys the service leaves unprocessed are asked again. */
  private async readMany(ids: readonly string[]): Promise<Map<string, Endpoint>> {
    const found = new Map<string, Endpoint>();
    let keys = ids.map(endpointItemKey);
    for (let tries = 1; keys.length > 0; tries += 1) {
      try {
        const { Responses, UnprocessedKeys } = await this.doc.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of Responses?.[this.tableName] ?? []) {
          const endpoint = endpointOfItem(item);
          found.set(endpoint.endpointId, endpoint);
        }
        keys = (UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, string>[];
      } catch (error) {
        throw storeFailure('read endpoints', error, { count: keys.length });
      }
      if (keys.length > 0) {
        if (tries >= this.maxTries) throw storeFailure('read endpoints', new Error('keys left unprocessed'), { count: keys.length });
        await this.clock.sleep(collisionPauseMs(this.random, tries));
      }
    }
    return found;
  }
}

/** An opaque, URL-safe cursor for the directory entry with sort key `sortKey`. */
function encodeDirectoryCursor(sortKey: string): string {
  return Buffer.from(JSON.stringify({ [JOBS_TABLE.partitionKey]: ENDPOINT_KEY.directoryPartition, [JOBS_TABLE.sortKey]: sortKey }), 'utf8').toString('base64url');
}

/** The start key a cursor stands for; a malformed one, or one from another user's listing, is an `InvalidRequestError`. */
function decodeDirectoryCursor(cursor: string, prefix: string | undefined): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const position = directoryPositionSchema.safeParse(parsed);
  if (!position.success || (prefix !== undefined && !position.data[JOBS_TABLE.sortKey].startsWith(prefix))) {
    throw new InvalidRequestError('the cursor is not one this listing gave out', [{ field: 'cursor', message: 'pass back cursor unchanged, with the same user_id' }]);
  }
  return position.data;
}

/** Whether a transaction was cancelled because one of its conditions did not hold. */
function isTransactionConditionFailure(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: readonly { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.some((reason) => reason.Code === 'ConditionalCheckFailed');
}
