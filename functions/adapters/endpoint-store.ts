import type { CircuitSettings, CircuitStatus, Endpoint, EndpointBody, EndpointFailure } from '../core/endpoint';

/**
 * Where the endpoint registry lives in the jobs table. The endpoint's own item
 * (`ENDPOINT#<id>` / `STATE`) holds everything, breaker state included, so a
 * delivery reads one item and the breaker's writes spread over partitions.
 * A small directory entry per endpoint (`ENDPOINTS` / `<user_id>#<endpoint_id>`)
 * lets the admin routes list every endpoint, or one user's, with one query;
 * only registrations and removals write it.
 */
export const ENDPOINT_KEY = {
  itemPrefix: 'ENDPOINT#',
  itemSortKey: 'STATE',
  directoryPartition: 'ENDPOINTS',
} as const;

/**
 * The endpoint item's attribute names, shared by the registry (which writes
 * registrations) and the breaker (which writes circuit state).
 */
export const ENDPOINT_ATTRIBUTE = {
  endpointId: 'endpoint_id',
  userId: 'user_id',
  url: 'url',
  description: 'description',
  partner: 'partner',
  headers: 'headers',
  body: 'body',
  enabled: 'enabled',
  disabledReason: 'disabled_reason',
  /** List of `{ secret, expires_at? }`, the current one first. */
  secrets: 'secrets',
  inboundToken: 'inbound_token',
  failureThreshold: 'failure_threshold',
  cooldownSeconds: 'cooldown_seconds',
  circuitState: 'circuit_state',
  consecutiveFailures: 'consecutive_failures',
  openedAtMs: 'opened_at_ms',
  probeUntilMs: 'probe_until_ms',
  /** Map `{ at, category, message, status? }`. */
  lastFailure: 'last_failure',
  failureCount: 'failure_count',
  openCount: 'open_count',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  version: 'version',
} as const;

/** What a registration gives. */
export interface NewEndpoint {
  readonly userId: string;
  readonly url: string;
  readonly description?: string;
  /** The partner whose jobs may name it (see `Endpoint.partner`). */
  readonly partner?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: EndpointBody;
  readonly circuit?: Partial<CircuitSettings>;
  readonly now: Date;
}

/** What `PATCH /admin/endpoints/{id}` may change. */
export interface EndpointChange {
  readonly url?: string;
  readonly description?: string;
  /** A partner name sets the partner whose jobs may name it; `null` leaves it to inbound callbacks only. */
  readonly partner?: string | null;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: EndpointBody;
  /** `true` enables (and closes the circuit); `false` disables as an operator. */
  readonly enabled?: boolean;
  readonly circuit?: Partial<CircuitSettings>;
}

/** One page of endpoints. */
export interface EndpointPage {
  readonly endpoints: readonly Endpoint[];
  /** Pass back for the next page; absent on the last. */
  readonly cursor?: string;
}

/** The registry: registrations, changes, rotations. The admin routes use all of it; ingest and consumers only `get`. */
export interface EndpointRegistry {
  /** Registers an endpoint with a fresh id, secret and inbound token. */
  create(input: NewEndpoint): Promise<Endpoint>;
  /** One endpoint, or `undefined`. `consistent` reads the latest write. */
  get(endpointId: string, options?: { readonly consistent?: boolean }): Promise<Endpoint | undefined>;
  /** Every endpoint, or one user's, in user then id order. */
  list(filter: { readonly userId?: string; readonly limit: number; readonly cursor?: string }): Promise<EndpointPage>;
  /** Applies a change; `undefined` when there is no such endpoint. */
  update(endpointId: string, change: EndpointChange, now: Date): Promise<Endpoint | undefined>;
  /** Removes an endpoint and its directory entry; `false` when there was none. */
  remove(endpointId: string): Promise<boolean>;
  /** A new current secret; the old one signs beside it for `SECRET_OVERLAP_MS`. */
  rotateSecret(endpointId: string, now: Date): Promise<Endpoint | undefined>;
  /** A new inbound token; the old one stops working at once. */
  rotateToken(endpointId: string, now: Date): Promise<Endpoint | undefined>;
}

/**
 * The breaker's writes on an endpoint's item (see `core/circuit-breaker.ts`).
 * Each is a conditional write; a lost race is not an error.
 */
export interface EndpointCircuit {
  /** Takes the one half-open probe of an open circuit whose cool-down is over; `false` when another consumer took it. */
  takeProbe(endpoint: Endpoint, nowMs: number, probeLeaseMs: number): Promise<boolean>;
  /** A failed delivery: counts it; a retryable one also moves the breaker, opening the circuit at the threshold (or again, after a failed probe). Returns the new state. */
  recordFailure(endpoint: Endpoint, failure: EndpointFailure, nowMs: number): Promise<CircuitStatus>;
  /** A success: closes the circuit and clears the count. Callers skip it when the circuit is closed with no failures. */
  recordSuccess(endpoint: Endpoint, nowMs: number): Promise<void>;
  /** A `410 Gone`: disables the endpoint (`disabled_reason: gone`) and records the failure. */
  disableGone(endpoint: Endpoint, failure: EndpointFailure, nowMs: number): Promise<void>;
}
