import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CIRCUIT_STATE, DEFAULT_CIRCUIT, ENDPOINT_BODY, type Endpoint } from '../core/endpoint';
import { newEndpointId, newInboundToken } from '../core/endpoint-ids';
import { PipelineError } from '../core/errors';
import { JOBS_TABLE } from '../core/table-schema';
import { systemClock, type Clock } from './clock';
import { isConditionalCheckFailed, oldItemOf, storeFailure } from './dynamodb-errors';
import { changeUpdate, rotateSecretUpdate, rotateTokenUpdate, type EndpointUpdate } from './endpoint-changes';
import { endpointDirectoryKey, endpointItemKey, endpointOfItem, itemOfEndpoint } from './endpoint-item';
import { listEndpoints, type EndpointReadRetry } from './endpoint-listing';
import { endpointTable, readEndpoint, type EndpointTable } from './endpoint-read';
import { ENDPOINT_ATTRIBUTE as A, type EndpointChange, type EndpointPage, type EndpointRegistry, type NewEndpoint } from './endpoint-store';
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

/**
 * The endpoint registry in the jobs table (see `ENDPOINT_KEY`): each endpoint's
 * item, and a directory entry per endpoint for listings. A registration and a
 * removal write both in one transaction; every other change is one conditional
 * update of the item at the version read, tried again on a lost race, and
 * touches only the attributes it changes (never the breaker's counters).
 * The reads are those of `endpoint-read.ts` and `endpoint-listing.ts`, which
 * the ingest and the consumers use alone (`endpoint-reader.ts`).
 *
 * @example
 * const registry = new DynamoDbEndpointRegistry({ client, tableName: 'jobs', newSecret: generateSigningSecret });
 * const endpoint = await registry.create({ userId: 'shop-42', url: 'https://shop.example.com/hooks', now: new Date() });
 */
export class DynamoDbEndpointRegistry implements EndpointRegistry {
  private readonly table: EndpointTable;
  private readonly newSecret: () => string;
  private readonly retry: EndpointReadRetry;

  public constructor(options: DynamoDbEndpointRegistryOptions) {
    this.table = endpointTable(options.client, options.tableName);
    this.newSecret = options.newSecret;
    this.retry = { clock: options.clock ?? systemClock, random: options.random ?? Math.random, maxTries: options.maxTries ?? 5 };
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
      await this.table.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.table.tableName, Item: itemOfEndpoint(endpoint), ...notThere } },
            {
              Put: {
                TableName: this.table.tableName,
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
    return readEndpoint(this.table, endpointId, options);
  }

  public async list(filter: { readonly userId?: string; readonly limit: number; readonly cursor?: string }): Promise<EndpointPage> {
    return listEndpoints(this.table, filter, this.retry);
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
      await this.table.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.table.tableName,
                Key: endpointItemKey(endpointId),
                ConditionExpression: 'attribute_exists(#pk)',
                ExpressionAttributeNames: { '#pk': JOBS_TABLE.partitionKey },
              },
            },
            { Delete: { TableName: this.table.tableName, Key: endpointDirectoryKey(current.userId, endpointId) } },
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
        const { Attributes } = await this.table.doc.send(
          new UpdateCommand({
            TableName: this.table.tableName,
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
        if (tries >= this.retry.maxTries) throw new EndpointWriteConflictError(endpointId, operation, { cause: error });
        await this.retry.clock.sleep(collisionPauseMs(this.retry.random, tries));
        const old = oldItemOf(error);
        current = old === undefined ? await this.get(endpointId, { consistent: true }) : endpointOfItem(old);
      }
    }
    return undefined;
  }
}

/** Whether a transaction was cancelled because one of its conditions did not hold. */
function isTransactionConditionFailure(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: readonly { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.some((reason) => reason.Code === 'ConditionalCheckFailed');
}
