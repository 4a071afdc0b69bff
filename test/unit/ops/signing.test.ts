import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signRequest } from '../../../ops/signing';

/** The credentials of AWS's published Signature Version 4 test suite. */
const SUITE_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const SUITE_DATE = new Date('2015-08-30T12:36:00Z');

const hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** Signature Version 4, computed step by step from the specification, to check the signer against. */
function recompute(input: {
  method: string; path: string; query: string; headers: Record<string, string>; body: string;
  secret: string; date: string; region: string; service: string;
}): { signature: string; signedHeaders: string } {
  const names = Object.keys(input.headers).map((name) => name.toLowerCase()).sort();
  const canonicalHeaders = names.map((name) => `${name}:${(input.headers[name] ?? '').trim()}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [input.method, input.path, input.query, canonicalHeaders, signedHeaders, hex(input.body)].join('\n');
  const day = input.date.slice(0, 8);
  const scope = `${day}/${input.region}/${input.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', input.date, scope, hex(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${input.secret}`, day), input.region), input.service), 'aws4_request');
  return { signature: createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex'), signedHeaders };
}

describe('signRequest', () => {
  it("matches AWS's published get-vanilla vector", async () => {
    // Act
    const headers = await signRequest(
      { method: 'GET', url: new URL('https://example.amazonaws.com/') },
      { credentials: SUITE_CREDENTIALS, region: 'us-east-1', service: 'service', signingDate: SUITE_DATE },
    );

    // Assess
    expect(headers['x-amz-date']).toBe('20150830T123600Z');
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, ' +
        'Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });

  it('signs an admin call for execute-api as a recomputation from the specification does: query sorted, body hashed, port in host', async () => {
    // Prepare
    const body = JSON.stringify({ state: 'completed', older_than_hours: 24 });
    const url = new URL('http://127.0.0.1:3000/local/admin/queues/email/clean?b=2&a=x%20y');

    // Act
    const headers = await signRequest(
      { method: 'POST', url, body, headers: { 'content-type': 'application/json' } },
      { credentials: { ...SUITE_CREDENTIALS, sessionToken: 'token-1' }, region: 'eu-west-1', signingDate: new Date('2026-01-01T00:00:00Z') },
    );
    const expected = recompute({
      method: 'POST',
      path: '/local/admin/queues/email/clean',
      query: 'a=x%20y&b=2',
      headers: { 'content-type': 'application/json', host: '127.0.0.1:3000', 'x-amz-date': '20260101T000000Z', 'x-amz-security-token': 'token-1' },
      body,
      secret: SUITE_CREDENTIALS.secretAccessKey,
      date: '20260101T000000Z',
      region: 'eu-west-1',
      service: 'execute-api',
    });

    // Assess
    expect(headers.host).toBe('127.0.0.1:3000');
    expect(headers['x-amz-security-token']).toBe('token-1');
    expect(headers['x-amz-content-sha256']).toBeUndefined();
    expect(headers.authorization).toBe(
      `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/eu-west-1/execute-api/aws4_request, SignedHeaders=${expected.signedHeaders}, Signature=${expected.signature}`,
    );
  });

  it('changes the signature when the body changes', async () => {
    // Prepare
    const sign = (body: string) =>
      signRequest({ method: 'POST', url: new URL('https://api.example.com/admin/queues/email/redrive'), body }, { credentials: SUITE_CREDENTIALS, region: 'eu-west-1', signingDate: SUITE_DATE });

    // Act
    const [one, two] = await Promise.all([sign('{"all":true}'), sign('{"all":false}')]);

    // Assess
    expect(one.authorization).not.toBe(two.authorization);
  });
});
