import { describe, expect, it } from 'vitest';
import { MAX_ENDPOINT_HEADERS } from '../../../functions/core/endpoint';
import {
  circuitSettingsOf,
  endpointChangeRequestSchema,
  newEndpointRequestSchema,
  RESERVED_HEADER_NAMES,
} from '../../../functions/core/endpoint-request';
import { fieldProblems } from '../../../functions/core/job-request';
import type * as z from '../../../functions/core/validation';

const aRegistration = (overrides: Record<string, unknown> = {}) => ({ user_id: 'shop-42', url: 'https://app.example.com/hooks', ...overrides });

/** The problems of a body the schema must refuse. */
function problemsOf(schema: z.ZodMiniType, body: unknown) {
  const result = schema.safeParse(body);
  if (result.success) throw new Error(`expected ${JSON.stringify(body)} to be refused`);
  return fieldProblems(result.error);
}

describe('newEndpointRequestSchema', () => {
  it('accepts the smallest registration, leaving every default to the registry', () => {
    // Act
    const parsed = newEndpointRequestSchema.parse(aRegistration());

    // Assess
    expect(parsed).toEqual({ user_id: 'shop-42', url: 'https://app.example.com/hooks' });
  });

  it('accepts every field at its limits', () => {
    // Prepare
    const headers = Object.fromEntries(Array.from({ length: MAX_ENDPOINT_HEADERS }, (_, index) => [`X-Header-${index}`, 'v'.repeat(1024)]));
    const body = aRegistration({
      user_id: 'u'.repeat(64),
      url: `http://127.0.0.1:8080/${'p'.repeat(2048 - 'http://127.0.0.1:8080/'.length)}`,
      description: 'd'.repeat(200),
      headers,
      body: 'raw',
      circuit: { failure_threshold: 100, cooldown_seconds: 3600 },
    });

    // Act
    const parsed = newEndpointRequestSchema.parse(body);

    // Assess
    expect(parsed).toEqual(body);
  });

  it.each([
    [{ user_id: undefined }, 'user_id', 'user_id is required'],
    [{ user_id: 'shop 42' }, 'user_id', '1–64 letters'],
    [{ user_id: 'u'.repeat(65) }, 'user_id', '1–64 letters'],
    [{ url: undefined }, 'url', 'url must be a string'],
    [{ url: 'app.example.com/hooks' }, 'url', 'absolute http or https URL'],
    [{ url: 'ftp://app.example.com/hooks' }, 'url', 'not ftp'],
    [{ url: 'https://user:pass@app.example.com/hooks' }, 'url', 'must not hold credentials'],
    [{ url: 'https://user@app.example.com/hooks' }, 'url', 'must not hold credentials'],
    [{ url: `https://app.example.com/${'p'.repeat(2048)}` }, 'url', 'at most 2048'],
    [{ description: 'd'.repeat(201) }, 'description', 'at most 200'],
    [{ body: 'json' }, 'body', 'envelope, raw'],
    [{ circuit: { failure_threshold: 0 } }, 'circuit.failure_threshold', 'from 1 to 100'],
    [{ circuit: { failure_threshold: 2.5 } }, 'circuit.failure_threshold', 'whole number'],
    [{ circuit: { cooldown_seconds: 3601 } }, 'circuit.cooldown_seconds', 'from 1 to 3600'],
    [{ circuit: { threshold: 3 } }, 'threshold', 'unknown field'],
    [{ circuit: 5 }, 'circuit', 'circuit must be an object'],
    [{ enabled: false }, 'enabled', 'unknown field'],
  ])('refuses %j, naming %s', (overrides, field, message) => {
    // Act
    const problems = problemsOf(newEndpointRequestSchema, aRegistration(overrides));

    // Assess
    expect(problems).toEqual([{ field, message: expect.stringContaining(message) }]);
  });

  it('refuses a body that is not an object', () => {
    expect(problemsOf(newEndpointRequestSchema, [])).toEqual([{ field: '(body)', message: expect.stringContaining('JSON object') }]);
  });

  describe('headers', () => {
    it.each([...RESERVED_HEADER_NAMES].flatMap((name) => [name, name.toUpperCase()]))('refuses %s, which the delivery sets', (name) => {
      // Act
      const problems = problemsOf(newEndpointRequestSchema, aRegistration({ headers: { [name]: 'x' } }));

      // Assess
      expect(problems).toEqual([{ field: `headers.${name}`, message: expect.stringContaining('set by the delivery itself') }]);
    });

    it.each([
      [{ 'X Auth': 'a' }, 'headers.X Auth', 'not a header name'],
      [{ 'X-Auth:': 'a' }, 'headers.X-Auth:', 'not a header name'],
      [{ '': 'a' }, 'headers.', 'not a header name'],
      [{ 'X-Auth': 'a\r\nX-Evil: 1' }, 'headers.X-Auth', 'line breaks'],
      [{ 'X-Auth': 'a\nb' }, 'headers.X-Auth', 'line breaks'],
      [{ 'X-Auth': 'v'.repeat(1025) }, 'headers.X-Auth', 'at most 1024 characters'],
      [{ 'X-Auth': 'a', 'x-auth': 'b' }, 'headers.x-auth', 'given twice'],
      [{ 'X-Auth': 5 }, 'headers.X-Auth', 'must be a string'],
      [['X-Auth'], 'headers', 'must be an object'],
    ])('refuses %j', (headers, field, message) => {
      // Act
      const problems = problemsOf(newEndpointRequestSchema, aRegistration({ headers }));

      // Assess
      expect(problems).toEqual([{ field, message: expect.stringContaining(message) }]);
    });

    it(`refuses more than ${MAX_ENDPOINT_HEADERS} headers`, () => {
      // Prepare
      const headers = Object.fromEntries(Array.from({ length: MAX_ENDPOINT_HEADERS + 1 }, (_, index) => [`X-H${index}`, 'v']));

      // Act
      const problems = problemsOf(newEndpointRequestSchema, aRegistration({ headers }));

      // Assess
      expect(problems).toEqual([{ field: 'headers', message: `headers may hold at most ${MAX_ENDPOINT_HEADERS} headers` }]);
    });

    it('accepts the token characters in a name, and an auth header of the app', () => {
      // Prepare
      const headers = { "X-A!#$%&'*+-.^_`|~9": 'v', Authorization: 'Bearer abc.def' };

      // Act / Assess
      expect(newEndpointRequestSchema.parse(aRegistration({ headers })).headers).toEqual(headers);
    });
  });
});

describe('endpointChangeRequestSchema', () => {
  it.each([
    { url: 'https://new.example.com/in' },
    { description: '' },
    { headers: {} },
    { body: 'envelope' },
    { enabled: true },
    { enabled: false, circuit: { cooldown_seconds: 60 } },
    { partner: 'acme' },
    { partner: null },
  ])('accepts %j', (body) => {
    expect(endpointChangeRequestSchema.parse(body)).toEqual(body);
  });

  it.each([
    [{}, '(body)', 'give at least one of'],
    [{ user_id: 'other' }, 'user_id', 'user_id cannot change'],
    [{ enabled: 'yes' }, 'enabled', 'true or false'],
    [{ circuit: {} }, 'circuit', 'failure_threshold, cooldown_seconds or both'],
    [{ url: 'https://a:b@example.com/' }, 'url', 'credentials'],
    [{ headers: { Host: 'evil' } }, 'headers.Host', 'set by the delivery itself'],
    [{ enabled: true, secret: 'whsec_x' }, 'secret', 'unknown field'],
    [{ partner: 'Acme Inc' }, 'partner', 'partner must be a partner name'],
  ])('refuses %j, naming %s', (body, field, message) => {
    expect(problemsOf(endpointChangeRequestSchema, body)).toEqual([{ field, message: expect.stringContaining(message) }]);
  });
});

describe('circuitSettingsOf', () => {
  it('camelCases what is given and leaves out the rest', () => {
    expect(circuitSettingsOf(undefined)).toBeUndefined();
    expect(circuitSettingsOf({ failure_threshold: 3 })).toEqual({ failureThreshold: 3 });
    expect(circuitSettingsOf({ failure_threshold: 3, cooldown_seconds: 9 })).toEqual({ failureThreshold: 3, cooldownSeconds: 9 });
  });
});
