import { STATUS_CODES } from 'node:http';
import { JobFailedError } from '../core/errors';
import { FAILURE_CATEGORY, categoryOfHttpStatus } from '../core/failure';
import { parseRetryAfterMs } from './retry-after';

/** At most this much of a response body is read; the rest is left unread. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

/** A body that is not JSON is kept as text cut to this many bytes. */
export const MAX_TEXT_RESULT_BYTES = 1024;

/** What a delivery resolves with. */
export interface HttpDeliveryResult {
  readonly status: number;
  /** Parsed JSON when the target answered JSON, else text cut to {@link MAX_TEXT_RESULT_BYTES}. */
  readonly body: unknown;
}

/** The part of a response the failure mapping reads. */
export interface ResponseHead {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
}

/** Only these statuses may ask for a later retry; elsewhere `Retry-After` means nothing to us. */
const RETRY_AFTER_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/**
 * The error for a response that is not a success: its category from the status,
 * and for a 429 or 503 the wait its `Retry-After` asks for.
 *
 * @example
 * failureOfResponse({ status: 503, headers: new Headers({ 'retry-after': '5' }) }, 'hooks.example.com', new Date());
 * // JobFailedError('target answered 503 Service Unavailable'), category 'server', retryAfterMs 5000
 */
export function failureOfResponse(response: ResponseHead, host: string, now: Date): JobFailedError {
  const { status } = response;
  const category = categoryOfHttpStatus(status) ?? FAILURE_CATEGORY.client;
  // The standard phrase, not the target's own: a target controls its reason text.
  const reason = STATUS_CODES[status] ?? 'Unknown Status';
  const redirect = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
  const retryAfterMs = RETRY_AFTER_STATUSES.has(status)
    ? parseRetryAfterMs(response.headers.get('retry-after'), now)
    : undefined;
  return new JobFailedError(`target answered ${status} ${reason}${redirect}`, category, {
    retryAfterMs,
    context: { host, status },
  });
}

/**
 * Reads a body up to `limitBytes` and releases the rest (leaving the iteration
 * cancels a web stream and destroys a Node stream, closing its connection), so
 * a target that streams forever cannot hold the consumer.
 */
export async function readBodyLimited(
  body: AsyncIterable<Uint8Array> | null,
  limitBytes: number = MAX_RESPONSE_BYTES,
): Promise<{ bytes: Buffer; truncated: boolean }> {
  if (body === null) return { bytes: Buffer.alloc(0), truncated: false };
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    size += chunk.byteLength;
    if (size > limitBytes) return { bytes: Buffer.concat(chunks, size).subarray(0, limitBytes), truncated: true };
  }
  return { bytes: Buffer.concat(chunks, size), truncated: false };
}

/**
 * A response body as a job result: parsed when the content type is JSON and the
 * whole body was read and parses, else text cut to {@link MAX_TEXT_RESULT_BYTES}
 * (`undefined` when empty).
 */
export function resultOfBody(contentType: string | null, bytes: Buffer, truncated: boolean): unknown {
  if (bytes.length === 0) return undefined;
  if (!truncated && isJsonType(contentType)) {
    try {
      return JSON.parse(bytes.toString('utf8')) as unknown;
    } catch {
      // A target that mislabels its body still gets its text recorded.
    }
  }
  return cutText(bytes, MAX_TEXT_RESULT_BYTES);
}

function isJsonType(contentType: string | null): boolean {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}

/** UTF-8 text of at most `maxBytes` bytes, never ending in half a character. */
function cutText(bytes: Buffer, maxBytes: number): string {
  if (bytes.length <= maxBytes) return bytes.toString('utf8');
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) to the start of the cut character.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end).toString('utf8');
}
