import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiGateway, type ApiGateway } from '../../../local/cloud/http/api-gateway';
import { UsageMeter } from '../../../local/cloud/meter';
import { httpCall } from '../local-cloud-http/http-call';

describe('API Gateway metering', () => {
  const meter = new UsageMeter();
  let api: ApiGateway;

  beforeAll(async () => {
    api = await startApiGateway({
      port: 0,
      stage: 'prod',
      region: 'us-east-1',
      iamCredentials: [{ accessKeyId: 'AKIDMETER', secretAccessKey: 'meter-secret' }],
      routes: [
        { method: 'POST', resourcePath: '/jobs/{queue}', authorization: 'NONE', apiKeyRequired: true, functionName: 'accepted' },
        { method: 'GET', resourcePath: '/broken', authorization: 'NONE', apiKeyRequired: false, functionName: 'throws' },
        { method: 'ANY', resourcePath: '/admin/{proxy+}', authorization: 'AWS_IAM', apiKeyRequired: false, functionName: 'accepted' },
      ],
      apiKeys: [
        { name: 'acme', value: 'acme-key-0123456789abcdef', usagePlan: { rateLimit: 100, burstLimit: 100 } },
        { name: 'tiny', value: 'tiny-key-0123456789abcdef', usagePlan: { rateLimit: 0.001, burstLimit: 1 } },
      ],
      invoke: async (functionName): Promise<APIGatewayProxyResult> => {
        if (functionName === 'throws') throw new Error('boom');
        return { statusCode: 202, body: '{"ok":true}' };
      },
      onBilledRequest: () => meter.apiRequest(),
    });
  });
  afterAll(async () => {
    await api.stop();
  });

  it('bills requests that reach the integration, failing or not, and none refused before it', async () => {
    // Act
    const statuses = [
      await httpCall(`${api.url}/nowhere`),
      await httpCall(`${api.url}/jobs/payments`, { method: 'POST', body: '{}' }),
      await httpCall(`${api.url}/jobs/payments`, { method: 'POST', body: '{}', headers: { 'x-api-key': 'unknown-key-0123456789abcdef' } }),
      await httpCall(`${api.url}/admin/queues`),
      await httpCall(`${api.url}/jobs/payments`, { method: 'POST', body: '{}', headers: { 'x-api-key': 'tiny-key-0123456789abcdef' } }),
      await httpCall(`${api.url}/jobs/payments`, { method: 'POST', body: '{}', headers: { 'x-api-key': 'tiny-key-0123456789abcdef' } }),
      await httpCall(`${api.url}/jobs/payments`, { method: 'POST', body: '{}', headers: { 'x-api-key': 'acme-key-0123456789abcdef' } }),
      await httpCall(`${api.url}/broken`),
    ].map((reply) => reply.status);

    // Assess: no resource, no key, unknown key, no signature, throttled: not billed
    expect(statuses).toEqual([403, 403, 403, 403, 202, 429, 202, 502]);
    expect(meter.reading().apiRequests).toBe(3);
  });
});
