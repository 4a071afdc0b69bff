import type { CircuitStatus, Endpoint } from '../core/endpoint';
import type { EndpointRegistry } from './endpoint-store';

/** How long a consumer trusts an endpoint it read (the registry's changes reach it within this). */
export const ENDPOINT_CACHE_TTL_MS = 2000;

/** At most this many endpoints are kept; the oldest read goes first. */
export const MAX_CACHED_ENDPOINTS = 1000;

/** What an {@link EndpointCache} needs. */
export interface EndpointCacheOptions {
  readonly registry: Pick<EndpointRegistry, 'get'>;
  /** @default {@link ENDPOINT_CACHE_TTL_MS} */
  readonly ttlMs?: number;
  /** Now, epoch ms. @default Date.now */
  readonly nowMs?: () => number;
}

interface Entry {
  readonly readAtMs: number;
  readonly endpoint: Promise<Endpoint | undefined>;
}

/**
 * The endpoints a warm consumer knows, read through the registry and kept a
 * few seconds, so a batch of jobs for one endpoint reads it once (reads of
 * one endpoint made at the same time share one call). An endpoint that does
 * not exist is remembered too. The breaker's writes hand their results back
 * ({@link updateCircuit}, {@link update}), so the consumer sees its own
 * changes at once and other consumers' within {@link ENDPOINT_CACHE_TTL_MS}.
 *
 * @example
 * const cache = new EndpointCache({ registry });
 * const endpoint = await cache.get('ep_abcdefghijklmnopqrst');
 */
export class EndpointCache {
  private readonly entries = new Map<string, Entry>();
  private readonly registry: Pick<EndpointRegistry, 'get'>;
  private readonly ttlMs: number;
  private readonly nowMs: () => number;

  public constructor(options: EndpointCacheOptions) {
    this.registry = options.registry;
    this.ttlMs = options.ttlMs ?? ENDPOINT_CACHE_TTL_MS;
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** The endpoint, from the cache while it is fresh, else read (eventually consistent). */
  public async get(endpointId: string): Promise<Endpoint | undefined> {
    const entry = this.entries.get(endpointId);
    if (entry !== undefined && this.nowMs() - entry.readAtMs < this.ttlMs) return entry.endpoint;
    return this.read(endpointId, false);
  }

  /** The endpoint as last written (a consistent read), kept for the next {@link get}s. */
  public async refresh(endpointId: string): Promise<Endpoint | undefined> {
    return this.read(endpointId, true);
  }

  /** The cached endpoint whatever its age, without a read; `undefined` when none is cached. */
  public peek(endpointId: string): Promise<Endpoint | undefined> | undefined {
    return this.entries.get(endpointId)?.endpoint;
  }

  /**
   * Puts a circuit state a breaker write returned on the cached endpoint. With
   * `merge`, the state put is the one `merge` picks from the cached and the
   * returned (writes of one consumer may return out of order).
   */
  public updateCircuit(endpointId: string, circuit: CircuitStatus, merge?: (known: CircuitStatus, written: CircuitStatus) => CircuitStatus): void {
    this.update(endpointId, (endpoint) => ({
      ...endpoint,
      circuit: {
        failureThreshold: endpoint.circuit.failureThreshold,
        cooldownSeconds: endpoint.circuit.cooldownSeconds,
        ...(merge === undefined ? circuit : merge(endpoint.circuit, circuit)),
      },
    }));
  }

  /** Changes the cached endpoint, if one is cached, keeping its age. */
  public update(endpointId: string, change: (endpoint: Endpoint) => Endpoint): void {
    const entry = this.entries.get(endpointId);
    if (entry === undefined) return;
    const changed = entry.endpoint.then((endpoint) => (endpoint === undefined ? undefined : change(endpoint)));
    // A read that fails is dropped by `read`; its changed copy must not fail unheard.
    changed.catch(() => undefined);
    this.entries.set(endpointId, { readAtMs: entry.readAtMs, endpoint: changed });
  }

  private async read(endpointId: string, consistent: boolean): Promise<Endpoint | undefined> {
    const endpoint = this.registry.get(endpointId, { consistent });
    const entry: Entry = { readAtMs: this.nowMs(), endpoint };
    this.entries.delete(endpointId);
    this.entries.set(endpointId, entry);
    if (this.entries.size > MAX_CACHED_ENDPOINTS) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    try {
      return await endpoint;
    } catch (error) {
      // A failed read is not remembered: the next job reads again.
      if (this.entries.get(endpointId) === entry) this.entries.delete(endpointId);
      throw error;
    }
  }
}
