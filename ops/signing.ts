import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

/** Credentials a request is signed with. */
export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** One HTTP request to sign. */
export interface RequestToSign {
  readonly method: string;
  /** The full URL, query included. */
  readonly url: URL;
  /** Headers besides `host` (which comes from the URL). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** Where and when to sign. */
export interface SigningScope {
  readonly credentials: SigningCredentials;
  readonly region: string;
  /** @default 'execute-api' - API Gateway's service name */
  readonly service?: string;
  /** @default - now */
  readonly signingDate?: Date;
}

/**
 * Signs a request with AWS Signature Version 4 and returns the headers to send
 * (`host`, `x-amz-date`, `authorization`, `x-amz-security-token` with session
 * credentials, and the request's own). No `x-amz-content-sha256` header:
 * API Gateway does not want one, and the signature covers the body anyway.
 *
 * @example
 * const headers = await signRequest({ method: 'GET', url: new URL(`${apiUrl}/admin/queues`) }, { credentials, region: 'eu-west-1' });
 * await fetch(url, { method: 'GET', headers });
 */
export async function signRequest(request: RequestToSign, scope: SigningScope): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service: scope.service ?? 'execute-api',
    region: scope.region,
    credentials: scope.credentials,
    sha256: Sha256,
    applyChecksum: false,
  });
  const query: Record<string, string> = {};
  for (const [key, value] of request.url.searchParams) query[key] = value;
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: request.url.protocol,
      hostname: request.url.hostname,
      ...(request.url.port === '' ? {} : { port: Number(request.url.port) }),
      path: request.url.pathname,
      query,
      headers: { ...request.headers, host: request.url.host },
      ...(request.body === undefined ? {} : { body: request.body }),
    },
    scope.signingDate === undefined ? {} : { signingDate: scope.signingDate },
  );
  return Object.fromEntries(Object.entries(signed.headers).map(([name, value]) => [name.toLowerCase(), String(value)]));
}
