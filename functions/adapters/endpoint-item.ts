import * as z from '../core/validation';
import { CIRCUIT_STATE, ENDPOINT_BODY, type CircuitState, type Endpoint, type EndpointBody } from '../core/endpoint';
import { PipelineError } from '../core/errors';
import { FAILURE_CATEGORIES } from '../core/failure';
import { JOBS_TABLE } from '../core/table-schema';
import { ENDPOINT_ATTRIBUTE as A, ENDPOINT_KEY } from './endpoint-store';

const bodies = Object.values(ENDPOINT_BODY) as [EndpointBody, ...EndpointBody[]];
const circuitStates = Object.values(CIRCUIT_STATE) as [CircuitState, ...CircuitState[]];

/** One stored signing secret: `{ secret, expires_at? }`. */
const secretItemSchema = () => z.object({ secret: z.string().check(z.minLength(1)), expires_at: z.optional(z.string()) });

/**
 * An endpoint's item as read from the table. The breaker's attributes default
 * to a closed circuit with no failures: the registry does not write them at
 * registration, and the breaker writes them only once something failed. Built
 * on its first use: the consumers of queues without endpoints, which share
 * this bundle, never read an endpoint and do not build it at their cold start.
 */
const endpointItemSchema = /* @__PURE__ */ z.lazy(() =>
  z.object({
    [A.endpointId]: z.string().check(z.minLength(1)),
    [A.userId]: z.string().check(z.minLength(1)),
    [A.url]: z.string().check(z.minLength(1)),
    [A.description]: z.optional(z.string()),
    [A.partner]: z.optional(z.string()),
    [A.headers]: z._default(z.record(z.string(), z.string()), {}),
    [A.body]: z.enum(bodies),
    [A.enabled]: z.boolean(),
    [A.disabledReason]: z.optional(z.enum(['operator', 'gone'])),
    [A.secrets]: z.array(secretItemSchema()).check(z.minLength(1)),
    [A.inboundToken]: z.string().check(z.minLength(1)),
    [A.failureThreshold]: z.number().check(z.int(), z.positive()),
    [A.cooldownSeconds]: z.number().check(z.int(), z.positive()),
    [A.circuitState]: z._default(z.enum(circuitStates), CIRCUIT_STATE.closed),
    [A.consecutiveFailures]: z._default(z.number().check(z.int(), z.nonnegative()), 0),
    [A.openedAtMs]: z.optional(z.number()),
    [A.probeUntilMs]: z.optional(z.number()),
    [A.lastFailure]: z.optional(
      z.object({ at: z.string(), category: z.enum(FAILURE_CATEGORIES), message: z.string(), status: z.optional(z.number().check(z.int())) }),
    ),
    [A.failureCount]: z._default(z.number().check(z.int(), z.nonnegative()), 0),
    [A.openCount]: z._default(z.number().check(z.int(), z.nonnegative()), 0),
    [A.createdAt]: z.string(),
    [A.updatedAt]: z.string(),
    [A.version]: z.number().check(z.int(), z.nonnegative()),
  }),
);

/** The key of an endpoint's own item (`ENDPOINT#<id>` / `STATE`). */
export function endpointItemKey(endpointId: string): Record<string, string> {
  return { [JOBS_TABLE.partitionKey]: `${ENDPOINT_KEY.itemPrefix}${endpointId}`, [JOBS_TABLE.sortKey]: ENDPOINT_KEY.itemSortKey };
}

/** The key of an endpoint's directory entry (`ENDPOINTS` / `<user_id>#<endpoint_id>`). */
export function endpointDirectoryKey(userId: string, endpointId: string): Record<string, string> {
  return { [JOBS_TABLE.partitionKey]: ENDPOINT_KEY.directoryPartition, [JOBS_TABLE.sortKey]: `${userId}#${endpointId}` };
}

/**
 * The endpoint an item holds. A malformed item (hand-edited, half-migrated)
 * throws a `PipelineError` naming the broken attributes, never the secrets.
 *
 * @example
 * const endpoint = endpointOfItem(Item);
 */
export function endpointOfItem(item: Record<string, unknown>): Endpoint {
  const parsed = endpointItemSchema.safeParse(item);
  if (!parsed.success) {
    throw new PipelineError('endpoint item is malformed', {
      cause: parsed.error,
      context: { pk: item[JOBS_TABLE.partitionKey], issues: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.code}`) },
    });
  }
  const stored = parsed.data;
  const failure = stored[A.lastFailure];
  return {
    endpointId: stored[A.endpointId],
    userId: stored[A.userId],
    url: stored[A.url],
    ...(stored[A.description] === undefined ? {} : { description: stored[A.description] }),
    ...(stored[A.partner] === undefined ? {} : { partner: stored[A.partner] }),
    headers: stored[A.headers],
    body: stored[A.body],
    enabled: stored[A.enabled],
    ...(stored[A.disabledReason] === undefined ? {} : { disabledReason: stored[A.disabledReason] }),
    secrets: stored[A.secrets].map((secret) => (secret.expires_at === undefined ? { secret: secret.secret } : { secret: secret.secret, expiresAt: secret.expires_at })),
    inboundToken: stored[A.inboundToken],
    circuit: {
      failureThreshold: stored[A.failureThreshold],
      cooldownSeconds: stored[A.cooldownSeconds],
      state: stored[A.circuitState],
      consecutiveFailures: stored[A.consecutiveFailures],
      ...(stored[A.openedAtMs] === undefined ? {} : { openedAtMs: stored[A.openedAtMs] }),
      ...(stored[A.probeUntilMs] === undefined ? {} : { probeUntilMs: stored[A.probeUntilMs] }),
    },
    ...(failure === undefined
      ? {}
      : {
          lastFailure: {
            at: failure.at,
            category: failure.category,
            message: failure.message,
            ...(failure.status === undefined ? {} : { status: failure.status }),
          },
        }),
    counts: { failures: stored[A.failureCount], circuitOpens: stored[A.openCount] },
    createdAt: stored[A.createdAt],
    updatedAt: stored[A.updatedAt],
    version: stored[A.version],
  };
}

/** The stored form of an endpoint's secrets (`{ secret, expires_at? }`, the current one first). */
export function secretItemsOf(secrets: Endpoint['secrets']): { secret: string; expires_at?: string }[] {
  return secrets.map((secret) => (secret.expiresAt === undefined ? { secret: secret.secret } : { secret: secret.secret, expires_at: secret.expiresAt }));
}

/**
 * The whole item of a new endpoint, key included, as a registration writes it.
 * Optional attributes are left out rather than stored empty.
 */
export function itemOfEndpoint(endpoint: Endpoint): Record<string, unknown> {
  const failure = endpoint.lastFailure;
  return {
    ...endpointItemKey(endpoint.endpointId),
    [A.endpointId]: endpoint.endpointId,
    [A.userId]: endpoint.userId,
    [A.url]: endpoint.url,
    ...(endpoint.description === undefined ? {} : { [A.description]: endpoint.description }),
    ...(endpoint.partner === undefined ? {} : { [A.partner]: endpoint.partner }),
    [A.headers]: { ...endpoint.headers },
    [A.body]: endpoint.body,
    [A.enabled]: endpoint.enabled,
    ...(endpoint.disabledReason === undefined ? {} : { [A.disabledReason]: endpoint.disabledReason }),
    [A.secrets]: secretItemsOf(endpoint.secrets),
    [A.inboundToken]: endpoint.inboundToken,
    [A.failureThreshold]: endpoint.circuit.failureThreshold,
    [A.cooldownSeconds]: endpoint.circuit.cooldownSeconds,
    [A.circuitState]: endpoint.circuit.state,
    [A.consecutiveFailures]: endpoint.circuit.consecutiveFailures,
    ...(endpoint.circuit.openedAtMs === undefined ? {} : { [A.openedAtMs]: endpoint.circuit.openedAtMs }),
    ...(endpoint.circuit.probeUntilMs === undefined ? {} : { [A.probeUntilMs]: endpoint.circuit.probeUntilMs }),
    ...(failure === undefined ? {} : { [A.lastFailure]: { ...failure } }),
    [A.failureCount]: endpoint.counts.failures,
    [A.openCount]: endpoint.counts.circuitOpens,
    [A.createdAt]: endpoint.createdAt,
    [A.updatedAt]: endpoint.updatedAt,
    [A.version]: endpoint.version,
  };
}
