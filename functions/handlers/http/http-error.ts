/**
 * An error that becomes an HTTP response: the status, a stable machine-readable
 * `code`, a sentence for people and, for validation, the fields at fault.
 */
export class HttpError extends Error {
  public readonly statusCode: number;
  public readonly code: string;
  public readonly details?: unknown;

  public constructor(statusCode: number, code: string, message: string, details?: unknown, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'HttpError';
    this.statusCode = statusCode;
    this.code = code;
    this.details = details;
  }
}

/** The body of every error response: `{ ok: false, error: { code, message, details? } }`. */
export function errorBody(code: string, message: string, details?: unknown): Record<string, unknown> {
  return { ok: false, error: details === undefined ? { code, message } : { code, message, details } };
}
