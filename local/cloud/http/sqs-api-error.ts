import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';

/** The content type of SQS's JSON protocol. */
export const SQS_JSON = 'application/x-amz-json-1.0';

/**
 * An SQS error as its JSON protocol sends it: `__type` names the error in the
 * `com.amazonaws.sqs` namespace, and `x-amzn-query-error` carries the older
 * query-protocol code (`AWS.SimpleQueueService.*` for some errors), which the
 * SDK exposes as the error's `Code`.
 */
export class SqsApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly queryCode = code,
  ) {
    super(message);
    this.name = 'SqsApiError';
  }

  /** `InvalidParameterValue`: a request value SQS refuses. */
  static invalidParameter(message: string): SqsApiError {
    return new SqsApiError('InvalidParameterValue', message);
  }

  /** `ResourceNotFoundException` (404): a queue or task that is not there. */
  static notFound(message: string): SqsApiError {
    return new SqsApiError('ResourceNotFoundException', message, 404);
  }

  /** `UnsupportedOperation`: an action SQS does not allow in this state. */
  static unsupported(message: string): SqsApiError {
    return new SqsApiError('UnsupportedOperation', message, 400, 'AWS.SimpleQueueService.UnsupportedOperation');
  }
}

/** Writes a JSON-protocol success answer. */
export function sendSqsResult(response: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(200, { 'Content-Type': SQS_JSON, 'Content-Length': String(Buffer.byteLength(text)), 'x-amzn-RequestId': randomUUID() });
  response.end(text);
}

/** Writes a JSON-protocol error answer. */
export function sendSqsError(response: ServerResponse, error: SqsApiError): void {
  const text = JSON.stringify({ __type: `com.amazonaws.sqs#${error.code}`, message: error.message });
  response.writeHead(error.status, {
    'Content-Type': SQS_JSON,
    'Content-Length': String(Buffer.byteLength(text)),
    'x-amzn-query-error': `${error.queryCode};Sender`,
    'x-amzn-RequestId': randomUUID(),
  });
  response.end(text);
}
