import type { APIGatewayProxyEvent } from 'aws-lambda';
import { HttpError } from './http-error';

/**
 * The request body parsed as JSON, refusing one larger than `maxBytes` (413)
 * before parsing it, and one that is not JSON (400).
 */
export function jsonBody(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>, maxBytes: number): unknown {
  if (event.body === null || event.body === undefined || event.body === '') {
    throw new HttpError(400, 'invalid_json', 'the request body is empty; send a JSON object');
  }
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const bytes = Buffer.byteLength(text);
  if (bytes > maxBytes) {
    throw new HttpError(413, 'payload_too_large', `the request body is ${bytes} bytes; the limit is ${maxBytes}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpError(400, 'invalid_json', `the request body is not valid JSON: ${(error as Error).message}`);
  }
}
