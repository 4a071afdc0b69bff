import { createHash, randomBytes } from 'node:crypto';
import type { APIGatewayEventIdentity, APIGatewayProxyEvent } from 'aws-lambda';
import type { RouteMatch } from './api-routes';

/** Who called, as API Gateway records it in `requestContext.identity`. */
export interface CallerIdentity {
  readonly sourceIp: string;
  /** The API key the request was admitted with. @default - none */
  readonly apiKey?: { readonly value: string; readonly id: string };
  /** The IAM principal whose signature was verified. @default - none */
  readonly iam?: { readonly accessKeyId: string; readonly userArn: string; readonly caller: string; readonly accountId: string };
}

/** Everything a Lambda proxy event (payload 1.0) is built from. */
export interface ProxyEventInput {
  readonly method: string;
  /** The path as sent, still percent-encoded, as REST APIs hand it on. */
  readonly path: string;
  readonly query: Record<string, string[]>;
  /** Node's `rawHeaders`: names as the client wrote them, alternating with values. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly match: RouteMatch;
  readonly stage: string;
  readonly accountId: string;
  readonly apiId: string;
  readonly requestId: string;
  readonly extendedRequestId: string;
  readonly requestTimeEpoch: number;
  readonly localPort: number;
  readonly identity: CallerIdentity;
  /** Content types passed base64-encoded; `*` wildcards allowed. @default - anything not text */
  readonly binaryMediaTypes?: readonly string[];
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * The event a REST API's Lambda proxy integration sends: headers and query in
 * single- and multi-value forms (null when there are none), path parameters
 * decoded, the path left as sent, `requestContext.path` with the stage in
 * front, the caller's key or IAM identity, and the body as text, or base64
 * for binary content. API Gateway's own forwarding headers are added.
 *
 * @example
 * const event = buildProxyEvent({ method: 'GET', path: '/health', query: {}, rawHeaders: ['Host', 'x'], body: Buffer.alloc(0), match, stage: 'prod', ...ids });
 */
export function buildProxyEvent(input: ProxyEventInput): APIGatewayProxyEvent {
  const multiValueHeaders = eventHeaders(input);
  const headers = Object.fromEntries(Object.entries(multiValueHeaders).map(([name, values]) => [name, values.at(-1)]));
  const hasQuery = Object.keys(input.query).length > 0;
  const binary = isBinary(headerValue(multiValueHeaders, 'content-type'), input.binaryMediaTypes);
  const route = input.match.route;
  return {
    resource: route.resourcePath,
    path: input.path,
    httpMethod: input.method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? Object.fromEntries(Object.entries(input.query).map(([k, v]) => [k, v.at(-1)])) : null,
    multiValueQueryStringParameters: hasQuery ? input.query : null,
    pathParameters: input.match.pathParameters,
    stageVariables: null,
    requestContext: {
      resourceId: shortId(`${route.method} ${route.resourcePath}`, 6),
      resourcePath: route.resourcePath,
      httpMethod: input.method,
      extendedRequestId: input.extendedRequestId,
      requestTime: requestTime(input.requestTimeEpoch),
      path: `/${input.stage}${input.path}`,
      accountId: input.accountId,
      protocol: 'HTTP/1.1',
      stage: input.stage,
      domainPrefix: domainOf(multiValueHeaders).split('.')[0] ?? '',
      requestTimeEpoch: input.requestTimeEpoch,
      requestId: input.requestId,
      identity: identity(input.identity, headerValue(multiValueHeaders, 'user-agent')),
      domainName: domainOf(multiValueHeaders),
      apiId: input.apiId,
      authorizer: undefined,
    },
    body: input.body.length === 0 ? null : input.body.toString(binary ? 'base64' : 'utf8'),
    isBase64Encoded: input.body.length > 0 && binary,
  };
}

/** A stable id of `length` lower-case letters and digits, as API Gateway's resource and key ids look. */
export function shortId(seed: string, length: number): string {
  const digest = createHash('sha256').update(seed).digest();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...digest.subarray(0, length)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

/** An `X-Amzn-Trace-Id` root like the one API Gateway starts a trace with. */
export function traceId(epochMs: number): string {
  return `Root=1-${Math.floor(epochMs / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
}

function eventHeaders(input: ProxyEventInput): Record<string, string[]> {
  const byName = new Map<string, string[]>();
  const add = (name: string, value: string): void => {
    const existing = [...byName.keys()].find((known) => known.toLowerCase() === name.toLowerCase()) ?? name;
    byName.set(existing, [...(byName.get(existing) ?? []), value]);
  };
  for (let index = 0; index + 1 < input.rawHeaders.length; index += 2) {
    add(input.rawHeaders[index] ?? '', input.rawHeaders[index + 1] ?? '');
  }
  const forwarded = headerValue(Object.fromEntries(byName), 'x-forwarded-for');
  const setOnly = (name: string, value: string): void => {
    for (const known of byName.keys()) if (known.toLowerCase() === name.toLowerCase()) byName.delete(known);
    byName.set(name, [value]);
  };
  // API Gateway appends the caller to X-Forwarded-For and says how it was reached.
  setOnly('X-Forwarded-For', forwarded === undefined ? input.identity.sourceIp : `${forwarded}, ${input.identity.sourceIp}`);
  setOnly('X-Forwarded-Port', String(input.localPort));
  setOnly('X-Forwarded-Proto', 'http');
  if (headerValue(Object.fromEntries(byName), 'x-amzn-trace-id') === undefined) add('X-Amzn-Trace-Id', traceId(input.requestTimeEpoch));
  return Object.fromEntries(byName);
}

function headerValue(headers: Record<string, string[] | undefined>, lowerName: string): string | undefined {
  const name = Object.keys(headers).find((key) => key.toLowerCase() === lowerName);
  return name === undefined ? undefined : headers[name]?.at(-1);
}

function domainOf(headers: Record<string, string[]>): string {
  return (headerValue(headers, 'host') ?? '127.0.0.1').replace(/:\d+$/, '');
}

function identity(caller: CallerIdentity, userAgent: string | undefined): APIGatewayEventIdentity {
  return {
    cognitoIdentityPoolId: null,
    cognitoIdentityId: null,
    cognitoAuthenticationType: null,
    cognitoAuthenticationProvider: null,
    principalOrgId: null,
    clientCert: null,
    sourceIp: caller.sourceIp,
    userAgent: userAgent ?? null,
    apiKey: caller.apiKey?.value ?? null,
    apiKeyId: caller.apiKey?.id ?? null,
    accessKey: caller.iam?.accessKeyId ?? null,
    accountId: caller.iam?.accountId ?? null,
    caller: caller.iam?.caller ?? null,
    user: caller.iam?.caller ?? null,
    userArn: caller.iam?.userArn ?? null,
  };
}

/** `09/Apr/2015:12:34:56 +0000`, API Gateway's `requestTime`. */
function requestTime(epochMs: number): string {
  const date = new Date(epochMs);
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()] ?? ''}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

function isBinary(contentType: string | undefined, binaryMediaTypes: readonly string[] | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (binaryMediaTypes !== undefined) {
    return binaryMediaTypes.some((pattern) => {
      const [family, sub] = pattern.toLowerCase().split('/');
      const [typeFamily, typeSub] = type.split('/');
      return (family === '*' || family === typeFamily) && (sub === '*' || sub === typeSub);
    });
  }
  if (type === '') return false;
  return !(
    type.startsWith('text/') ||
    /^application\/([\w.+-]+\+)?(json|xml)$/.test(type) ||
    ['application/x-www-form-urlencoded', 'application/javascript', 'application/graphql'].includes(type)
  );
}
