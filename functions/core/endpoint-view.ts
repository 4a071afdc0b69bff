import { CIRCUIT_STATE, type CircuitState, type Endpoint, type EndpointBody } from './endpoint';
import { signingSecrets } from './endpoint-secrets';
import type { FailureCategory } from './failure';

/** An endpoint as the admin routes show it (snake_case; no secret). */
export interface EndpointView {
  readonly endpoint_id: string;
  readonly user_id: string;
  readonly url: string;
  readonly description?: string;
  /** The partner whose jobs may name it; absent: inbound callbacks only. */
  readonly partner?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: EndpointBody;
  readonly enabled: boolean;
  readonly disabled_reason?: 'operator' | 'gone';
  /** Where the user's provider posts callbacks: `<api base>/webhook/<user_id>/<inbound_token>`. */
  readonly inbound_url: string;
  readonly circuit: {
    readonly state: CircuitState;
    readonly failure_threshold: number;
    readonly cooldown_seconds: number;
    readonly consecutive_failures: number;
    /** When the circuit last opened, ISO 8601. */
    readonly opened_at?: string;
    /** While open: when the cool-down ends and a probe may go, ISO 8601. */
    readonly retry_after?: string;
  };
  readonly last_failure?: { readonly at: string; readonly category: FailureCategory; readonly message: string; readonly status?: number };
  readonly counts: { readonly failures: number; readonly circuit_opens: number };
  /** How many secrets sign each delivery now: 2 while a rotated-out one overlaps the current one. */
  readonly secrets_signing: number;
  /** While a rotated-out secret still signs: when the last of them stops, ISO 8601. */
  readonly previous_secret_expires_at?: string;
  readonly created_at: string;
  readonly updated_at: string;
}

/** {@link EndpointView} with the current signing secret, for the routes that show one endpoint. */
export interface EndpointViewWithSecret extends EndpointView {
  /** The current `whsec_` secret. */
  readonly secret: string;
}

/** What a view needs besides the endpoint. */
export interface EndpointViewContext {
  /** The API's base URL, without a trailing slash (e.g. `https://<api>/<stage>`). */
  readonly inboundBase: string;
  /** For which secrets still sign. */
  readonly now: Date;
}

/**
 * The admin view of an endpoint. The inbound URL is built from the base the
 * request came in on, so it is right for the deployed API and the local cloud
 * alike.
 *
 * @example
 * endpointView(endpoint, { inboundBase: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod', now: new Date() });
 */
export function endpointView(endpoint: Endpoint, context: EndpointViewContext): EndpointView {
  const { circuit, lastFailure } = endpoint;
  const signing = signingSecrets(endpoint.secrets, context.now);
  const previousExpiries = signing.flatMap((secret) => (secret.expiresAt === undefined ? [] : [secret.expiresAt])).sort();
  const lastExpiry = previousExpiries.at(-1);
  const openedAt = circuit.openedAtMs === undefined ? undefined : new Date(circuit.openedAtMs).toISOString();
  const retryAfter =
    circuit.state === CIRCUIT_STATE.open && circuit.openedAtMs !== undefined
      ? new Date(circuit.openedAtMs + circuit.cooldownSeconds * 1000).toISOString()
      : undefined;
  return {
    endpoint_id: endpoint.endpointId,
    user_id: endpoint.userId,
    url: endpoint.url,
    ...(endpoint.description === undefined ? {} : { description: endpoint.description }),
    ...(endpoint.partner === undefined ? {} : { partner: endpoint.partner }),
    headers: { ...endpoint.headers },
    body: endpoint.body,
    enabled: endpoint.enabled,
    ...(endpoint.disabledReason === undefined ? {} : { disabled_reason: endpoint.disabledReason }),
    inbound_url: `${context.inboundBase}/webhook/${encodeURIComponent(endpoint.userId)}/${encodeURIComponent(endpoint.inboundToken)}`,
    circuit: {
      state: circuit.state,
      failure_threshold: circuit.failureThreshold,
      cooldown_seconds: circuit.cooldownSeconds,
      consecutive_failures: circuit.consecutiveFailures,
      ...(openedAt === undefined ? {} : { opened_at: openedAt }),
      ...(retryAfter === undefined ? {} : { retry_after: retryAfter }),
    },
    ...(lastFailure === undefined
      ? {}
      : {
          last_failure: {
            at: lastFailure.at,
            category: lastFailure.category,
            message: lastFailure.message,
            ...(lastFailure.status === undefined ? {} : { status: lastFailure.status }),
          },
        }),
    counts: { failures: endpoint.counts.failures, circuit_opens: endpoint.counts.circuitOpens },
    secrets_signing: signing.length,
    ...(lastExpiry === undefined ? {} : { previous_secret_expires_at: lastExpiry }),
    created_at: endpoint.createdAt,
    updated_at: endpoint.updatedAt,
  };
}

/**
 * {@link endpointView} with the current secret: for a registration, one
 * endpoint's page and a secret rotation, never for listings.
 */
export function endpointViewWithSecret(endpoint: Endpoint, context: EndpointViewContext): EndpointViewWithSecret {
  return { ...endpointView(endpoint, context), secret: endpoint.secrets[0]?.secret ?? '' };
}
