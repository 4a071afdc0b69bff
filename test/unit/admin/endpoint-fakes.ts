import type { LookupAddress } from 'node:dns';
import type { EndpointChange, EndpointRegistry, NewEndpoint } from '../../../functions/adapters/endpoint-store';
import { CIRCUIT_STATE, DEFAULT_CIRCUIT, type Endpoint } from '../../../functions/core/endpoint';
import { newEndpointId, newInboundToken } from '../../../functions/core/endpoint-ids';
import { rotatedSecrets, signingSecrets } from '../../../functions/core/endpoint-secrets';
import type { TargetLookup } from '../../../functions/processors/target-guard';

/** The in-memory registry's extras: its endpoints, and an error the next write throws. */
export interface MemoryEndpointRegistry extends EndpointRegistry {
  readonly endpoints: Map<string, Endpoint>;
  /** Makes the next update or rotation throw `error` (e.g. a lost race). */
  failNextWrite(error: Error): void;
}

/**
 * An endpoint registry in memory, for route tests: the same semantics as the
 * DynamoDB one (which its integration tests pin down), kept simple. Secrets
 * are `whsec_test<n>`, numbered in the order they were made.
 */
export function memoryEndpointRegistry(): MemoryEndpointRegistry {
  const endpoints = new Map<string, Endpoint>();
  let secrets = 0;
  let failure: Error | undefined;
  const newSecret = () => {
    secrets += 1;
    return `whsec_test${secrets}`;
  };
  const write = (endpointId: string, now: Date, change: (current: Endpoint) => Endpoint): Endpoint | undefined => {
    if (failure !== undefined) {
      const error = failure;
      failure = undefined;
      throw error;
    }
    const current = endpoints.get(endpointId);
    if (current === undefined) return undefined;
    const next: Endpoint = { ...change({ ...current, secrets: signingSecrets(current.secrets, now) }), updatedAt: now.toISOString(), version: current.version + 1 };
    endpoints.set(endpointId, next);
    return next;
  };
  const changed = (current: Endpoint, change: EndpointChange): Endpoint => {
    const { disabledReason: _reason, ...withoutReason } = current;
    const start: Endpoint = change.enabled === true ? withoutReason : current;
    const circuit = { ...start.circuit, ...change.circuit };
    const next: Endpoint = {
      ...start,
      ...(change.url === undefined ? {} : { url: change.url }),
      ...(change.description === undefined ? {} : { description: change.description }),
      ...(change.headers === undefined ? {} : { headers: change.headers }),
      ...(change.body === undefined ? {} : { body: change.body }),
      circuit,
    };
    if (change.enabled === true) {
      return { ...next, enabled: true, circuit: { failureThreshold: circuit.failureThreshold, cooldownSeconds: circuit.cooldownSeconds, state: CIRCUIT_STATE.closed, consecutiveFailures: 0 } };
    }
    if (change.enabled === false && current.enabled) return { ...next, enabled: false, disabledReason: 'operator' };
    return next;
  };

  return {
    endpoints,
    failNextWrite: (error) => {
      failure = error;
    },
    create: async (input: NewEndpoint) => {
      const endpointId = newEndpointId();
      const at = input.now.toISOString();
      const endpoint: Endpoint = {
        endpointId,
        userId: input.userId,
        url: input.url,
        ...(input.description === undefined ? {} : { description: input.description }),
        headers: { ...input.headers },
        body: input.body ?? 'envelope',
        enabled: true,
        secrets: [{ secret: newSecret() }],
        inboundToken: newInboundToken(endpointId),
        circuit: { ...DEFAULT_CIRCUIT, ...input.circuit, state: CIRCUIT_STATE.closed, consecutiveFailures: 0 },
        counts: { failures: 0, circuitOpens: 0 },
        createdAt: at,
        updatedAt: at,
        version: 1,
      };
      endpoints.set(endpointId, endpoint);
      return endpoint;
    },
    get: async (endpointId) => endpoints.get(endpointId),
    list: async ({ userId, limit, cursor }) => {
      const sorted = [...endpoints.values()]
        .filter((endpoint) => userId === undefined || endpoint.userId === userId)
        .sort((a, b) => `${a.userId}#${a.endpointId}`.localeCompare(`${b.userId}#${b.endpointId}`));
      const start = cursor === undefined ? 0 : Number(cursor);
      const page = sorted.slice(start, start + limit);
      return start + limit < sorted.length ? { endpoints: page, cursor: String(start + limit) } : { endpoints: page };
    },
    update: async (endpointId, change, now) => write(endpointId, now, (current) => changed(current, change)),
    remove: async (endpointId) => endpoints.delete(endpointId),
    rotateSecret: async (endpointId, now) => {
      const fresh = newSecret();
      return write(endpointId, now, (current) => ({ ...current, secrets: rotatedSecrets(current.secrets, fresh, now) }));
    },
    rotateToken: async (endpointId, now) => write(endpointId, now, (current) => ({ ...current, inboundToken: newInboundToken(endpointId) })),
  };
}

/**
 * A resolver over a fixed table of names, for the target guard: a name not in
 * it resolves to a public documentation address; `undefined` makes it fail.
 */
export function fixedLookup(table: Record<string, readonly string[] | undefined> = {}): TargetLookup {
  return async (hostname) => {
    if (Object.hasOwn(table, hostname)) {
      const addresses = table[hostname];
      if (addresses === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      return addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
    }
    return [{ address: '203.0.113.10', family: 4 }];
  };
}

/** A registered endpoint: by default a fresh, enabled one of user `shop-42` with one secret and a closed circuit. */
export function anEndpoint(overrides: Partial<Endpoint> = {}): Endpoint {
  return {
    endpointId: 'ep_aaaaaaaaaaaaaaaaaaaa',
    userId: 'shop-42',
    url: 'https://app.example.com/hooks',
    headers: {},
    body: 'envelope',
    enabled: true,
    secrets: [{ secret: 'whsec_current' }],
    inboundToken: 'ep_aaaaaaaaaaaaaaaaaaaa.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    circuit: { ...DEFAULT_CIRCUIT, state: CIRCUIT_STATE.closed, consecutiveFailures: 0 },
    counts: { failures: 0, circuitOpens: 0 },
    createdAt: '2026-03-01T12:00:00.000Z',
    updatedAt: '2026-03-01T12:00:00.000Z',
    version: 1,
    ...overrides,
  };
}
