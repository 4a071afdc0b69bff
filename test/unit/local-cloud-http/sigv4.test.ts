import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { readSigV4AccessKeyId, verifySigV4, type SignedRequest } from '../../../local/cloud/http/sigv4';

const credentials = { accessKeyId: 'AKIDLOCALADMIN', secretAccessKey: 'local-admin-secret' };
const region = 'us-east-1';
const service = 'execute-api';
const signedAt = new Date('2024-05-06T10:00:00Z');
const options = { region, service, now: new Date(signedAt.getTime() + 1_000) };

/** The request shape the SDK signer takes and returns. */
type HttpRequest = Parameters<SignatureV4['presign']>[0];

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

interface RequestSpec {
  method?: string;
  path?: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  body?: string;
}

function httpRequest(spec: RequestSpec): HttpRequest {
  return {
    method: spec.method ?? 'GET',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 3000,
    path: spec.path ?? '/admin/queues',
    query: spec.query ?? {},
    headers: { host: '127.0.0.1:3000', ...spec.headers },
    body: spec.body,
  };
}

/** What the server sees of a signed request: the same path, query values as lists, the bytes of the body. */
function received(request: HttpRequest): SignedRequest {
  const query: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(request.query ?? {})) {
    if (value === null || value === undefined) continue;
    query[key] = Array.isArray(value) ? [...value] : [value];
  }
  const body: unknown = request.body;
  return {
    method: request.method,
    path: request.path,
    query,
    headers: { ...request.headers },
    body: Buffer.from(typeof body === 'string' ? body : ''),
  };
}

async function signed(spec: RequestSpec, signer = new SignatureV4({ credentials, region, service, sha256: Sha256 })): Promise<SignedRequest> {
  return received(await signer.sign(httpRequest(spec), { signingDate: signedAt }));
}

describe('verifySigV4', () => {
  it('accepts requests signed by the SDK signer: a GET with a query, a POST with a body, an encoded path', async () => {
    const requests = await Promise.all([
      signed({ query: { limit: '10', cursor: 'a b/c+d=e', tag: ['z', 'a'] } }),
      signed({ method: 'POST', path: '/admin/queues/email/redrive', body: '{"all":true}', headers: { 'content-type': 'application/json' } }),
      signed({ path: '/admin/jobs/a%20b%2Fc/retry', method: 'POST', body: '' }),
      signed({ headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, body: 'anything' }),
    ]);

    const verdicts = requests.map((request) => verifySigV4(request, credentials, options));

    expect(verdicts).toEqual(requests.map(() => ({ ok: true, accessKeyId: credentials.accessKeyId })));
  });

  it('accepts a session token when the credentials hold it, and refuses it when they do not', async () => {
    const withToken = { ...credentials, sessionToken: 'session-token' };
    const request = await signed({}, new SignatureV4({ credentials: withToken, region, service, sha256: Sha256 }));

    expect(verifySigV4(request, withToken, options)).toEqual({ ok: true, accessKeyId: credentials.accessKeyId });
    expect(verifySigV4(request, credentials, options)).toMatchObject({ ok: false, message: 'The security token included in the request is invalid.' });
  });

  it('accepts a presigned URL until it expires', async () => {
    const signer = new SignatureV4({ credentials, region, service, sha256: Sha256 });
    const request = received(await signer.presign(httpRequest({ query: { a: '1' } }), { signingDate: signedAt, expiresIn: 60 }));

    expect(verifySigV4(request, credentials, options)).toEqual({ ok: true, accessKeyId: credentials.accessKeyId });
    const late = verifySigV4(request, credentials, { ...options, now: new Date(signedAt.getTime() + 61_000) });
    expect(late).toMatchObject({ ok: false, status: 403, message: expect.stringMatching(/^Signature expired: 20240506T100000Z is now earlier than/) });
  });

  it('says "Missing Authentication Token" for an unsigned request', () => {
    const request = received(httpRequest({}));

    expect(verifySigV4(request, credentials, options)).toEqual({
      ok: false,
      status: 403,
      message: 'Missing Authentication Token',
      errorType: 'MissingAuthenticationTokenException',
    });
  });

  it('refuses a request whose body, path, query or a signed header changed after signing', async () => {
    const original = await signed({ method: 'POST', path: '/admin/queues/email/clean', query: { dry: 'true' }, body: '{"state":"failed"}', headers: { 'content-type': 'application/json' } });
    const tampered: SignedRequest[] = [
      { ...original, body: Buffer.from('{"state":"completed"}') },
      { ...original, path: '/admin/queues/sms/clean' },
      { ...original, query: { dry: ['false'] } },
      { ...original, headers: { ...original.headers, 'content-type': 'text/plain' } },
      { ...original, method: 'PUT' },
    ];

    const verdicts = tampered.map((request) => verifySigV4(request, credentials, options));

    for (const verdict of verdicts) {
      expect(verdict).toMatchObject({ ok: false, status: 403, message: MISMATCH, errorType: 'InvalidSignatureException' });
    }
  });

  it('refuses a wrong secret with the mismatch message and an unknown key with the invalid-token message', async () => {
    const wrongSecret = await signed({}, new SignatureV4({ credentials: { ...credentials, secretAccessKey: 'guess' }, region, service, sha256: Sha256 }));
    const unknownKey = await signed({}, new SignatureV4({ credentials: { accessKeyId: 'AKIDSTRANGER', secretAccessKey: 'x' }, region, service, sha256: Sha256 }));

    expect(verifySigV4(wrongSecret, credentials, options)).toMatchObject({ ok: false, message: MISMATCH });
    expect(verifySigV4(unknownKey, credentials, options)).toEqual({
      ok: false,
      status: 403,
      message: 'The security token included in the request is invalid.',
      errorType: 'UnrecognizedClientException',
    });
    expect(readSigV4AccessKeyId(unknownKey)).toBe('AKIDSTRANGER');
  });

  it('refuses signatures older or newer than the allowed skew, in API Gateway words', async () => {
    const request = await signed({});

    const old = verifySigV4(request, credentials, { ...options, now: new Date('2024-05-06T10:05:01Z') });
    const early = verifySigV4(request, credentials, { ...options, now: new Date('2024-05-06T09:54:59Z') });

    expect(old).toMatchObject({
      ok: false,
      message: 'Signature expired: 20240506T100000Z is now earlier than 20240506T100001Z (20240506T100501Z - 5 min.)',
    });
    expect(early).toMatchObject({
      ok: false,
      message: 'Signature not yet current: 20240506T100000Z is still later than 20240506T095959Z (20240506T095459Z + 5 min.)',
    });
  });

  it('refuses a credential scoped to another region or service', async () => {
    const otherRegion = await signed({}, new SignatureV4({ credentials, region: 'eu-west-1', service, sha256: Sha256 }));
    const otherService = await signed({}, new SignatureV4({ credentials, region, service: 'sqs', sha256: Sha256 }));

    expect(verifySigV4(otherRegion, credentials, options)).toMatchObject({ ok: false, message: "Credential should be scoped to a valid region, not 'eu-west-1'. " });
    expect(verifySigV4(otherService, credentials, options)).toMatchObject({ ok: false, message: "Credential should be scoped to correct service: 'execute-api'. " });
  });

  it('names the missing parts of a malformed Authorization header', () => {
    const request = received(httpRequest({ headers: { authorization: 'Bearer abc' } }));

    expect(verifySigV4(request, credentials, options)).toMatchObject({
      ok: false,
      status: 403,
      errorType: 'IncompleteSignatureException',
      message:
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=Bearer abc",
    });
  });
});
