import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiDefinition } from '../../../local/cloud/api-definition';
import type { ApiGateway } from '../../../local/cloud/http/api-gateway';
import { DATA_SCHEMAS } from '../../../functions/core/data-schemas';
import { FunctionHost } from '../../../local/cloud/lambda-host';
import { stackApiDefinition, stackTemplate, startStackGateway } from './stack-api';
import { httpCall } from './http-call';


/** What a body of `size` bytes that the job model accepts looks like. */
const jobBodyOf = (size: number): string => JSON.stringify({ data: 'x'.repeat(size - 11) });

const TOO_LARGE_MESSAGE =
  "the request is too large: a body may be at most 5 MiB (5242880 bytes), so that the request fits Lambda's 6 MB payload; one job's data is limited per queue (maxPayloadBytes, at most 398 KiB)";

describe("the local gateway answering with the stack's gateway responses", () => {
  let api: ApiDefinition;
  let gateway: ApiGateway;
  let assetDir: string;
  let ingest: FunctionHost;
  const keyOf = (partner: string): string => api.apiKeys.find((key) => key.name === partner)?.value ?? '';
  const post = (path: string, body: string, headers: Record<string, string> = { 'x-api-key': keyOf('acme') }) =>
    httpCall(`${gateway.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

  beforeAll(async () => {
    api = stackApiDefinition(stackTemplate([
      { name: 'acme', rateLimit: 100, burstLimit: 100, quotaPerDay: 10_000 },
      { name: 'slow', rateLimit: 0.001, burstLimit: 1, quotaPerDay: 10_000 },
      { name: 'capped', rateLimit: 100, burstLimit: 100, quotaPerDay: 1 },
    ], [{ name: 'payments', dataSchema: 'payment-intent' }, { name: 'email' }]));

    // The ingest runs in a real function host, so Lambda's own payload limit applies as deployed.
    assetDir = mkdtempSync(join(tmpdir(), 'stack-gateway-'));
    writeFileSync(join(assetDir, 'index.js'), 'exports.handler = async () => ({ statusCode: 202, body: JSON.stringify({ ok: true }) });');
    ingest = new FunctionHost(
      { name: 'Ingest', arn: 'arn:aws:lambda:us-east-1:000000000000:function:Ingest', assetDir, handler: 'index.handler', timeoutSeconds: 5, memoryMb: 256, environment: {}, label: 'ingest' },
      { log: () => undefined },
    );
    gateway = await startStackGateway(api, async (functionName, event) => {
        if (functionName.startsWith('Ingest')) return (await ingest.invoke(event)) as APIGatewayProxyResult;
        throw new Error(`${functionName} fails`);
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await ingest?.stop();
    if (assetDir) rmSync(assetDir, { recursive: true, force: true });
  });

  it('accepts a job through the stack routes and its request model', async () => {
    const reply = await post('/jobs/email', '{"data":{"to":"a"}}');

    expect([reply.status, reply.json()]).toEqual([202, { ok: true }]);
  });

  it.each<[string, () => Promise<{ status: number; json(): unknown; headers: Record<string, unknown> }>, number, string, string, string]>([
    ['a missing API key', () => post('/jobs/email', '{"data":1}', {}), 403, 'forbidden', 'a valid x-api-key header is required', 'ForbiddenException'],
    ['an unknown API key', () => post('/jobs/email', '{"data":1}', { 'x-api-key': 'not-a-key' }), 403, 'forbidden', 'a valid x-api-key header is required', 'ForbiddenException'],
    ['an unknown route', () => httpCall(`${gateway.url}/nowhere`), 403, 'forbidden', 'no such route, or the request is not signed', 'MissingAuthenticationTokenException'],
    ['an unsigned admin call', () => httpCall(`${gateway.url}/admin`), 403, 'forbidden', 'no such route, or the request is not signed', 'MissingAuthenticationTokenException'],
    ['a function that fails', () => httpCall(`${gateway.url}/health`), 502, 'internal_error', 'Internal server error', 'InternalServerErrorException'],
  ])('answers %s with the envelope', async (_label, call, status, code, message, errorType) => {
    // Act
    const reply = await call();

    // Assess
    expect([reply.status, reply.json()]).toEqual([status, { ok: false, error: { code, message } }]);
    expect(reply.headers['x-amzn-errortype']).toBe(errorType);
  });

  it('answers a body the request model refuses with the BAD_REQUEST_BODY envelope, before invoking the function', async () => {
    // Act
    const replies = await Promise.all([post('/jobs/email', '{"name":"no data"}'), post('/jobs/email/batch', '{"jobs":[]}'), post('/jobs/email', '{not json')]);

    // Assess
    for (const reply of replies) {
      expect(reply.status).toBe(400);
      expect(reply.json()).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringContaining('the body does not match the request schema') } });
    }
  });

  it("checks a typed queue's data on its own route at the edge, the field at fault in the envelope's message", async () => {
    // Act
    const bad = await post('/jobs/payments', '{"data":{"intentId":"pi_1","payload":{"amount":"a lot"}}}');
    const good = await post('/jobs/payments', JSON.stringify({ data: DATA_SCHEMAS['payment-intent'].example }));
    // A batch's jobs are judged one by one by the function (207 for some refused), never all at the edge.
    const batch = await post('/jobs/payments/batch', '{"jobs":[{"data":{"intentId":"pi_1"}}]}');

    // Assess
    expect(bad.status).toBe(400);
    expect(bad.json()).toEqual({
      ok: false,
      error: { code: 'invalid_request', message: expect.stringMatching(/^the body does not match the request schema .*\[.*data\/payload\/amount.*\["number"\].*\]$/) },
    });
    expect([good.status, batch.status]).toEqual([202, 202]);
  });

  it('answers a partner over its throttle and one over its quota with the envelope', async () => {
    // Act
    const slow = [await post('/jobs/email', '{"data":1}', { 'x-api-key': keyOf('slow') }), await post('/jobs/email', '{"data":1}', { 'x-api-key': keyOf('slow') })];
    const capped = [await post('/jobs/email', '{"data":1}', { 'x-api-key': keyOf('capped') }), await post('/jobs/email', '{"data":1}', { 'x-api-key': keyOf('capped') })];

    // Assess
    expect(slow.map((reply) => [reply.status, reply.json()])).toEqual([
      [202, { ok: true }],
      [429, { ok: false, error: { code: 'rate_limited', message: 'Too Many Requests' } }],
    ]);
    expect(capped.map((reply) => [reply.status, reply.json()])).toEqual([
      [202, { ok: true }],
      [429, { ok: false, error: { code: 'quota_exceeded', message: 'Limit Exceeded' } }],
    ]);
  });

  it('answers a body over 10 MB with the REQUEST_TOO_LARGE envelope', async () => {
    const reply = await post('/jobs/email', jobBodyOf(10 * 1024 * 1024 + 1));

    expect([reply.status, reply.json()]).toEqual([413, { ok: false, error: { code: 'payload_too_large', message: TOO_LARGE_MESSAGE } }]);
  });

  it("answers a body between 6 and 10 MB as a deployed API does: Lambda refuses the event, and the gateway 413s through REQUEST_TOO_LARGE", async () => {
    // Act
    const reply = await post('/jobs/email', jobBodyOf(7 * 1024 * 1024));

    // Assess
    expect([reply.status, reply.json()]).toEqual([413, { ok: false, error: { code: 'payload_too_large', message: TOO_LARGE_MESSAGE } }]);
    expect(reply.headers['x-amzn-errortype']).toBe('BadRequestException');
  });
});
