import { timingSafeEqual } from 'node:crypto';
import {
  SIGV4_ALGORITHM,
  UNSIGNED_PAYLOAD,
  canonicalRequest,
  sha256Hex,
  sign,
  stringToSign,
} from './sigv4-canonical';

/** A request as it arrived, before any routing: what a SigV4 verifier needs. */
export interface SignedRequest {
  readonly method: string;
  /** The path as sent on the wire, still percent-encoded, without the query. */
  readonly path: string;
  /** Decoded query parameters, every value of each. */
  readonly query: Record<string, string[]>;
  /** Headers by name (any case); several values of one header as an array. */
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

/** The error type API Gateway names in `x-amzn-ErrorType` for each refusal. */
export type SigV4ErrorType =
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException'
  | 'InvalidSignatureException'
  | 'UnrecognizedClientException';

/** Whether a request's signature holds; on refusal, API Gateway's status and message. */
export type SigV4Verdict =
  | { ok: true; /** The access key the request was signed with. */ accessKeyId?: string }
  | {
      ok: false;
      status: 403;
      message: string;
      /** The matching `x-amzn-ErrorType`. */
      errorType?: SigV4ErrorType;
      /** On a signature mismatch, the canonical request this side computed: for debugging a signer. */
      canonicalRequest?: string;
    };

/** Where and when the request is checked. */
export interface VerifySigV4Options {
  /** The region the credential scope must name. */
  region: string;
  /** The service the credential scope must name (`execute-api` for API Gateway). */
  service: string;
  /** The time to check the signing time against. */
  now: Date;
  /** How far the signing time may be from `now`. @default 300000 (5 minutes, as AWS allows) */
  maxSkewMs?: number;
}

/** The credentials a verifier holds; a session token, if set, must be sent as `x-amz-security-token`. */
export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const INVALID_TOKEN = 'The security token included in the request is invalid.';
const DEFAULT_SKEW_MS = 5 * 60_000;

interface ParsedAuth {
  readonly raw: string;
  readonly credential?: string;
  readonly signedHeaders?: string;
  readonly signature?: string;
  /** Seconds a presigned URL stays valid; only for query-string signing. */
  readonly expiresSeconds?: number;
  readonly fromQuery: boolean;
}

/**
 * Checks a request's AWS Signature Version 4 (an `Authorization` header, or a
 * presigned query string) the way API Gateway does for `AWS_IAM` methods, and
 * answers with API Gateway's own status and messages when it does not hold.
 *
 * @example
 * const verdict = verifySigV4(request, { accessKeyId, secretAccessKey }, { region: 'us-east-1', service: 'execute-api', now: new Date() });
 * if (!verdict.ok) reply(verdict.status, { message: verdict.message });
 */
export function verifySigV4(
  request: SignedRequest,
  credentials: SigV4Credentials,
  options: VerifySigV4Options,
): SigV4Verdict {
  const headers = lowerCaseHeaders(request.headers);
  const auth = readAuth(headers, request.query);
  if (auth === undefined) return refuse('Missing Authentication Token', 'MissingAuthenticationTokenException');

  const amzDate = auth.fromQuery ? first(request.query['X-Amz-Date']) : (headers['x-amz-date'] ?? httpDateAsAmz(headers.date));
  const missing = [
    auth.credential === undefined ? "Authorization header requires 'Credential' parameter." : undefined,
    auth.signature === undefined ? "Authorization header requires 'Signature' parameter." : undefined,
    auth.signedHeaders === undefined ? "Authorization header requires 'SignedHeaders' parameter." : undefined,
    amzDate === undefined ? "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header." : undefined,
  ].filter((part) => part !== undefined);
  if (missing.length > 0 || auth.credential === undefined || auth.signature === undefined || auth.signedHeaders === undefined || amzDate === undefined) {
    return refuse(`${missing.join(' ')} Authorization=${auth.raw}`, 'IncompleteSignatureException');
  }

  const [accessKeyId, scopeDate, scopeRegion, scopeService, terminator, ...extra] = auth.credential.split('/');
  if (terminator !== 'aws4_request' || extra.length > 0) {
    return refuse(`Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator ?? ''}'. `, 'IncompleteSignatureException');
  }
  if (accessKeyId !== credentials.accessKeyId) return refuse(INVALID_TOKEN, 'UnrecognizedClientException');
  if (scopeRegion !== options.region) return refuse(`Credential should be scoped to a valid region, not '${scopeRegion ?? ''}'. `, 'InvalidSignatureException');
  if (scopeService !== options.service) return refuse(`Credential should be scoped to correct service: '${options.service}'. `, 'InvalidSignatureException');

  const signedAt = parseAmzDate(amzDate);
  if (signedAt === undefined) return refuse(`Invalid date format: '${amzDate}'.`, 'IncompleteSignatureException');
  if (scopeDate !== amzDate.slice(0, 8)) {
    return refuse(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate ?? ''}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
      'InvalidSignatureException',
    );
  }
  const timing = checkTime(signedAt, amzDate, options.now, options.maxSkewMs ?? DEFAULT_SKEW_MS, auth.expiresSeconds);
  if (timing !== undefined) return refuse(timing, 'InvalidSignatureException');

  const token = auth.fromQuery ? first(request.query['X-Amz-Security-Token']) : headers['x-amz-security-token'];
  if (token !== credentials.sessionToken) return refuse(INVALID_TOKEN, 'UnrecognizedClientException');

  const signedHeaders = auth.signedHeaders.split(';').map((name) => name.trim().toLowerCase());
  if (!signedHeaders.includes('host')) {
    return refuse("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.", 'InvalidSignatureException');
  }

  const bodyHash = sha256Hex(request.body);
  const declaredHash = headers['x-amz-content-sha256'];
  // A signer that sends the header signs with its value; a value that is not
  // the body's hash means the body changed after signing.
  if (declaredHash !== undefined && declaredHash !== UNSIGNED_PAYLOAD && declaredHash !== bodyHash) {
    return refuse(MISMATCH, 'InvalidSignatureException');
  }
  const canonical = canonicalRequest({
    method: request.method,
    path: request.path,
    query: request.query,
    headers,
    signedHeaders,
    payloadHash: declaredHash ?? bodyHash,
  });
  const scope = [scopeDate, scopeRegion, scopeService, terminator].join('/');
  const expected = sign(credentials.secretAccessKey, scopeDate, scopeRegion, scopeService, stringToSign(amzDate, scope, canonical));
  if (!sameHex(expected, auth.signature)) {
    return { ok: false, status: 403, message: MISMATCH, errorType: 'InvalidSignatureException', canonicalRequest: canonical };
  }
  return { ok: true, accessKeyId };
}

/**
 * The access key a request claims to be signed with, or undefined when it is
 * unsigned: lets a holder of several credentials pick the one to verify with.
 */
export function readSigV4AccessKeyId(request: SignedRequest): string | undefined {
  const auth = readAuth(lowerCaseHeaders(request.headers), request.query);
  return auth?.credential?.split('/')[0];
}

function refuse(message: string, errorType: SigV4ErrorType): SigV4Verdict {
  return { ok: false, status: 403, message, errorType };
}

function readAuth(headers: Record<string, string | undefined>, query: Record<string, string[]>): ParsedAuth | undefined {
  const header = headers.authorization;
  if (header !== undefined) {
    const fields = new Map<string, string>();
    const rest = header.startsWith(`${SIGV4_ALGORITHM} `) ? header.slice(SIGV4_ALGORITHM.length + 1) : '';
    for (const part of rest.split(',')) {
      const at = part.indexOf('=');
      if (at > 0) fields.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
    }
    return {
      raw: header,
      credential: fields.get('Credential'),
      signedHeaders: fields.get('SignedHeaders'),
      signature: fields.get('Signature'),
      fromQuery: false,
    };
  }
  const algorithm = first(query['X-Amz-Algorithm']);
  if (algorithm === undefined) return undefined;
  const expires = Number(first(query['X-Amz-Expires']) ?? 'NaN');
  return {
    raw: `X-Amz-Algorithm=${algorithm}`,
    credential: algorithm === SIGV4_ALGORITHM ? first(query['X-Amz-Credential']) : undefined,
    signedHeaders: first(query['X-Amz-SignedHeaders']),
    signature: first(query['X-Amz-Signature']),
    expiresSeconds: Number.isFinite(expires) ? expires : undefined,
    fromQuery: true,
  };
}

function checkTime(signedAt: Date, amzDate: string, now: Date, skewMs: number, expiresSeconds: number | undefined): string | undefined {
  const minutes = `${skewMs / 60_000} min.`;
  if (signedAt.getTime() > now.getTime() + skewMs) {
    return `Signature not yet current: ${amzDate} is still later than ${toAmzDate(new Date(now.getTime() + skewMs))} (${toAmzDate(now)} + ${minutes})`;
  }
  if (expiresSeconds !== undefined) {
    // A presigned URL lives for its own X-Amz-Expires, not for the clock skew.
    const expiresAt = signedAt.getTime() + expiresSeconds * 1000;
    if (now.getTime() > expiresAt) {
      return `Signature expired: ${amzDate} is now earlier than ${toAmzDate(new Date(now.getTime() - expiresSeconds * 1000))} (${toAmzDate(now)} - ${expiresSeconds} sec.)`;
    }
    return undefined;
  }
  if (signedAt.getTime() < now.getTime() - skewMs) {
    return `Signature expired: ${amzDate} is now earlier than ${toAmzDate(new Date(now.getTime() - skewMs))} (${toAmzDate(now)} - ${minutes})`;
  }
  return undefined;
}

function lowerCaseHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const lower = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const joined = Array.isArray(value) ? value.join(',') : value;
    const before = lower.get(key);
    lower.set(key, before === undefined ? joined : `${before},${joined}`);
  }
  return Object.fromEntries(lower);
}

function first(values: string[] | undefined): string | undefined {
  return values?.[0];
}

/** `20240102T030405Z` from a date, as SigV4 writes times. */
export function toAmzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  const date = new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, s));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function httpDateAsAmz(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : toAmzDate(date);
}

function sameHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
