import { describe, expect, it } from 'vitest';
import { mapProxyResult } from '../../../local/cloud/http/proxy-result';

describe('mapProxyResult', () => {
  it('maps status, body and both header forms, the multi-value list winning for a shared name', () => {
    const mapped = mapProxyResult({
      statusCode: 202,
      headers: { 'Content-Type': 'application/json', 'X-Count': 3, 'set-cookie': 'a=1' },
      multiValueHeaders: { 'Set-Cookie': ['b=2', 'c=3'] },
      body: '{"ok":true}',
    });

    expect(mapped).toEqual({
      ok: true,
      statusCode: 202,
      headers: { 'Content-Type': ['application/json'], 'X-Count': ['3'], 'Set-Cookie': ['b=2', 'c=3'] },
      body: Buffer.from('{"ok":true}'),
    });
  });

  it('decodes a base64 body and allows a missing one', () => {
    const binary = mapProxyResult({ statusCode: 200, body: Buffer.from([0, 1, 255]).toString('base64'), isBase64Encoded: true });
    const empty = mapProxyResult({ statusCode: 204 });

    expect(binary).toMatchObject({ ok: true, body: Buffer.from([0, 1, 255]) });
    expect(empty).toMatchObject({ ok: true, statusCode: 204, body: Buffer.alloc(0) });
  });

  it.each([
    ['no result', undefined],
    ['a string', 'ok'],
    ['an object body', { statusCode: 200, body: { ok: true } }],
    ['an extra key', { statusCode: 200, body: '', ok: true }],
    ['no status', { body: 'x' }],
    ['a bad status', { statusCode: 42, body: '' }],
    ['a header that is an object', { statusCode: 200, headers: { a: { b: 1 } } }],
    ['multi-value headers that are not lists', { statusCode: 200, multiValueHeaders: { a: 'b' } }],
  ])('calls %s malformed, as API Gateway does', (_name, result) => {
    expect(mapProxyResult(result)).toMatchObject({ ok: false, reason: expect.stringMatching(/^Malformed Lambda proxy response/) });
  });
});
