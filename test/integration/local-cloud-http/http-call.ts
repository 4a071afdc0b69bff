import { request } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

/** A response read whole. */
export interface HttpReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  /** The body parsed as JSON. */
  json(): unknown;
}

/** What to send. */
export interface HttpCall {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** Sends one request with exactly the headers given (Host included) and reads the reply. */
export function httpCall(url: string, call: HttpCall = {}): Promise<HttpReply> {
  const target = new URL(url);
  // Without a length Node sends a GET's body unframed; state it so any method can carry one.
  const length = call.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(call.body)) };
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { hostname: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: call.method ?? 'GET', headers: { ...length, ...call.headers } },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body, json: () => JSON.parse(body.toString('utf8')) as unknown });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(call.body);
  });
}

/** Credentials and region to sign with. */
export interface SigningIdentity {
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  region: string;
  signingDate?: Date;
}

/**
 * Signs a request for `execute-api` with the SDK's own SigV4 signer, as the ops
 * CLI will, and sends it. Query values are taken from the URL as decoded text.
 */
export async function signedCall(url: string, call: HttpCall, identity: SigningIdentity): Promise<HttpReply> {
  const target = new URL(url);
  const query: Record<string, string[]> = {};
  for (const [key, value] of target.searchParams) (query[key] ??= []).push(value);
  const signer = new SignatureV4({ credentials: identity.credentials, region: identity.region, service: 'execute-api', sha256: Sha256 });
  const signed = await signer.sign(
    {
      method: call.method ?? 'GET',
      protocol: target.protocol,
      hostname: target.hostname,
      port: Number(target.port),
      path: target.pathname,
      query,
      headers: { host: target.host, ...call.headers },
      body: call.body,
    },
    { signingDate: identity.signingDate },
  );
  return httpCall(url, { method: call.method, headers: signed.headers, body: call.body });
}
