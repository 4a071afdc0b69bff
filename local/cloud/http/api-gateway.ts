import { randomBytes, randomUUID } from 'node:crypto';
import { validateHeaderName, validateHeaderValue, type IncomingMessage, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID } from '../../local-aws';
import { RouteTable, type ApiRoute } from './api-routes';
import { listen, parseQuery, readBody, splitTarget, type RunningServer } from './http-server';
import { GATEWAY_RESPONSE_TYPE, REFUSALS, renderRefusal, type GatewayResponseSpec, type Refusal } from './gateway-responses';
import { buildProxyEvent, shortId, type CallerIdentity } from './proxy-event';
import { mapProxyResult } from './proxy-result';
import { checkRequestBody, validationErrorString } from './request-validation';
import { readSigV4AccessKeyId, verifySigV4, type SigV4ErrorType } from './sigv4';
import { UsagePlanGate, type MethodThrottles } from './usage-plans';
import type { QuotaPeriod } from './quota-period';

export type { ApiRoute } from './api-routes';

/** An API key of the stage and the usage plan it is in. */
export interface ApiKeyBinding {
  name: string;
  /** What callers send as `x-api-key`. */
  value: string;
  /** The plan the key is in. A key in no plan is refused (403), as API Gateway refuses it. @default - none */
  usagePlan?: { rateLimit?: number; burstLimit?: number; quota?: { limit: number; period: QuotaPeriod; offset?: number } };
  /** The key's id, `requestContext.identity.apiKeyId`. @default - derived from the name */
  id?: string;
  /** A disabled key is refused (403). @default true */
  enabled?: boolean;
}

/** Credentials whose SigV4 signatures `AWS_IAM` methods accept. */
export interface IamCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** When set, requests must carry it as `x-amz-security-token`. @default - none */
  sessionToken?: string;
  /** `requestContext.identity.userArn`. @default - `arn:aws:iam::<accountId>:user/<accessKeyId>` */
  userArn?: string;
}

/** One REST API stage to serve. */
export interface ApiGatewayOptions {
  port: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** The stage name: in `requestContext.stage` and `requestContext.path`, not in the URL (routes are served at the root). */
  stage: string;
  routes: ApiRoute[];
  apiKeys: ApiKeyBinding[];
  /** The stage's method throttling: a default each method gets for itself, and per-method overrides. @default - none */
  methodThrottles?: MethodThrottles;
  /** The stage's gateway responses: how its own refusals are answered. @default - API Gateway's own bodies */
  gatewayResponses?: readonly GatewayResponseSpec[];
  iamCredentials: IamCredentials[];
  /** The region SigV4 signatures must be scoped to. */
  region: string;
  /** Invokes a function with the proxy event and returns its result. */
  invoke: (functionName: string, event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
  /** Receives one line per request. @default - no logging */
  log?: (line: string) => void;
  /** `requestContext.accountId`. @default LOCAL_ACCOUNT_ID */
  accountId?: string;
  /** `requestContext.apiId`. @default - derived from the stage and port */
  apiId?: string;
  /** Content types passed to functions base64-encoded. @default - every type that is not text */
  binaryMediaTypes?: string[];
  /** How long a function may take before the caller gets a 504. @default 29000 (API Gateway's limit) */
  integrationTimeoutMs?: number;
  /**
   * Told of each request API Gateway bills. AWS bills REST API requests that
   * pass authorization, the API key and the usage plan's throttle and quota,
   * whatever follows (a body the request model refuses, a failing or timed-out
   * integration); it does not bill requests for no resource, refused for
   * IAM or the key, or throttled. @default - not metered
   */
  onBilledRequest?: () => void;
}

/** The running stage: `url` has no stage prefix. */
export type ApiGateway = RunningServer;

/** API Gateway's payload limit for REST APIs. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const DEFAULT_INTEGRATION_TIMEOUT_MS = 29_000;

/**
 * The response type of each SigV4 refusal. A malformed Authorization header
 * is answered like a missing one: on a deployed API, the `Missing
 * Authentication Token` customization is what changes that answer.
 */
const SIGV4_RESPONSE_TYPE: Record<SigV4ErrorType, string> = {
  MissingAuthenticationTokenException: GATEWAY_RESPONSE_TYPE.missingAuthenticationToken,
  IncompleteSignatureException: GATEWAY_RESPONSE_TYPE.missingAuthenticationToken,
  InvalidSignatureException: GATEWAY_RESPONSE_TYPE.invalidSignature,
  UnrecognizedClientException: GATEWAY_RESPONSE_TYPE.invalidSignature,
};

/**
 * Serves a REST API stage as API Gateway does: resources matched by path and
 * method, `AWS_IAM` methods checked by SigV4, API keys and usage plans
 * (throttle and quota), method throttling (each method its own bucket),
 * request bodies checked against the method's models, Lambda proxy events in
 * and proxy results out, and each refusal answered with the stage's gateway
 * response for its type (or API Gateway's own body). Routes are served at the
 * root (`url` has no `/<stage>`), while events carry the stage as a deployed
 * API's do.
 *
 * @example
 * const api = await startApiGateway({ port: 3000, stage: 'prod', routes, apiKeys, iamCredentials, region: 'us-east-1', invoke });
 * await fetch(`${api.url}/health`);
 * await api.stop();
 */
export async function startApiGateway(options: ApiGatewayOptions): Promise<ApiGateway> {
  const routes = new RouteTable(options.routes);
  const keys = new Map(options.apiKeys.map((key) => [key.value, key]));
  const plans = options.apiKeys.flatMap((key) => (key.usagePlan ? [{ ...key.usagePlan, name: key.name, apiKeyValues: [key.value] }] : []));
  const gate = new UsagePlanGate(plans, options.methodThrottles);
  const gatewayResponses = new Map((options.gatewayResponses ?? []).map((spec) => [spec.type, spec]));
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
  let apiId = options.apiId ?? '';
  const log = options.log ?? (() => undefined);

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const started = Date.now();
    const requestId = randomUUID();
    const apigwId = randomBytes(11).toString('base64');
    const method = (request.method ?? 'GET').toUpperCase();
    const { path, rawQuery } = splitTarget(request.url);
    const done = (status: number, detail: string): void => log(`${method} ${path} ${status} ${Date.now() - started}ms ${detail}`);
    let resourcePath = '';
    const refuse = (refusal: Refusal, detail: string): void => {
      const context = { requestId, extendedRequestId: apigwId, stage: options.stage, httpMethod: method, path: `/${options.stage}${path}`, resourcePath, accountId, apiId };
      const answer = renderRefusal(refusal, gatewayResponses, { context, requestHeaders: request.headers });
      writeResponse(response, answer.status, answer.headers, answer.body, requestId, apigwId);
      done(answer.status, `${detail} [${refusal.type}]`);
    };

    const body = await readBody(request, MAX_BODY_BYTES);
    if (body === 'too-large') return refuse(REFUSALS.bodyOverGatewayLimit, `body over ${MAX_BODY_BYTES} bytes`);
    const query = parseQuery(rawQuery);
    const match = routes.match(method, path);
    if (match === undefined) return refuse(REFUSALS.missingToken, 'no such resource or method');
    const { route } = match;
    resourcePath = route.resourcePath;

    let iam: CallerIdentity['iam'];
    if (route.authorization === 'AWS_IAM') {
      const signed = { method, path, query, headers: request.headers, body };
      const claimed = readSigV4AccessKeyId(signed);
      // An unknown key still goes through the verifier, which says so in API Gateway's words.
      const credentials = options.iamCredentials.find((candidate) => candidate.accessKeyId === claimed) ?? { accessKeyId: '', secretAccessKey: '' };
      const verdict = verifySigV4(signed, credentials, { region: options.region, service: 'execute-api', now: new Date(started) });
      if (!verdict.ok) {
        const errorType = verdict.errorType ?? 'AccessDeniedException';
        const type = verdict.errorType === undefined ? GATEWAY_RESPONSE_TYPE.accessDenied : SIGV4_RESPONSE_TYPE[verdict.errorType];
        return refuse({ type, status: 403, message: verdict.message, errorType }, `IAM refused: ${errorType}`);
      }
      const userArn = 'userArn' in credentials && credentials.userArn ? credentials.userArn : `arn:aws:iam::${accountId}:user/${credentials.accessKeyId}`;
      iam = { accessKeyId: credentials.accessKeyId, userArn, caller: credentials.accessKeyId, accountId: userArn.split(':')[4] || accountId };
    }

    let apiKey: ApiKeyBinding | undefined;
    if (route.apiKeyRequired) {
      const sent = lastValue(request.headers['x-api-key']);
      apiKey = sent === undefined ? undefined : keys.get(sent);
      if (apiKey === undefined || apiKey.enabled === false || apiKey.usagePlan === undefined) {
        const why = sent === undefined ? 'no API key' : apiKey === undefined ? 'unknown API key' : apiKey.enabled === false ? `API key ${apiKey.name} disabled` : `API key ${apiKey.name} is in no usage plan`;
        return refuse(REFUSALS.invalidApiKey, why);
      }
    }

    const admission = gate.admit(apiKey?.value, started, { resourcePath: route.resourcePath, httpMethod: route.method });
    if (admission === 'throttled') return refuse(REFUSALS.throttled, `throttled${apiKey ? ` (key ${apiKey.name})` : ''}`);
    if (admission === 'quota') return refuse(REFUSALS.quota, `quota used up (key ${apiKey?.name ?? '-'})`);
    options.onBilledRequest?.();

    const problems = route.requestModels === undefined ? undefined : checkRequestBody(route.requestModels, lastValue(request.headers['content-type']), body);
    if (problems !== undefined && problems.length > 0) {
      const refusal: Refusal = {
        type: GATEWAY_RESPONSE_TYPE.badRequestBody,
        status: 400,
        message: 'Invalid request body',
        errorType: 'BadRequestException',
        defaultBody: '{"message": "Invalid request body"}',
        validationErrorString: validationErrorString(problems),
      };
      return refuse(refusal, `body refused by the request model: ${problems.length} problem(s)`);
    }

    const event = buildProxyEvent({
      method,
      path,
      query,
      rawHeaders: request.rawHeaders,
      body,
      match,
      stage: options.stage,
      accountId,
      apiId,
      requestId,
      extendedRequestId: apigwId,
      requestTimeEpoch: started,
      localPort: request.socket.localPort ?? 0,
      identity: {
        sourceIp: (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
        apiKey: apiKey ? { value: apiKey.value, id: apiKey.id ?? shortId(`key:${apiKey.name}`, 10) } : undefined,
        iam,
      },
      binaryMediaTypes: options.binaryMediaTypes,
    });
    const who = `fn=${route.functionName}${apiKey ? ` key=${apiKey.name}` : ''}${iam ? ` iam=${iam.accessKeyId}` : ''}`;
    const outcome = await invokeWithTimeout(options.invoke, route.functionName, event, options.integrationTimeoutMs ?? DEFAULT_INTEGRATION_TIMEOUT_MS);
    if (outcome === 'timeout') return refuse(REFUSALS.timeout, `${who} timed out`);
    // Lambda refuses an event over its 6 MB request payload before the function runs; API Gateway answers 413.
    if (outcome instanceof Error && outcome.name === 'RequestEntityTooLargeException') return refuse(REFUSALS.eventOverLambdaLimit, `${who}: ${outcome.message}`);
    if (outcome instanceof Error) return refuse(REFUSALS.integrationFailure, `${who} failed: ${outcome.message}`);
    const mapped = mapProxyResult(outcome.result);
    if (!mapped.ok) return refuse(REFUSALS.malformedResponse, `${who} ${mapped.reason}`);
    const traceHeader = Object.entries(event.headers).find(([name]) => name.toLowerCase() === 'x-amzn-trace-id')?.[1];
    const headers: Record<string, string[]> = { ...mapped.headers };
    if (traceHeader !== undefined && !hasHeader(headers, 'x-amzn-trace-id')) headers['X-Amzn-Trace-Id'] = [traceHeader];
    if (!hasHeader(headers, 'content-type')) headers['Content-Type'] = ['application/json'];
    try {
      writeResponse(response, mapped.statusCode, headers, mapped.body, requestId, apigwId);
    } catch (error) {
      // Node refuses header names or values HTTP forbids; API Gateway would not send them either.
      return refuse(REFUSALS.malformedResponse, `${who} returned an invalid header: ${error instanceof Error ? error.message : String(error)}`);
    }
    done(mapped.statusCode, who);
  };

  const server = await listen(handle, { port: options.port, host: options.host, name: `the API (stage ${options.stage})` });
  apiId ||= shortId(`api:${options.stage}:${server.port}`, 10);
  return server;
}

async function invokeWithTimeout(
  invoke: ApiGatewayOptions['invoke'],
  functionName: string,
  event: APIGatewayProxyEvent,
  timeoutMs: number,
): Promise<{ result: unknown } | Error | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const call = invoke(functionName, event).then(
    (result: unknown) => ({ result }),
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function writeResponse(response: ServerResponse, status: number, headers: Record<string, string[]>, body: Buffer, requestId: string, apigwId: string): void {
  const kept = Object.entries(headers).filter(([name]) => !['content-length', 'x-amzn-requestid', 'x-amz-apigw-id'].includes(name.toLowerCase()));
  // Check every header before setting any, so a refused one leaves the response clean for the 502.
  for (const [name, values] of kept) {
    validateHeaderName(name);
    for (const value of values) validateHeaderValue(name, value);
  }
  for (const [name, values] of kept) response.setHeader(name, values.length === 1 ? (values[0] ?? '') : values);
  // HTTP names are case-insensitive: one `x-amzn-RequestId` answers readers of `x-amzn-requestid` too.
  response.setHeader('x-amzn-RequestId', requestId);
  response.setHeader('x-amz-apigw-id', apigwId);
  response.setHeader('Content-Length', String(body.length));
  response.writeHead(status);
  response.end(body);
}

function hasHeader(headers: Record<string, string[]>, lowerName: string): boolean {
  return Object.keys(headers).some((name) => name.toLowerCase() === lowerName);
}

function lastValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.at(-1) : value;
}
