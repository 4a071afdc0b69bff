import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { EndpointWriteConflictError } from '../../../functions/adapters/dynamodb-endpoint-registry';
import { ENDPOINT_ID_PATTERN, SECRET_OVERLAP_MS } from '../../../functions/core/endpoint';
import type { EndpointView, EndpointViewWithSecret } from '../../../functions/core/endpoint-view';
import { anApiGatewayEvent, FIXED_NOW } from '../../helpers/factories';
import { lambdaContext } from '../../integration/support/lambda-context';
import { fakeAdmin } from './admin-fakes';

const DOMAIN = 'abc123.execute-api.eu-west-1.amazonaws.com';

interface EndpointEventOptions {
  readonly id?: string;
  readonly body?: unknown;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
}

/** An admin request for an endpoint route, as API Gateway passes it (stage `test`). */
function endpointEvent(method: string, resource: string, options: EndpointEventOptions = {}): APIGatewayProxyEvent {
  const event = anApiGatewayEvent({
    httpMethod: method,
    resource,
    path: resource.replace('{id}', options.id ?? ''),
    pathParameters: options.id === undefined ? null : { id: options.id },
    queryStringParameters: options.query ?? null,
    headers: { 'content-type': 'application/json', ...options.headers },
    apiKeyId: null,
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  return { ...event, requestContext: { ...event.requestContext, domainName: DOMAIN } };
}

/** An answer's body as the endpoint routes shape it: which fields are there depends on the route and the outcome. */
interface AnswerBody {
  readonly ok: boolean;
  readonly endpoint: EndpointViewWithSecret;
  readonly endpoints: readonly EndpointView[];
  readonly cursor?: string;
  readonly error: { readonly code: string; readonly message: string; readonly details: readonly { readonly field: string }[] };
}

async function call(admin: ReturnType<typeof fakeAdmin>, event: APIGatewayProxyEvent) {
  const response = await admin.handler(event, lambdaContext('admin'));
  return { status: response.statusCode, json: JSON.parse(response.body) as AnswerBody };
}

const register = (admin: ReturnType<typeof fakeAdmin>, body: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  call(admin, endpointEvent('POST', '/admin/endpoints', { body: { user_id: 'shop-42', url: 'https://app.example.com/hooks', ...body }, headers }));

/** Registers an endpoint and returns its id. */
async function registered(admin: ReturnType<typeof fakeAdmin>, body: Record<string, unknown> = {}): Promise<string> {
  const answer = await register(admin, body);
  expect(answer.status).toBe(201);
  return String(answer.json.endpoint.endpoint_id);
}

describe('POST /admin/endpoints', () => {
  it('registers an endpoint with the defaults and answers 201 with its secret and inbound URL', async () => {
    // Prepare
    const admin = fakeAdmin();

    // Act
    const answer = await register(admin);

    // Assess
    expect(answer.status).toBe(201);
    const endpoint = answer.json.endpoint;
    const stored = admin.endpoints.endpoints.get(endpoint.endpoint_id);
    expect(endpoint.endpoint_id).toMatch(ENDPOINT_ID_PATTERN);
    expect(answer.json).toEqual({
      ok: true,
      endpoint: {
        endpoint_id: endpoint.endpoint_id,
        user_id: 'shop-42',
        url: 'https://app.example.com/hooks',
        headers: {},
        body: 'envelope',
        enabled: true,
        inbound_url: `https://${DOMAIN}/test/webhook/shop-42/${stored?.inboundToken}`,
        circuit: { state: 'closed', failure_threshold: 5, cooldown_seconds: 30, consecutive_failures: 0 },
        counts: { failures: 0, circuit_opens: 0 },
        secrets_signing: 1,
        secret: 'whsec_test1',
        created_at: FIXED_NOW.toISOString(),
        updated_at: FIXED_NOW.toISOString(),
      },
    });
  });

  it('keeps every field given', async () => {
    // Prepare
    const admin = fakeAdmin();

    // Act
    const answer = await register(admin, {
      description: 'shop app',
      headers: { Authorization: 'Bearer t' },
      body: 'raw',
      circuit: { failure_threshold: 3, cooldown_seconds: 120 },
    });

    // Assess
    expect(answer.json.endpoint).toMatchObject({
      description: 'shop app',
      headers: { Authorization: 'Bearer t' },
      body: 'raw',
      circuit: { failure_threshold: 3, cooldown_seconds: 120 },
    });
  });

  it('builds an http inbound URL with the port, at the root, when the request came in over http (the local cloud)', async () => {
    // Prepare
    const admin = fakeAdmin();

    // Act
    const answer = await register(admin, {}, { 'X-Forwarded-Proto': 'http', 'X-Forwarded-Port': '4010' });

    // Assess
    expect(answer.json.endpoint.inbound_url).toMatch(/^http:\/\/abc123\.execute-api\.eu-west-1\.amazonaws\.com:4010\/webhook\/shop-42\/ep_/);
  });

  it.each([
    ['a private literal address', 'https://10.1.2.3/hooks', {}, 'resolves to 10.1.2.3, a private address'],
    ['the metadata address', 'http://169.254.169.254/latest', {}, 'the instance metadata address'],
    ['a name resolving to a private address', 'https://internal.example.com/hooks', { 'internal.example.com': ['192.168.1.9'] }, 'internal.example.com resolves to 192.168.1.9, a private address'],
    ['a name with one public and one link-local address', 'https://mixed.example.com/', { 'mixed.example.com': ['203.0.113.5', 'fe80::1'] }, 'a link-local address'],
    ['a name that does not resolve', 'https://nowhere.example.com/', { 'nowhere.example.com': undefined }, 'does not resolve'],
  ])('refuses %s with 400 naming url, and registers nothing', async (_case, url, dns, message) => {
    // Prepare
    const admin = fakeAdmin();
    Object.assign(admin.dns, dns);

    // Act
    const answer = await register(admin, { url });

    // Assess
    expect(answer).toMatchObject({ status: 400, json: { ok: false, error: { code: 'invalid_request', details: [{ field: 'url', message: expect.stringContaining(message) }] } } });
    expect(answer.json.error.message).toContain(message);
    expect(admin.endpoints.endpoints.size).toBe(0);
  });

  it('lets a loopback receiver through when the function allows loopback targets', async () => {
    // Prepare
    const admin = fakeAdmin();

    // Act
    const answer = await register(admin, { url: 'http://127.0.0.1:9000/in' });

    // Assess
    expect(answer.status).toBe(201);
  });

  it('refuses an invalid body with the fields at fault, and a missing one', async () => {
    // Prepare
    const admin = fakeAdmin();

    // Act
    const invalid = await register(admin, { user_id: 'a b', headers: { 'Webhook-Signature': 'x' }, colour: 'red' });
    const empty = await call(admin, endpointEvent('POST', '/admin/endpoints'));

    // Assess
    expect(invalid.status).toBe(400);
    expect(invalid.json.error.details.map((detail) => detail.field).sort()).toEqual(['colour', 'headers.Webhook-Signature', 'user_id']);
    expect(empty).toMatchObject({ status: 400, json: { error: { code: 'invalid_json' } } });
    expect(admin.endpoints.endpoints.size).toBe(0);
  });
});

describe('GET /admin/endpoints', () => {
  it('lists every endpoint in user then id order, without secrets', async () => {
    // Prepare
    const admin = fakeAdmin();
    await registered(admin, { user_id: 'zed' });
    await registered(admin, { user_id: 'amy' });
    await registered(admin, { user_id: 'amy' });

    // Act
    const answer = await call(admin, endpointEvent('GET', '/admin/endpoints'));

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.json.endpoints.map((endpoint) => endpoint.user_id)).toEqual(['amy', 'amy', 'zed']);
    expect(answer.json).not.toHaveProperty('cursor');
    expect(JSON.stringify(answer.json)).not.toContain('whsec_');
    expect(answer.json.endpoints[0]).toHaveProperty('inbound_url');
  });

  it('filters by user and pages with the cursor', async () => {
    // Prepare
    const admin = fakeAdmin();
    await registered(admin, { user_id: 'zed' });
    const amy = [await registered(admin, { user_id: 'amy' }), await registered(admin, { user_id: 'amy' })].sort();

    // Act
    const first = await call(admin, endpointEvent('GET', '/admin/endpoints', { query: { user_id: 'amy', limit: '1' } }));
    const second = await call(admin, endpointEvent('GET', '/admin/endpoints', { query: { user_id: 'amy', limit: '1', cursor: first.json.cursor ?? '' } }));

    // Assess
    expect(first.json.endpoints.map((endpoint) => endpoint.endpoint_id)).toEqual([amy[0]]);
    expect(typeof first.json.cursor).toBe('string');
    expect(second.json.endpoints.map((endpoint) => endpoint.endpoint_id)).toEqual([amy[1]]);
    expect(second.json).not.toHaveProperty('cursor');
  });

  it.each([
    [{ limit: '0' }, 'limit'],
    [{ limit: '101' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ user_id: 'a b' }, 'user_id'],
  ])('refuses the query %j with 400 naming %s', async (query, field) => {
    // Act
    const answer = await call(fakeAdmin(), endpointEvent('GET', '/admin/endpoints', { query }));

    // Assess
    expect(answer).toMatchObject({ status: 400, json: { error: { code: 'invalid_request', details: [{ field }] } } });
  });
});

describe('GET /admin/endpoints/{id}', () => {
  it('shows one endpoint with its secret', async () => {
    // Prepare
    const admin = fakeAdmin();
    const id = await registered(admin);

    // Act
    const answer = await call(admin, endpointEvent('GET', '/admin/endpoints/{id}', { id }));

    // Assess
    expect(answer).toMatchObject({ status: 200, json: { ok: true, endpoint: { endpoint_id: id, secret: 'whsec_test1', circuit: { state: 'closed' } } } });
  });

  it('answers 404 endpoint_not_found for an unknown id and 400 for a malformed one', async () => {
    // Act
    const unknown = await call(fakeAdmin(), endpointEvent('GET', '/admin/endpoints/{id}', { id: 'ep_bbbbbbbbbbbbbbbbbbbb' }));
    const malformed = await call(fakeAdmin(), endpointEvent('GET', '/admin/endpoints/{id}', { id: 'ep_NOPE' }));

    // Assess
    expect(unknown).toMatchObject({ status: 404, json: { ok: false, error: { code: 'endpoint_not_found' } } });
    expect(malformed).toMatchObject({ status: 400, json: { ok: false, error: { code: 'invalid_request', details: [{ field: 'id' }] } } });
  });
});

describe('PATCH /admin/endpoints/{id}', () => {
  const patch = (admin: ReturnType<typeof fakeAdmin>, id: string, body: unknown) => call(admin, endpointEvent('PATCH', '/admin/endpoints/{id}', { id, body }));

  it('changes the fields given and answers the view without the secret', async () => {
    // Prepare
    const admin = fakeAdmin();
    const id = await registered(admin);

    // Act
    const answer = await patch(admin, id, { url: 'https://new.example.com/in', headers: { 'X-Key': 'k' }, body: 'raw', circuit: { failure_threshold: 2 } });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.json.endpoint).toMatchObject({ url: 'https://new.example.com/in', headers: { 'X-Key': 'k' }, body: 'raw', circuit: { failure_threshold: 2, cooldown_seconds: 30 } });
    expect(answer.json.endpoint).not.toHaveProperty('secret');
  });

  it('disables as the operator, and enabling closes the circuit and clears the reason', async () => {
    // Prepare
    const admin = fakeAdmin();
    const id = await registered(admin);

    // Act
    const disabled = await patch(admin, id, { enabled: false });
    const stored = admin.endpoints.endpoints.get(id);
    if (stored) admin.endpoints.endpoints.set(id, { ...stored, circuit: { ...stored.circuit, state: 'open', consecutiveFailures: 5, openedAtMs: FIXED_NOW.getTime() } });
    const enabled = await patch(admin, id, { enabled: true });

    // Assess
    expect(disabled.json.endpoint).toMatchObject({ enabled: false, disabled_reason: 'operator' });
    expect(enabled.json.endpoint).toMatchObject({ enabled: true, circuit: { state: 'closed', consecutive_failures: 0 } });
    expect(enabled.json.endpoint).not.toHaveProperty('disabled_reason');
    expect(enabled.json.endpoint.circuit).not.toHaveProperty('opened_at');
  });

  it.each([
    [{}, '(body)'],
    [{ user_id: 'other' }, 'user_id'],
    [{ url: 'https://10.0.0.1/' }, 'url'],
  ])('refuses %j with 400 naming %s, changing nothing', async (body, field) => {
    // Prepare
    const admin = fakeAdmin();
    const id = await registered(admin);
    const before = admin.endpoints.endpoints.get(id);

    // Act
    const answer = await patch(admin, id, body);

    // Assess
    expect(answer).toMatchObject({ status: 400, json: { error: { code: 'invalid_request', details: [{ field }] } } });
    expect(admin.endpoints.endpoints.get(id)).toEqual(before);
  });

  it('answers 404 for an unknown endpoint and 409 when the write kept losing races', async () => {
    // Prepare
    const admin = fakeAdmin();
    const id = await registered(admin);

    // Act
    const unknown = await patch(admin, 'ep_bbbbbbbbbbbbbbbbbbbb', { enabled: true });
    admin.endpoints.failNextWrite(new EndpointWriteConflictError(id, 'update'));
    const conflict = await patch(admin, id, { enabled: true });

    // Assess
    expect(unknown).toMatchObject({ status: 404, json: { error: { code: 'endpoint_not_found' } } });
    expect(conflict).toMatchObject({ status: 409, json: { error: { code: 'changed_meanwhile' } } });
  });
});

describe('DELETE /admin/endpoints/{id}', () => {
  it('removes the endpoint once; the second time is 404', async () => {
    // Prepare
    const admin = fakeAdmin();
    const id = await registered(admin);

    // Act
    const first = await call(admin, endpointEvent('DELETE', '/admin/endpoints/{id}', { id }));
    const second = await call(admin, endpointEvent('DELETE', '/admin/endpoints/{id}', { id }));

    // Assess
    expect(first).toEqual({ status: 200, json: { ok: true, endpoint_id: id, removed: true } });
    expect(second).toMatchObject({ status: 404, json: { error: { code: 'endpoint_not_found' } } });
    expect(admin.endpoints.endpoints.size).toBe(0);
  });
});

describe('POST /admin/endpoints/{id}/rotate-secret and rotate-token', () => {
  it('rotates the secret: the new one is shown, the old one signs beside it for 24 hours', async () => {
    // Prepare
    const admin = fakeAdmin();
    const id = await registered(admin);

    // Act
    const answer = await call(admin, endpointEvent('POST', '/admin/endpoints/{id}/rotate-secret', { id }));

    // Assess
    expect(answer).toMatchObject({
      status: 200,
      json: { ok: true, endpoint: { endpoint_id: id, secret: 'whsec_test2', secrets_signing: 2, previous_secret_expires_at: new Date(FIXED_NOW.getTime() + SECRET_OVERLAP_MS).toISOString() } },
    });
  });

  it('rotates the token: a new inbound URL, and no secret in the answer', async () => {
    // Prepare
    const admin = fakeAdmin();
    const created = await register(admin);
    const id = String(created.json.endpoint.endpoint_id);

    // Act
    const answer = await call(admin, endpointEvent('POST', '/admin/endpoints/{id}/rotate-token', { id }));

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.json.endpoint.inbound_url).not.toBe(created.json.endpoint.inbound_url);
    expect(answer.json.endpoint.inbound_url).toContain(`/webhook/shop-42/${id}.`);
    expect(answer.json.endpoint).not.toHaveProperty('secret');
  });

  it('answers 404 for an unknown endpoint', async () => {
    // Act
    const secret = await call(fakeAdmin(), endpointEvent('POST', '/admin/endpoints/{id}/rotate-secret', { id: 'ep_bbbbbbbbbbbbbbbbbbbb' }));
    const token = await call(fakeAdmin(), endpointEvent('POST', '/admin/endpoints/{id}/rotate-token', { id: 'ep_bbbbbbbbbbbbbbbbbbbb' }));

    // Assess
    expect([secret.status, token.status]).toEqual([404, 404]);
  });
});
