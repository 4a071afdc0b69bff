import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { systemClock, type Clock } from './clock';
import { listEndpoints } from './endpoint-listing';
import { endpointTable, readEndpoint } from './endpoint-read';
import type { EndpointRegistry } from './endpoint-store';

/** Where an endpoint reader reads. */
export interface EndpointReaderOptions {
  readonly client: DynamoDBClient;
  /** The jobs table: endpoints live beside the jobs under their own keys. */
  readonly tableName: string;
  /** @default systemClock - for the pause before asking again for keys left unprocessed */
  readonly clock?: Clock;
  /** @default Math.random - spreads those pauses */
  readonly random?: () => number;
  /** @default 5 - tries of a batch read before it fails */
  readonly maxTries?: number;
}

/**
 * The read side of the endpoint registry on DynamoDB, for the ingest: one
 * endpoint, or a user's. Registrations, changes and rotations (and the
 * secrets they make) are the admin function's (`dynamodb-endpoint-registry.ts`),
 * and not in the ingest's bundle.
 *
 * @example
 * const endpoints = endpointReader({ client: dynamodb, tableName: 'jobs' });
 * const endpoint = await endpoints.get('ep_123');
 */
export function endpointReader(options: EndpointReaderOptions): Pick<EndpointRegistry, 'get' | 'list'> {
  const table = endpointTable(options.client, options.tableName);
  const retry = { clock: options.clock ?? systemClock, random: options.random ?? Math.random, maxTries: options.maxTries ?? 5 };
  return {
    get: (endpointId, readOptions) => readEndpoint(table, endpointId, readOptions),
    list: (filter) => listEndpoints(table, filter, retry),
  };
}

/**
 * One endpoint by id, and nothing else: what a consumer reads of the
 * registry (through its cache, `endpoint-cache.ts`).
 *
 * @example
 * const registry = endpointGetter({ client: dynamodb, tableName: 'jobs' });
 * const endpoint = await registry.get('ep_123', { consistent: true });
 */
export function endpointGetter(options: Pick<EndpointReaderOptions, 'client' | 'tableName'>): Pick<EndpointRegistry, 'get'> {
  const table = endpointTable(options.client, options.tableName);
  return { get: (endpointId, readOptions) => readEndpoint(table, endpointId, readOptions) };
}
