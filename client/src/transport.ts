import { JobPipelineError, NetworkError, RateLimitedError } from './errors.js';
import { isRetryableStatus, jitteredDelayMs, retryAfterMs, type RetryPolicy } from './retry.js';

/** The `fetch` this client calls: the global one, or one given (a test's fake, an instrumented one). */
export type FetchFunction = (input: string, init: { method: string; headers: Record<string, string>; body?: string }) => Promise<Response>;

/** One answer of the HTTP API, its JSON body parsed. */
export interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
}

/** Where and how to call the API. */
export interface TransportSettings {
  /** The API's base URL, e.g. `https://abc.execute-api.eu-west-1.amazonaws.com/prod`. */
  readonly url: string;
  readonly apiKey: string;
  readonly fetch: FetchFunction;
  readonly retry: RetryPolicy;
}

/** Whether the request may be sent again when its answer is lost or refused for a passing reason. */
export interface RequestOptions {
  readonly body?: unknown;
  /** Reads always; writes only when repeating them is harmless. */
  readonly retry: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends API requests with the API key and retries them, when allowed, on
 * 429 (after its `Retry-After` when given), 5xx and network errors, with
 * full-jitter exponential waits. Any other answer is returned as is: the
 * caller decides what a status means.
 */
export class ApiTransport {
  private readonly baseUrl: string;

  public constructor(private readonly settings: TransportSettings) {
    this.baseUrl = settings.url.replace(/\/+$/, '');
  }

  /**
   * Sends one request, retrying as the policy allows.
   *
   * @throws NetworkError when no answer came, after any retries
   */
  public async request(method: string, path: string, options: RequestOptions): Promise<ApiAnswer> {
    const { retry } = this.settings;
    const tries = options.retry ? retry.retries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= tries;
      let answer: ApiAnswer;
      try {
        answer = await this.send(method, path, options.body);
      } catch (error) {
        if (last) {
          const retried = attempt > 1 ? ` after ${attempt} tries` : '';
          throw new NetworkError(`${method} ${path} got no answer${retried}: ${(error as Error)?.message ?? String(error)}`, error);
        }
        await sleep(jitteredDelayMs(retry, attempt));
        continue;
      }
      if (last || !isRetryableStatus(answer.status)) return answer;
      const askedMs = retryAfterMs(answer.headers.get('retry-after'));
      if (askedMs !== undefined && askedMs > retry.maxRetryAfterMs) return answer;
      await sleep(askedMs ?? jitteredDelayMs(retry, attempt));
    }
  }

  private async send(method: string, path: string, body: unknown): Promise<ApiAnswer> {
    const headers: Record<string, string> = { accept: 'application/json', 'x-api-key': this.settings.apiKey };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.settings.fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: parseBody(text), headers: response.headers };
  }
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The server's error envelope `{ ok: false, error: { code, message, details? } }`, when the body is one. */
export function envelopeError(body: unknown): { code: string; message: string; details?: unknown } | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const error = (body as { error?: unknown }).error;
  if (error === null || typeof error !== 'object') return undefined;
  const { code, message, details } = error as { code?: unknown; message?: unknown; details?: unknown };
  if (typeof code !== 'string') return undefined;
  return { code, message: typeof message === 'string' ? message : code, ...(details === undefined ? {} : { details }) };
}

/** Field problems `[{ field, message }]` as one line, so a logged message says what to fix. */
function fieldSummary(details: unknown): string {
  if (!Array.isArray(details)) return '';
  const problems = details
    .filter((item): item is { field: string; message: string } => typeof item?.field === 'string' && typeof item?.message === 'string')
    .map((item) => `${item.field}: ${item.message}`);
  return problems.length > 0 ? ` (${problems.join('; ')})` : '';
}

/**
 * One refused job of a batch as an error: the server's envelope (its field
 * problems in the message too), with no HTTP status of its own.
 */
export function errorFromEnvelope(body: unknown): JobPipelineError {
  const envelope = envelopeError(body);
  return new JobPipelineError(envelope === undefined ? 'refused' : `${envelope.message}${fieldSummary(envelope.details)}`, {
    code: envelope?.code ?? 'refused',
    ...(envelope?.details === undefined ? {} : { details: envelope.details }),
  });
}

/**
 * The error for an answer the caller did not expect: the server's envelope
 * as a {@link JobPipelineError} (a {@link RateLimitedError} for 429), or,
 * for a body that is not one (a gateway's own answer), `http_<status>`.
 */
export function errorFromAnswer(answer: ApiAnswer, request: string): JobPipelineError {
  const envelope = envelopeError(answer.body);
  const gatewayMessage = (answer.body as { message?: unknown } | undefined)?.message;
  const code = envelope?.code ?? `http_${answer.status}`;
  const message =
    envelope !== undefined
      ? `${envelope.message}${fieldSummary(envelope.details)}`
      : `${request} answered ${answer.status}${typeof gatewayMessage === 'string' ? `: ${gatewayMessage}` : ''}`;
  const options = { status: answer.status, code, ...(envelope?.details === undefined ? {} : { details: envelope.details }) };
  if (answer.status === 429) return new RateLimitedError(message, { ...options, retryAfterMs: retryAfterMs(answer.headers.get('retry-after')) });
  return new JobPipelineError(message, options);
}
