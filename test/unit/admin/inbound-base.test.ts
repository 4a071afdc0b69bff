import { describe, expect, it } from 'vitest';
import { inboundBaseOf } from '../../../functions/handlers/workflows/admin/endpoint-routes';
import { buildProxyEvent } from '../../../local/cloud/http/proxy-event';
import { anApiGatewayEvent } from '../../helpers/factories';

describe('inboundBaseOf', () => {
  it('is https://<domain>/<stage> for a request to a deployed stage', () => {
    // Prepare
    const event = anApiGatewayEvent({ headers: { Host: 'abc123.execute-api.eu-west-1.amazonaws.com', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Port': '443' } });
    const deployed = { ...event, requestContext: { ...event.requestContext, domainName: 'abc123.execute-api.eu-west-1.amazonaws.com', stage: 'prod' } };

    // Act / Assess
    expect(inboundBaseOf(deployed)).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com/prod');
  });

  it('is the local API itself, port included and no stage, for a request the local cloud passed on', () => {
    // Prepare: the event exactly as the local cloud builds it for a request to http://127.0.0.1:4010
    const event = buildProxyEvent({
      method: 'POST',
      path: '/admin/endpoints',
      query: {},
      rawHeaders: ['Host', '127.0.0.1:4010', 'Content-Type', 'application/json'],
      body: Buffer.from('{}'),
      match: { route: { method: 'POST', resourcePath: '/admin/endpoints', authorization: 'AWS_IAM', apiKeyRequired: false, functionName: 'admin' }, pathParameters: null },
      stage: 'dev',
      accountId: '000000000000',
      apiId: 'local',
      requestId: 'req-1',
      extendedRequestId: 'ext-1',
      requestTimeEpoch: 0,
      localPort: 4010,
      identity: { sourceIp: '127.0.0.1' },
    });

    // Act / Assess
    expect(inboundBaseOf(event)).toBe('http://127.0.0.1:4010');
  });
});
