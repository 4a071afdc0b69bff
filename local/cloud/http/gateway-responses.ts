/**
 * API Gateway's gateway responses: what a REST API answers when it refuses a
 * request itself. Each refusal has a response type; a stage may customize a
 * type (status, headers, body template), and a type it leaves alone falls back
 * to its `DEFAULT_4XX` or `DEFAULT_5XX` customization, or else to API
 * Gateway's own body.
 */

/** The response types the local gateway produces, as API Gateway names them. */
export const GATEWAY_RESPONSE_TYPE = {
  accessDenied: 'ACCESS_DENIED',
  apiConfigurationError: 'API_CONFIGURATION_ERROR',
  badRequestBody: 'BAD_REQUEST_BODY',
  default4xx: 'DEFAULT_4XX',
  default5xx: 'DEFAULT_5XX',
  expiredToken: 'EXPIRED_TOKEN',
  integrationFailure: 'INTEGRATION_FAILURE',
  integrationTimeout: 'INTEGRATION_TIMEOUT',
  invalidApiKey: 'INVALID_API_KEY',
  invalidSignature: 'INVALID_SIGNATURE',
  missingAuthenticationToken: 'MISSING_AUTHENTICATION_TOKEN',
  quotaExceeded: 'QUOTA_EXCEEDED',
  requestTooLarge: 'REQUEST_TOO_LARGE',
  throttled: 'THROTTLED',
} as const;

/** A gateway response type name, e.g. `INVALID_API_KEY` (any string the template names). */
export type GatewayResponseType = string;

/** A stage's customization of one response type (`AWS::ApiGateway::GatewayResponse`). */
export interface GatewayResponseSpec {
  readonly type: GatewayResponseType;
  /** @default - the refusal's own status */
  readonly statusCode?: number;
  /** Body templates by content type. @default - API Gateway's own body */
  readonly templates?: Readonly<Record<string, string>>;
  /** `gatewayresponse.header.<name>` → its source: a `'literal'` or `method.request.header.<name>`. @default - none */
  readonly headers?: Readonly<Record<string, string>>;
}

/** One refusal the gateway makes, before any customization. */
export interface Refusal {
  readonly type: GatewayResponseType;
  readonly status: number;
  /** `$context.error.message`. */
  readonly message: string;
  /** `x-amzn-ErrorType`, kept whatever the customization. */
  readonly errorType: string;
  /** API Gateway's own body, byte for byte (some have a space after the colon). @default - `{"message":<message>}` */
  readonly defaultBody?: string;
  /** `$context.error.validationErrorString`. @default - empty */
  readonly validationErrorString?: string;
}

/** API Gateway's own refusals with fixed messages, as it sends them when nothing is customized. */
export const REFUSALS = {
  missingToken: {
    type: GATEWAY_RESPONSE_TYPE.missingAuthenticationToken,
    status: 403,
    message: 'Missing Authentication Token',
    errorType: 'MissingAuthenticationTokenException',
    defaultBody: '{"message":"Missing Authentication Token"}',
  },
  invalidApiKey: { type: GATEWAY_RESPONSE_TYPE.invalidApiKey, status: 403, message: 'Forbidden', errorType: 'ForbiddenException', defaultBody: '{"message":"Forbidden"}' },
  throttled: { type: GATEWAY_RESPONSE_TYPE.throttled, status: 429, message: 'Too Many Requests', errorType: 'TooManyRequestsException', defaultBody: '{"message":"Too Many Requests"}' },
  quota: { type: GATEWAY_RESPONSE_TYPE.quotaExceeded, status: 429, message: 'Limit Exceeded', errorType: 'LimitExceededException', defaultBody: '{"message":"Limit Exceeded"}' },
  bodyOverGatewayLimit: {
    type: GATEWAY_RESPONSE_TYPE.requestTooLarge,
    status: 413,
    message: 'Request Too Long',
    errorType: 'RequestTooLongException',
    defaultBody: '{"message":"Request Too Long"}',
  },
  // What a deployed REST API answers when Lambda refuses the proxy event as too large (a body of 6 to 10 MB).
  eventOverLambdaLimit: {
    type: GATEWAY_RESPONSE_TYPE.requestTooLarge,
    status: 413,
    message: 'Request Too Long',
    errorType: 'BadRequestException',
    defaultBody: '{"message": "Request Too Long"}',
  },
  integrationFailure: {
    type: GATEWAY_RESPONSE_TYPE.integrationFailure,
    status: 502,
    message: 'Internal server error',
    errorType: 'InternalServerErrorException',
    defaultBody: '{"message": "Internal server error"}',
  },
  malformedResponse: {
    type: GATEWAY_RESPONSE_TYPE.apiConfigurationError,
    status: 502,
    message: 'Internal server error',
    errorType: 'InternalServerErrorException',
    defaultBody: '{"message": "Internal server error"}',
  },
  timeout: {
    type: GATEWAY_RESPONSE_TYPE.integrationTimeout,
    status: 504,
    message: 'Endpoint request timed out',
    errorType: 'IntegrationTimeout',
    defaultBody: '{"message": "Endpoint request timed out"}',
  },
} as const satisfies Record<string, Refusal>;

/** The request a refusal answers, for the template's `$context` and `method.request` variables. */
export interface RefusalContext {
  /** `$context.*` values by name, e.g. `requestId`, `stage`, `httpMethod`. */
  readonly context: Readonly<Record<string, string>>;
  /** The request's headers (Node's lower-case names). */
  readonly requestHeaders: Readonly<Record<string, string | string[] | undefined>>;
}

/** A refusal as the client gets it. */
export interface RenderedRefusal {
  readonly status: number;
  readonly headers: Record<string, string[]>;
  readonly body: Buffer;
}

/**
 * Answers a refusal as the stage would: the type's own customization, else the
 * `DEFAULT_4XX`/`DEFAULT_5XX` one of its status class, else API Gateway's own
 * body. A customization's status code wins over the refusal's; a default's
 * status code applies to every type that falls back to it. The body is the
 * JSON template (or the first) with `$context.error.message`,
 * `$context.error.messageString` (the message as a JSON string),
 * `$context.error.responseType`, `$context.error.validationErrorString` (escaped
 * for a JSON string, so a template may quote it) and
 * other `$context.*` values filled in.
 *
 * @example
 * renderRefusal(REFUSALS.invalidApiKey, new Map([['INVALID_API_KEY', { type: 'INVALID_API_KEY', templates: { 'application/json': '{"error":$context.error.messageString}' } }]]), ctx);
 */
export function renderRefusal(refusal: Refusal, responses: ReadonlyMap<GatewayResponseType, GatewayResponseSpec>, request: RefusalContext): RenderedRefusal {
  const fallbackType = refusal.status >= 500 ? GATEWAY_RESPONSE_TYPE.default5xx : GATEWAY_RESPONSE_TYPE.default4xx;
  const spec = responses.get(refusal.type) ?? responses.get(fallbackType);
  const baseHeaders = { 'Content-Type': ['application/json'], 'x-amzn-ErrorType': [refusal.errorType] };
  if (spec === undefined) {
    const body = refusal.defaultBody ?? `{"message":${JSON.stringify(refusal.message)}}`;
    return { status: refusal.status, headers: baseHeaders, body: Buffer.from(body) };
  }
  const [contentType, template] = chooseTemplate(spec.templates);
  const variables: Record<string, string> = {
    ...request.context,
    'error.message': refusal.message,
    'error.messageString': JSON.stringify(refusal.message),
    'error.responseType': refusal.type,
    // Escaped for a JSON string, as API Gateway fills it: the usual template quotes it,
    // '{"message":"$context.error.validationErrorString"}', and its problems quote field names.
    'error.validationErrorString': jsonStringContent(refusal.validationErrorString ?? ''),
  };
  const body = template === undefined ? `{"message":${JSON.stringify(refusal.message)}}` : renderTemplate(template, variables);
  const headers: Record<string, string[]> = { ...baseHeaders, 'Content-Type': [contentType] };
  for (const [name, source] of Object.entries(spec.headers ?? {})) {
    const value = headerValueOf(source, request.requestHeaders);
    if (value !== undefined) headers[name] = [value];
  }
  return { status: spec.statusCode ?? refusal.status, headers, body: Buffer.from(body) };
}

/** `text` escaped as the inside of a JSON string (quotes, backslashes, control characters), without the quotes. */
function jsonStringContent(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/** Fills `$context.x` and `${context.x}` references; one the request does not have renders empty. */
export function renderTemplate(template: string, variables: Readonly<Record<string, string>>): string {
  return template.replace(/\$\{context\.([A-Za-z0-9_.]+)\}|\$context\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)/g, (_match, braced?: string, bare?: string) => {
    const name = braced ?? bare ?? '';
    return variables[name] ?? '';
  });
}

function chooseTemplate(templates: GatewayResponseSpec['templates']): [string, string | undefined] {
  const entries = Object.entries(templates ?? {});
  const json = entries.find(([type]) => type.toLowerCase() === 'application/json');
  const chosen = json ?? entries[0];
  return chosen === undefined ? ['application/json', undefined] : chosen;
}

/** A header's value from its mapping: `'static'` or `method.request.header.Name`; other sources are not emulated. */
function headerValueOf(source: string, requestHeaders: RefusalContext['requestHeaders']): string | undefined {
  const literal = /^'(.*)'$/s.exec(source);
  if (literal) return literal[1];
  const fromHeader = /^method\.request\.header\.(.+)$/.exec(source);
  if (!fromHeader) return undefined;
  const value = requestHeaders[(fromHeader[1] ?? '').toLowerCase()];
  return Array.isArray(value) ? value.at(-1) : value;
}
