import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiGateway, type ApiGateway, type ApiGatewayOptions } from '../../../local/cloud/http/api-gateway';
import { httpCall, signedCall } from './http-call';

const admin = { accessKeyId: 'AKIDLOCALADMIN', secretAccessKey: 'local-admin-secret' };
const region = 'us-east-1';

/** What the fake functions saw and what they answer. */
const calls: { functionName: string; event: APIGatewayProxyEvent }[] = [];
const logLines: string[] = [];

const answers: Record<string, (event: APIGatewayProxyEvent) => Promise<unknown>> = {
  echo: async (event) => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, multiValueHeaders: { 'X-Seen': ['a', 'b'] }, body: JSON.stringify({ path: event.path }) }),
  accepted: async () => ({ statusCode: 202, body: '{"ok":true}' }),
  image: async () => ({ statusCode: 200, headers: { 'Content-Type': 'image/png' }, body: Buffer.from([137, 80, 78, 71]).toString('base64'), isBase64Encoded: true }),
  throws: async () => {
    throw new Error('boom');
  },
  garbage: async () => ({ statusCode: 200, body: { not: 'a string' } }),
  slow: () => new Promise((resolve) => setTimeout(() => resolve({ statusCode: 200, body: '' }), 500)),
};

function options(overrides: Partial<ApiGatewayOptions> = {}): ApiGatewayOptions {
  return {
    port: 0,
    stage: 'prod',
    region,
    iamCredentials: [admin],
    routes: [
      { method: 'POST', resourcePath: '/jobs/{queue}', authorization: 'NONE', apiKeyRequired: true, functionName: 'accepted' },
      { method: 'GET', resourcePath: '/jobs/{id}', authorization: 'NONE', apiKeyRequired: true, functionName: 'echo' },
      { method: 'GET', resourcePath: '/health', authorization: 'NONE', apiKeyRequired: false, functionName: 'echo' },
      { method: 'PUT', resourcePath: '/files/{name}', authorization: 'NONE', apiKeyRequired: false, functionName: 'image' },
      { method: 'GET', resourcePath: '/broken/throws', authorization: 'NONE', apiKeyRequired: false, functionName: 'throws' },
      { method: 'GET', resourcePath: '/broken/garbage', authorization: 'NONE', apiKeyRequired: false, functionName: 'garbage' },
      { method: 'GET', resourcePath: '/slow', authorization: 'NONE', apiKeyRequired: false, functionName: 'slow' },
      { method: 'ANY', resourcePath: '/admin/{proxy+}', authorization: 'AWS_IAM', apiKeyRequired: false, functionName: 'echo' },
    ],
    apiKeys: [
      { name: 'acme', value: 'acme-key-0123456789abcdef', usagePlan: { rateLimit: 100, burstLimit: 100 } },
      { name: 'tiny', value: 'tiny-key-0123456789abcdef', usagePlan: { rateLimit: 0.001, burstLimit: 2 } },
      { name: 'capped', value: 'capped-key-0123456789abcdef', usagePlan: { rateLimit: 100, burstLimit: 100, quota: { limit: 2, period: 'DAY' } } },
      { name: 'planless', value: 'planless-key-0123456789abcdef' },
    ],
    integrationTimeoutMs: 200,
    invoke: async (functionName, event) => {
      calls.push({ functionName, event });
      const answer = answers[functionName];
      if (answer === undefined) throw new Error(`no function ${functionName}`);
      return (await answer(event)) as APIGatewayProxyResult;
    },
    log: (line) => logLines.push(line),
    ...overrides,
  };
}

function lastEvent(): APIGatewayProxyEvent {
  const last = calls.at(-1);
  if (last === undefined) throw new Error('no function was invoked');
  return last.event;
}

describe('the local API Gateway stage', () => {
  let api: ApiGateway;
  beforeAll(async () => {
    api = await startApiGateway(options());
  });
  afterAll(() => api.stop());

  it('builds the Lambda proxy event of a REST API and maps the result back', async () => {
    const reply = await httpCall(`${api.url}/jobs/job%201?wait=10&tag=a&tag=b`, {
      headers: { 'x-api-key': 'acme-key-0123456789abcdef', 'User-Agent': 'test-agent', 'X-Multi': 'one' },
    });

    expect(reply.status).toBe(200);
    expect(reply.json()).toEqual({ path: '/jobs/job%201' });
    expect(reply.headers['x-seen']).toBe('a, b');
    expect(reply.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    const event = lastEvent();
    expect(event).toMatchObject({
      resource: '/jobs/{id}',
      path: '/jobs/job%201',
      httpMethod: 'GET',
      pathParameters: { id: 'job 1' },
      queryStringParameters: { wait: '10', tag: 'b' },
      multiValueQueryStringParameters: { wait: ['10'], tag: ['a', 'b'] },
      stageVariables: null,
      body: null,
      isBase64Encoded: false,
      headers: { 'User-Agent': 'test-agent', 'X-Multi': 'one', 'x-api-key': 'acme-key-0123456789abcdef', 'X-Forwarded-Proto': 'http' },
      multiValueHeaders: { 'X-Multi': ['one'] },
      requestContext: {
        resourcePath: '/jobs/{id}',
        httpMethod: 'GET',
        path: '/prod/jobs/job%201',
        stage: 'prod',
        accountId: '000000000000',
        requestId: reply.headers['x-amzn-requestid'],
        identity: { sourceIp: '127.0.0.1', apiKey: 'acme-key-0123456789abcdef', apiKeyId: expect.stringMatching(/^[a-z0-9]{10}$/), userAgent: 'test-agent', accessKey: null },
      },
    });
    expect(event.requestContext.requestTimeEpoch).toBeGreaterThan(Date.now() - 10_000);
    expect(event.headers['X-Amzn-Trace-Id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  });

  it('gives null query and path parameters when there are none, and defaults the content type', async () => {
    const reply = await httpCall(`${api.url}/health`);

    expect(reply.status).toBe(200);
    expect(lastEvent()).toMatchObject({ pathParameters: null, queryStringParameters: null, multiValueQueryStringParameters: null });
    expect((await httpCall(`${api.url}/jobs/q`, { method: 'POST', body: '{}', headers: { 'x-api-key': 'acme-key-0123456789abcdef' } })).headers['content-type']).toBe(
      'application/json',
    );
  });

  it('passes a binary body base64-encoded and decodes a base64 result', async () => {
    const bytes = Buffer.from([0, 1, 2, 255]);

    const reply = await httpCall(`${api.url}/files/a.bin`, { method: 'PUT', body: bytes, headers: { 'content-type': 'application/octet-stream' } });

    expect(lastEvent()).toMatchObject({ body: bytes.toString('base64'), isBase64Encoded: true });
    expect(reply.headers['content-type']).toBe('image/png');
    expect(reply.body).toEqual(Buffer.from([137, 80, 78, 71]));
  });

  it("answers unknown resources and methods with API Gateway's 403", async () => {
    const replies = await Promise.all([httpCall(`${api.url}/nowhere`), httpCall(`${api.url}/health`, { method: 'DELETE' })]);

    for (const reply of replies) {
      expect(reply.status).toBe(403);
      expect(reply.body.toString()).toBe('{"message":"Missing Authentication Token"}');
      expect(reply.headers['x-amzn-errortype']).toBe('MissingAuthenticationTokenException');
    }
  });

  it('refuses a missing, unknown or planless API key with 403 Forbidden', async () => {
    const keys = [undefined, 'not-a-key', 'planless-key-0123456789abcdef'];

    const replies = await Promise.all(
      keys.map((key) => httpCall(`${api.url}/jobs/email`, { method: 'POST', body: '{}', headers: key === undefined ? {} : { 'x-api-key': key } })),
    );

    expect(replies.map((reply) => [reply.status, reply.body.toString()])).toEqual(keys.map(() => [403, '{"message":"Forbidden"}']));
  });

  it('answers 429 Too Many Requests past the burst and 429 Limit Exceeded past the quota', async () => {
    const post = (key: string) => httpCall(`${api.url}/jobs/email`, { method: 'POST', body: '{}', headers: { 'x-api-key': key } });

    const throttled = [await post('tiny-key-0123456789abcdef'), await post('tiny-key-0123456789abcdef'), await post('tiny-key-0123456789abcdef')];
    const capped = [await post('capped-key-0123456789abcdef'), await post('capped-key-0123456789abcdef'), await post('capped-key-0123456789abcdef')];

    expect(throttled.map((reply) => [reply.status, reply.body.toString()])).toEqual([
      [202, '{"ok":true}'],
      [202, '{"ok":true}'],
      [429, '{"message":"Too Many Requests"}'],
    ]);
    expect(capped.map((reply) => [reply.status, reply.body.toString()])).toEqual([
      [202, '{"ok":true}'],
      [202, '{"ok":true}'],
      [429, '{"message":"Limit Exceeded"}'],
    ]);
  });

  it('lets a SigV4-signed admin request through with its IAM identity, the API key not needed', async () => {
    const reply = await signedCall(`${api.url}/admin/queues/email/redrive?dry=true`, { method: 'POST', body: '{"all":true}', headers: { 'content-type': 'application/json' } }, { credentials: admin, region });

    expect(reply.status).toBe(200);
    expect(lastEvent()).toMatchObject({
      resource: '/admin/{proxy+}',
      pathParameters: { proxy: 'queues/email/redrive' },
      body: '{"all":true}',
      requestContext: { identity: { accessKey: admin.accessKeyId, userArn: `arn:aws:iam::000000000000:user/${admin.accessKeyId}`, apiKey: null } },
    });
  });

  it("refuses unsigned, wrongly signed and unknown-key admin requests with API Gateway's messages", async () => {
    const url = `${api.url}/admin/queues`;

    const unsigned = await httpCall(url);
    const wrongSecret = await signedCall(url, {}, { credentials: { ...admin, secretAccessKey: 'guess' }, region });
    const unknownKey = await signedCall(url, {}, { credentials: { accessKeyId: 'AKIDSTRANGER', secretAccessKey: 'x' }, region });
    const partnerKey = await httpCall(url, { headers: { 'x-api-key': 'acme-key-0123456789abcdef' } });
    const stale = await signedCall(url, {}, { credentials: admin, region, signingDate: new Date(Date.now() - 10 * 60_000) });

    expect([unsigned.status, unsigned.json()]).toEqual([403, { message: 'Missing Authentication Token' }]);
    expect([wrongSecret.status, wrongSecret.json()]).toEqual([403, { message: expect.stringMatching(/^The request signature we calculated does not match/) }]);
    expect([unknownKey.status, unknownKey.json()]).toEqual([403, { message: 'The security token included in the request is invalid.' }]);
    expect(partnerKey.status).toBe(403);
    expect([stale.status, stale.json()]).toEqual([403, { message: expect.stringMatching(/^Signature expired: /) }]);
  });

  it("answers a function refused by Lambda's payload limit with API Gateway's 413", async () => {
    const api = await startApiGateway(
      options({
        invoke: async () => {
          throw Object.assign(new Error('Request must be smaller than 6291456 bytes for the InvokeFunction operation'), { name: 'RequestEntityTooLargeException' });
        },
      }),
    );
    try {
      const reply = await httpCall(`${api.url}/health`);

      expect([reply.status, reply.body.toString(), reply.headers['x-amzn-errortype']]).toEqual([413, '{"message": "Request Too Long"}', 'BadRequestException']);
    } finally {
      await api.stop();
    }
  });

  it('refuses a body over 10 MB with 413 before invoking anything', async () => {
    const before = calls.length;

    const reply = await httpCall(`${api.url}/health`, { body: Buffer.alloc(10 * 1024 * 1024 + 1, 97) });

    expect(reply.status).toBe(413);
    expect(calls.length).toBe(before);
  });

  it('answers 502 Internal server error for a function that throws or returns a malformed result, and 504 past the timeout', async () => {
    const replies = await Promise.all([httpCall(`${api.url}/broken/throws`), httpCall(`${api.url}/broken/garbage`), httpCall(`${api.url}/slow`)]);

    expect(replies.map((reply) => [reply.status, reply.body.toString()])).toEqual([
      [502, '{"message": "Internal server error"}'],
      [502, '{"message": "Internal server error"}'],
      [504, '{"message": "Endpoint request timed out"}'],
    ]);
  });

  it('logs one line per request, with no API key value in it', () => {
    expect(logLines.some((line) => /^GET \/jobs\/job%201 200 \d+ms fn=echo key=acme$/.test(line))).toBe(true);
    expect(logLines.some((line) => line.startsWith('GET /nowhere 403'))).toBe(true);
    expect(logLines.join('\n')).not.toContain('acme-key-0123456789abcdef');
  });
});

describe('method throttling', () => {
  it('throttles each method on its own from the stage default, callers with or without a key together', async () => {
    const api = await startApiGateway(options({ methodThrottles: { default: { rateLimit: 0.001, burstLimit: 2 } } }));
    try {
      const health = [await httpCall(`${api.url}/health`), await httpCall(`${api.url}/health`), await httpCall(`${api.url}/health`)];
      const post = (key?: string) => httpCall(`${api.url}/jobs/email`, { method: 'POST', body: '{}', headers: key === undefined ? {} : { 'x-api-key': key } });
      const posts = [await post('acme-key-0123456789abcdef'), await post('capped-key-0123456789abcdef'), await post('acme-key-0123456789abcdef')];

      // The health checks using up their method's burst left POST /jobs/{queue} its own.
      expect(health.map((reply) => reply.status)).toEqual([200, 200, 429]);
      expect(posts.map((reply) => reply.status)).toEqual([202, 202, 429]);
    } finally {
      await api.stop();
    }
  });

  it("applies a method's own settings over the default", async () => {
    const api = await startApiGateway(
      options({ methodThrottles: { default: { rateLimit: 1000, burstLimit: 1000 }, methods: [{ resourcePath: '/health', httpMethod: 'GET', rateLimit: 0.001, burstLimit: 1 }] } }),
    );
    try {
      const health = [await httpCall(`${api.url}/health`), await httpCall(`${api.url}/health`)];
      const jobs = [await httpCall(`${api.url}/jobs/a`, { headers: { 'x-api-key': 'acme-key-0123456789abcdef' } }), await httpCall(`${api.url}/jobs/b`, { headers: { 'x-api-key': 'acme-key-0123456789abcdef' } })];

      expect(health.map((reply) => [reply.status, reply.body.toString()])).toEqual([
        [200, '{"path":"/health"}'],
        [429, '{"message":"Too Many Requests"}'],
      ]);
      expect(jobs.map((reply) => reply.status)).toEqual([200, 200]);
    } finally {
      await api.stop();
    }
  });

  it('fails to start on a port in use, naming it', async () => {
    const api = await startApiGateway(options());
    try {
      await expect(startApiGateway(options({ port: api.port }))).rejects.toThrow(`cannot listen on 127.0.0.1:${api.port}: the port is in use`);
    } finally {
      await api.stop();
    }
  });
});
