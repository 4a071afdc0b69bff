import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';

/** The header a caller may set to follow its request through the pipeline. */
export const CORRELATION_HEADER = 'x-correlation-id';

/** A header's value, whatever its case. */
export function header(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

/**
 * The request's correlation id: the caller's `x-correlation-id` when it is a
 * sane token, else API Gateway's request id, else a new one.
 */
export function correlationIdOf(event: Pick<APIGatewayProxyEvent, 'headers' | 'requestContext'>): string {
  const given = header(event, CORRELATION_HEADER);
  if (given && /^[A-Za-z0-9._:-]{1,128}$/.test(given)) return given;
  return event.requestContext?.requestId || randomUUID();
}
