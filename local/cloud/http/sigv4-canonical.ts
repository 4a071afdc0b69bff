import { createHash, createHmac } from 'node:crypto';

/**
 * The pure half of Signature Version 4: the canonical request, the string to
 * sign and the signature, computed from what arrived on the wire. Kept apart
 * from the parsing of `Authorization` so each can be tested on its own.
 */

/** The algorithm name in `Authorization` and `X-Amz-Algorithm`. */
export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

/** The payload hash a signer uses when it chose not to hash the body. */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/** What goes into a canonical request, as received (header names lower case). */
export interface CanonicalInput {
  readonly method: string;
  /** The path as sent, still percent-encoded, without the query. */
  readonly path: string;
  /** Decoded query parameters; `X-Amz-Signature` is skipped. */
  readonly query: Readonly<Record<string, readonly string[]>>;
  /** Header values by lower-case name; several values of one header are joined with commas. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Lower-case names of the headers the signer covered, as listed in `SignedHeaders`. */
  readonly signedHeaders: readonly string[];
  /** Hex SHA-256 of the body, or {@link UNSIGNED_PAYLOAD}. */
  readonly payloadHash: string;
}

/**
 * RFC 3986 encoding as SigV4 wants it: `encodeURIComponent` leaves `!'()*`
 * alone, and signers escape those too.
 */
export function sigv4Escape(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The canonical URI of every service but S3: dot segments and empty segments
 * removed, then the already-encoded path encoded once more (so `%20` becomes
 * `%2520`), slashes kept. This is what the SDK's signer does, and a verifier
 * has to agree with the signer, not with the RFC.
 */
export function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
  const normalized = `${path.startsWith('/') ? '/' : ''}${segments.join('/')}${trailing}`;
  return sigv4Escape(normalized).replace(/%2F/g, '/');
}

/** Parameters sorted by encoded name, then by encoded `name=value` pairs; the signature itself left out. */
export function canonicalQuery(query: Readonly<Record<string, readonly string[]>>): string {
  const byKey = new Map<string, string>();
  for (const [key, values] of Object.entries(query)) {
    if (key.toLowerCase() === 'x-amz-signature') continue;
    const encodedKey = sigv4Escape(key);
    const pairs = values.map((value) => `${encodedKey}=${sigv4Escape(value)}`).sort();
    byKey.set(encodedKey, pairs.join('&'));
  }
  return [...byKey.keys()]
    .sort()
    .map((key) => byKey.get(key) ?? '')
    .filter((pairs) => pairs !== '')
    .join('&');
}

/** A header value as signers canonicalize it: line breaks and runs of blanks become one space, ends trimmed. */
export function canonicalHeaderValue(value: string): string {
  return value.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').trim();
}

/** The canonical request: six lines, the last one the payload hash. */
export function canonicalRequest(input: CanonicalInput): string {
  const names = [...input.signedHeaders].sort();
  const headerLines = names.map((name) => `${name}:${canonicalHeaderValue(input.headers[name] ?? '')}`);
  return [
    input.method.toUpperCase(),
    canonicalPath(input.path),
    canonicalQuery(input.query),
    ...headerLines,
    '',
    names.join(';'),
    input.payloadHash,
  ].join('\n');
}

/** Hex SHA-256 of a string or bytes. */
export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `AWS4-HMAC-SHA256`, the request time, the credential scope and the hashed canonical request. */
export function stringToSign(amzDate: string, scope: string, request: string): string {
  return [SIGV4_ALGORITHM, amzDate, scope, sha256Hex(request)].join('\n');
}

/** The hex signature of `toSign` under the key derived from the secret, date, region and service. */
export function sign(secretAccessKey: string, shortDate: string, region: string, service: string, toSign: string): string {
  let key: Buffer = createHmac('sha256', `AWS4${secretAccessKey}`).update(shortDate).digest();
  for (const part of [region, service, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  return createHmac('sha256', key).update(toSign).digest('hex');
}
