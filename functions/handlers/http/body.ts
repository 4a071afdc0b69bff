import type { APIGatewayProxyEvent } from 'aws-lambda';
import { HttpError } from './http-error';

/**
 * The request body parsed as JSON, refusing one larger than `maxBytes` (413,
 * naming the limit as `limitName` says it) before parsing it, and one that is
 * not JSON (400). The 400 gives the parser's position, never its quote of the
 * body: the message is also what logs and traces may hold.
 *
 * @example
 * jsonBody(event, 278_528, 'queue "email" takes (its maxPayloadBytes of 262144, plus 16384 for the other fields)');
 */
export function jsonBody(
  event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>,
  maxBytes: number,
  limitName = 'the limit',
): unknown {
  return jsonBodyWithText(event, maxBytes, limitName).value;
}

/**
 * As {@link jsonBody}, with the body's text as received (base64-decoded when
 * API Gateway sent it encoded): for a route that keeps the original bytes.
 */
export function jsonBodyWithText(
  event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>,
  maxBytes: number,
  limitName = 'the limit',
): { readonly text: string; readonly value: unknown } {
  if (event.body === null || event.body === undefined || event.body === '') {
    throw new HttpError(400, 'invalid_json', 'the request body is empty; send a JSON object');
  }
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const bytes = Buffer.byteLength(text);
  if (bytes > maxBytes) {
    throw new HttpError(413, 'payload_too_large', `the request body is ${bytes} bytes; ${limitName} is ${maxBytes} bytes`);
  }
  try {
    return { text, value: JSON.parse(text) as unknown };
  } catch (error) {
    const position = /at position (\d+)/.exec((error as Error).message)?.[1];
    throw new HttpError(400, 'invalid_json', `the request body is not valid JSON${position === undefined ? '' : ` (at byte ${position})`}`);
  }
}
