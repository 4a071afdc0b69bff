import type { APIGatewayProxyEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbEndpointRegistry } from '../../../functions/adapters/dynamodb-endpoint-registry';
import { createAdminHandler } from '../../../functions/handlers/factories/admin-api';
import { generateSigningSecret } from '../../../functions/processors/webhook-signature';
import { createJobsTable } from '../../../local/provision';
import { testEnvironment, uniqueName } from '../../helpers/emulators';
import { anApiGatewayEvent } from '../../helpers/factories';
import { fakeAdmin } from '../../unit/admin/admin-fakes';
import { lambdaContext } from '../support/lambda-context';

let handler: ReturnType<typeof createAdminHandler>;

beforeAll(async () => {
  const tableName = uniqueName('endpoint-routes');
  await createJobsTable(testEnvironment().dynamoDb, tableName);
  const endpoints = new DynamoDbEndpointRegistry({ client: testEnvironment().dynamoDb, tableName, newSecret: generateSigningSecret });
  handler = createAdminHandler({ ...fakeAdmin().deps, endpoints });
});

/** An admin request as the local cloud passes it on (plain http, its port in X-Forwarded-Port). */
function request(method: string, resource: string, options: { id?: string; body?: unknown; query?: Record<string, string> } = {}): APIGatewayProxyEvent {
  const event = anApiGatewayEvent({
    httpMethod: method,
    resource,
    path: resource.replace('{id}', options.id ?? ''),
    pathParameters: options.id === undefined ? null : { id: options.id },
    queryStringParameters: options.query ?? null,
    headers: { 'content-type': 'application/json', Host: '127.0.0.1:4010', 'X-Forwarded-Proto': 'http', 'X-Forwarded-Port': '4010' },
    apiKeyId: null,
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  return { ...event, requestContext: { ...event.requestContext, domainName: '127.0.0.1' } };
}

async function call(event: APIGatewayProxyEvent): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await handler(event, lambdaContext('admin'));
  return { status: response.statusCode, json: JSON.parse(response.body) as Record<string, unknown> };
}

describe('the endpoint routes over the DynamoDB registry', () => {
  it('registers, shows, changes, rotates, lists and removes an endpoint', async () => {
    // Prepare
    const userId = uniqueName('shop');

    // Act
    const created = await call(request('POST', '/admin/endpoints', { body: { user_id: userId, url: 'http://127.0.0.1:9000/in', body: 'raw' } }));
    const endpoint = created.json.endpoint as { endpoint_id: string; secret: string; inbound_url: string };
    const id = endpoint.endpoint_id;
    const shown = await call(request('GET', '/admin/endpoints/{id}', { id }));
    const changed = await call(request('PATCH', '/admin/endpoints/{id}', { id, body: { enabled: false, description: 'paused for a migration' } }));
    const rotated = await call(request('POST', '/admin/endpoints/{id}/rotate-secret', { id }));
    const retokened = await call(request('POST', '/admin/endpoints/{id}/rotate-token', { id }));
    const listed = await call(request('GET', '/admin/endpoints', { query: { user_id: userId } }));
    const removed = await call(request('DELETE', '/admin/endpoints/{id}', { id }));
    const gone = await call(request('GET', '/admin/endpoints/{id}', { id }));

    // Assess
    expect(created.status).toBe(201);
    expect(endpoint.inbound_url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:4010/webhook/${userId}/${id}\\.[A-Za-z0-9_-]{32}$`));
    expect(shown).toMatchObject({ status: 200, json: { endpoint: { endpoint_id: id, secret: endpoint.secret, inbound_url: endpoint.inbound_url, body: 'raw' } } });
    expect(changed).toMatchObject({ status: 200, json: { endpoint: { enabled: false, disabled_reason: 'operator', description: 'paused for a migration' } } });
    expect(rotated).toMatchObject({ status: 200, json: { endpoint: { secrets_signing: 2, previous_secret_expires_at: expect.any(String) } } });
    expect((rotated.json.endpoint as { secret: string }).secret).not.toBe(endpoint.secret);
    expect((retokened.json.endpoint as { inbound_url: string }).inbound_url).not.toBe(endpoint.inbound_url);
    expect(listed).toMatchObject({ status: 200, json: { ok: true, endpoints: [{ endpoint_id: id, secrets_signing: 2 }] } });
    expect(JSON.stringify(listed.json)).not.toContain('whsec_');
    expect(removed).toEqual({ status: 200, json: { ok: true, endpoint_id: id, removed: true } });
    expect(gone).toMatchObject({ status: 404, json: { error: { code: 'endpoint_not_found' } } });
  });

  it('answers 400 for a cursor the listing did not give out', async () => {
    const answer = await call(request('GET', '/admin/endpoints', { query: { cursor: 'bm90LWEtY3Vyc29y' } }));
    expect(answer).toMatchObject({ status: 400, json: { error: { code: 'invalid_request', details: [{ field: 'cursor' }] } } });
  });
});
