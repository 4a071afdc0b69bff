import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiDefinition } from '../../../local/cloud/api-definition';
import type { ApiGateway } from '../../../local/cloud/http/api-gateway';
import { STACK_ADMIN, STACK_REGION, stackApiDefinition, stackTemplate, startStackGateway } from './stack-api';
import { httpCall, signedCall } from './http-call';

const TOKEN = `ep_abcdefghijklmnopqrst.${'A'.repeat(32)}`;

describe('the relay’s and seed 000’s routes through the local gateway', () => {
  let api: ApiDefinition;
  let gateway: ApiGateway;
  /** What each function was invoked with. */
  const invoked: { functionName: string; event: APIGatewayProxyEvent }[] = [];
  const acme = (): string => api.apiKeys.find((key) => key.name === 'acme')?.value ?? '';

  beforeAll(async () => {
    api = stackApiDefinition(stackTemplate([{ name: 'acme', rateLimit: 100, burstLimit: 100, quotaPerDay: 10_000 }]));
    gateway = await startStackGateway(api, async (functionName, event): Promise<APIGatewayProxyResult> => {
        invoked.push({ functionName, event: event as APIGatewayProxyEvent });
        return { statusCode: 200, body: JSON.stringify({ ok: true }) };
    });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  const lastInvocation = () => invoked.at(-1);

  it('passes a callback with no API key to the ingest function, with the user and token as path parameters and the body as sent', async () => {
    // Prepare
    const body = '{\n  "Body": { "stkCallback": { "CheckoutRequestID": "ws_CO_1", "ResultCode": 0 } }\n}';

    // Act
    const reply = await httpCall(`${gateway.url}/webhook/shop-42/${TOKEN}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

    // Assess
    expect(reply.status).toBe(200);
    expect(lastInvocation()?.functionName).toMatch(/^Ingest/);
    expect(lastInvocation()?.event).toMatchObject({ resource: '/webhook/{user_id}/{token}', pathParameters: { user_id: 'shop-42', token: TOKEN }, body });
  });

  it('takes a payment intent only with an API key, and checks its body at the edge', async () => {
    // Prepare
    const post = (body: unknown, headers: Record<string, string>) =>
      httpCall(`${gateway.url}/api/payments/intent/queue`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
    const intent = { intent_id: 'intent-1', payload: { action: 'stk_push', amount: 10 } };
    const before = invoked.length;

    // Act
    const anonymous = await post(intent, {});
    const unknownField = await post({ ...intent, data: {} }, { 'x-api-key': acme() });
    const keyed = await post(intent, { 'x-api-key': acme() });

    // Assess
    expect(anonymous.status).toBe(403);
    expect(unknownField.status).toBe(400);
    expect(unknownField.json()).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringContaining('not allowed by the schema: ["data"]') } });
    expect(keyed.status).toBe(200);
    expect(invoked.slice(before).map((call) => [call.functionName.replace(/[A-F0-9]{8}$/, ''), call.event.resource])).toEqual([['Ingest', '/api/payments/intent/queue']]);
  });

  it('answers GET /api/queue/status only when signed, from the health function', async () => {
    // Act
    const unsigned = await httpCall(`${gateway.url}/api/queue/status`);
    const withKey = await httpCall(`${gateway.url}/api/queue/status`, { headers: { 'x-api-key': acme() } });
    const signed = await signedCall(`${gateway.url}/api/queue/status`, { method: 'GET' }, { credentials: STACK_ADMIN, region: STACK_REGION });

    // Assess
    expect(unsigned.status).toBe(403);
    expect(withKey.status).toBe(403);
    expect(signed.status).toBe(200);
    expect(lastInvocation()).toMatchObject({ functionName: expect.stringMatching(/^Health/), event: { resource: '/api/queue/status' } });
  });
});
