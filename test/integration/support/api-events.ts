import type { APIGatewayProxyEvent } from 'aws-lambda';

interface ApiEventOptions {
  readonly method: string;
  readonly resource: string;
  readonly path: string;
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly body?: string | null;
  readonly headers?: Record<string, string>;
  /** The caller's API key id (`requestContext.identity.apiKeyId`). @default 'test-key-id' */
  readonly apiKeyId?: string;
}

/** A REST API (v1) proxy event, shaped as API Gateway sends it. */
export function apiEvent(options: ApiEventOptions): APIGatewayProxyEvent {
  const headers = { 'content-type': 'application/json', ...options.headers };
  return {
    resource: options.resource,
    path: options.path,
    httpMethod: options.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([key, value]) => [key, [value]])),
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: options.query
      ? Object.fromEntries(Object.entries(options.query).map(([key, value]) => [key, [value]]))
      : null,
    pathParameters: options.pathParameters ?? null,
    stageVariables: null,
    body: options.body ?? null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: options.method,
      identity: {
        accessKey: null, accountId: null, apiKey: 'test-key', apiKeyId: options.apiKeyId ?? 'test-key-id', caller: null, clientCert: null,
        cognitoAuthenticationProvider: null, cognitoAuthenticationType: null, cognitoIdentityId: null, cognitoIdentityPoolId: null,
        principalOrgId: null, sourceIp: '127.0.0.1', user: null, userAgent: 'test', userArn: null,
      },
      path: options.path,
      stage: 'test',
      requestId: crypto.randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'test',
      resourcePath: options.resource,
    },
  };
}

/** `POST /jobs/{queue}` with a body (an object is serialized; a string is sent as is). */
export function postJob(queue: string, body: unknown, headers: Record<string, string> = {}, apiKeyId?: string): APIGatewayProxyEvent {
  return apiEvent({
    method: 'POST', resource: '/jobs/{id}', path: `/jobs/${queue}`, pathParameters: { id: queue },
    body: typeof body === 'string' ? body : JSON.stringify(body), headers, apiKeyId,
  });
}

/** `POST /jobs/{queue}/batch`. */
export function postBatch(queue: string, jobs: unknown[]): APIGatewayProxyEvent {
  return apiEvent({
    method: 'POST', resource: '/jobs/{id}/batch', path: `/jobs/${queue}/batch`, pathParameters: { id: queue },
    body: JSON.stringify({ jobs }),
  });
}

/** `GET /jobs/{id}`, optionally with `?wait=N`, and as the partner of another key id. */
export function getJob(id: string, wait?: number, apiKeyId?: string): APIGatewayProxyEvent {
  return apiEvent({
    method: 'GET', resource: '/jobs/{id}', path: `/jobs/${id}`, pathParameters: { id },
    query: wait === undefined ? undefined : { wait: String(wait) }, apiKeyId,
  });
}

/** `DELETE /jobs/{id}`, optionally as the partner of another key id. */
export function deleteJob(id: string, apiKeyId?: string): APIGatewayProxyEvent {
  return apiEvent({ method: 'DELETE', resource: '/jobs/{id}', path: `/jobs/${id}`, pathParameters: { id }, apiKeyId });
}
