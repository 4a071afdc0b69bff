import { describe, expect, it } from 'vitest';
import { jsonBody } from '../../../functions/handlers/http/body';
import { correlationIdOf, header } from '../../../functions/handlers/http/correlation';
import { errorBody, HttpError } from '../../../functions/handlers/http/http-error';

describe('jsonBody', () => {
  it('parses a JSON body, plain or base64-encoded', () => {
    // Prepare
    const text = JSON.stringify({ data: { a: 1 } });

    // Act
    const plain = jsonBody({ body: text, isBase64Encoded: false }, 1024);
    const encoded = jsonBody({ body: Buffer.from(text).toString('base64'), isBase64Encoded: true }, 1024);

    // Assess
    expect(plain).toEqual({ data: { a: 1 } });
    expect(encoded).toEqual({ data: { a: 1 } });
  });

  it.each([
    [null, 400, 'invalid_json'],
    ['', 400, 'invalid_json'],
    ['{"data":', 400, 'invalid_json'],
    ['x'.repeat(2000), 413, 'payload_too_large'],
  ])('refuses %j', (body, status, code) => {
    // Act
    const attempt = () => jsonBody({ body, isBase64Encoded: false }, 1024);

    // Assess
    expect(attempt).toThrow(HttpError);
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({ statusCode: status, code });
    }
  });
});

describe('correlation ids', () => {
  const context = { requestId: 'req-1' } as never;

  it('reads headers whatever their case', () => {
    expect(header({ headers: { 'X-Correlation-Id': 'abc' } }, 'x-correlation-id')).toBe('abc');
    expect(header({ headers: {} }, 'x-correlation-id')).toBeUndefined();
  });

  it("keeps a caller's sane id, and falls back to the request id for a missing or unsafe one", () => {
    expect(correlationIdOf({ headers: { 'x-correlation-id': 'order-42:step.1' }, requestContext: context })).toBe('order-42:step.1');
    expect(correlationIdOf({ headers: { 'x-correlation-id': 'bad id with spaces\n' }, requestContext: context })).toBe('req-1');
    expect(correlationIdOf({ headers: {}, requestContext: context })).toBe('req-1');
  });
});

describe('errorBody', () => {
  it('is the API error envelope, with details only when given', () => {
    expect(errorBody('unknown_queue', 'no queue')).toEqual({ ok: false, error: { code: 'unknown_queue', message: 'no queue' } });
    expect(errorBody('invalid_request', 'bad', [{ field: 'data' }])).toEqual({
      ok: false,
      error: { code: 'invalid_request', message: 'bad', details: [{ field: 'data' }] },
    });
  });
});
