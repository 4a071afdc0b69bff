import type { FailureCategory } from './failure';

/**
 * Registered delivery endpoints (the webhook relay of seed 001): one user's
 * app, where that user's jobs and inbound callbacks are delivered. Each has
 * its own URL, static headers, body format, `whsec_` signing secret, inbound
 * token and circuit breaker. The registry's admin routes and the ops CLI
 * manage them; the consumer of a queue whose catalog entry has `endpoints`
 * delivers a job that names one to it.
 */

/** How an endpoint receives a job: our JSON envelope, or the original bytes. */
export const ENDPOINT_BODY = { envelope: 'envelope', raw: 'raw' } as const;

/** One of {@link ENDPOINT_BODY}. */
export type EndpointBody = (typeof ENDPOINT_BODY)[keyof typeof ENDPOINT_BODY];

/** A circuit breaker's states. */
export const CIRCUIT_STATE = { closed: 'closed', open: 'open', halfOpen: 'half_open' } as const;

/** One of {@link CIRCUIT_STATE}. */
export type CircuitState = (typeof CIRCUIT_STATE)[keyof typeof CIRCUIT_STATE];

/** The breaker's settings unless a registration gives them. */
export const DEFAULT_CIRCUIT = { failureThreshold: 5, cooldownSeconds: 30 } as const;

/** The bounds of the breaker's settings. */
export const CIRCUIT_BOUNDS = {
  failureThreshold: { min: 1, max: 100 },
  cooldownSeconds: { min: 1, max: 3600 },
} as const;

/** After a rotation the old secret keeps signing beside the new one this long. */
export const SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;

/** Endpoint ids: `ep_` and 20 characters of lowercase base32. */
export const ENDPOINT_ID_PATTERN = /^ep_[a-z2-7]{20}$/;

/** User ids: the relay's users, as their app names them. */
export const USER_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Inbound tokens: the endpoint's id, a dot, and 32 characters of base64url
 * (24 random bytes). The id lets the inbound route read one item; the random
 * part is the secret, compared in constant time.
 */
export const INBOUND_TOKEN_PATTERN = /^(ep_[a-z2-7]{20})\.[A-Za-z0-9_-]{32}$/;

/** At most this many static headers per endpoint. */
export const MAX_ENDPOINT_HEADERS = 20;

/** The endpoint id an inbound token names, or `undefined` for a malformed token. */
export function endpointIdOfToken(token: string): string | undefined {
  return INBOUND_TOKEN_PATTERN.exec(token)?.[1];
}

/** A signing secret, and until when it signs (the current one signs until replaced). */
export interface EndpointSecret {
  /** `whsec_<base64 key>`. */
  readonly secret: string;
  /** For a secret rotated out: when it stops signing, ISO 8601. */
  readonly expiresAt?: string;
}

/** The breaker's settings. */
export interface CircuitSettings {
  readonly failureThreshold: number;
  readonly cooldownSeconds: number;
}

/** The last failed delivery to an endpoint. */
export interface EndpointFailure {
  /** ISO 8601. */
  readonly at: string;
  readonly category: FailureCategory;
  /** Short, and never the target's response body. */
  readonly message: string;
  /** The HTTP status, when the endpoint answered. */
  readonly status?: number;
}

/** The breaker's state, as kept on the endpoint's item. */
export interface CircuitStatus {
  readonly state: CircuitState;
  /** Retryable failures in a row since the last success. */
  readonly consecutiveFailures: number;
  /** When the circuit last opened, epoch ms. */
  readonly openedAtMs?: number;
  /** While half-open: until when the one probe in flight holds the circuit, epoch ms. */
  readonly probeUntilMs?: number;
}

/** A registered endpoint. */
export interface Endpoint {
  readonly endpointId: string;
  readonly userId: string;
  readonly url: string;
  readonly description?: string;
  /**
   * The API-key partner whose jobs may name this endpoint (`endpoint_id` or
   * `user_id`). Without one, no partner's job can: only the endpoint's inbound
   * callbacks reach it. So one partner can never have a job signed and
   * delivered to another's user.
   */
  readonly partner?: string;
  /** Static headers sent with every delivery (e.g. an auth header of the user's app). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: EndpointBody;
  readonly enabled: boolean;
  /** Why it was disabled: `operator`, or `gone` (it answered 410). */
  readonly disabledReason?: 'operator' | 'gone';
  /** The current secret first; a rotated-out one follows until it expires. */
  readonly secrets: readonly EndpointSecret[];
  /** The inbound token (see {@link INBOUND_TOKEN_PATTERN}). */
  readonly inboundToken: string;
  readonly circuit: CircuitSettings & CircuitStatus;
  readonly lastFailure?: EndpointFailure;
  /** Failed deliveries (retryable or not) and times the circuit opened, since registration. */
  readonly counts: { readonly failures: number; readonly circuitOpens: number };
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Bumped by every write; conditional writes check it. */
  readonly version: number;
}
