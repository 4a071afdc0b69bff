/** A Lambda proxy result turned into an HTTP response, or why API Gateway would refuse it. */
export type MappedResult =
  | { readonly ok: true; readonly statusCode: number; readonly headers: Record<string, string[]>; readonly body: Buffer }
  | { readonly ok: false; readonly reason: string };

/** The only keys API Gateway accepts in a proxy result; any other makes it "malformed". */
const ALLOWED_KEYS = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']);

type Scalar = string | number | boolean;

/**
 * Checks a function's result the way API Gateway's Lambda proxy integration
 * does and maps it to a response: a status code, `headers` merged with
 * `multiValueHeaders` (where both name a header, only the multi-value list is
 * kept), and the body decoded from base64 when `isBase64Encoded`. Anything
 * else (no object, an unknown key, a body that is not a string, a bad status)
 * is a malformed response, which API Gateway answers with a 502.
 *
 * @example
 * mapProxyResult({ statusCode: 202, body: '{"ok":true}' }); // { ok: true, statusCode: 202, headers: {}, body: <Buffer ...> }
 */
export function mapProxyResult(result: unknown): MappedResult {
  if (!isRecord(result)) return malformed('the result is not an object');
  const unknown = Object.keys(result).filter((key) => !ALLOWED_KEYS.has(key));
  if (unknown.length > 0) return malformed(`unexpected keys: ${unknown.join(', ')}`);

  const statusCode = typeof result.statusCode === 'string' ? Number(result.statusCode) : result.statusCode;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    return malformed('statusCode is not an HTTP status');
  }
  const { body, isBase64Encoded } = result;
  if (body !== undefined && body !== null && typeof body !== 'string') return malformed('body is not a string');
  if (isBase64Encoded !== undefined && isBase64Encoded !== null && typeof isBase64Encoded !== 'boolean') {
    return malformed('isBase64Encoded is not a boolean');
  }

  const single = scalarMap(result.headers);
  const multi = listMap(result.multiValueHeaders);
  if (single === undefined) return malformed('headers is not a map of strings');
  if (multi === undefined) return malformed('multiValueHeaders is not a map of string lists');

  const headers = new Map<string, string[]>();
  for (const [name, value] of single) headers.set(name, [String(value)]);
  for (const [name, values] of multi) {
    for (const known of headers.keys()) if (known.toLowerCase() === name.toLowerCase()) headers.delete(known);
    headers.set(name, values.map(String));
  }
  const text = typeof body === 'string' ? body : '';
  return {
    ok: true,
    statusCode,
    headers: Object.fromEntries(headers),
    body: isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8'),
  };
}

function malformed(reason: string): MappedResult {
  return { ok: false, reason: `Malformed Lambda proxy response: ${reason}` };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function scalarMap(value: unknown): [string, Scalar][] | undefined {
  if (value === undefined || value === null) return [];
  if (!isRecord(value)) return undefined;
  const entries = Object.entries(value);
  const scalars = entries.filter((entry): entry is [string, Scalar] => isScalar(entry[1]));
  return scalars.length === entries.length ? scalars : undefined;
}

function listMap(value: unknown): [string, Scalar[]][] | undefined {
  if (value === undefined || value === null) return [];
  if (!isRecord(value)) return undefined;
  const entries = Object.entries(value);
  const lists = entries.filter((entry): entry is [string, Scalar[]] => Array.isArray(entry[1]) && entry[1].every(isScalar));
  return lists.length === entries.length ? lists : undefined;
}
