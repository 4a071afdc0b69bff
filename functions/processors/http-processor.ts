import { ConfigError, JobFailedError, JobTimeoutError, categoryOf } from '../core/errors';
import { FAILURE_CATEGORY, categoryOfHttpStatus } from '../core/failure';
import { failureOfResponse, readBodyLimited, resultOfBody, type HttpDeliveryResult } from './http-response';
import { createNodeTransport, type HttpTransport, type TransportResponse } from './http-transport';
import type { Processor } from './processor';
import { assertLiteralTargetAllowed, guardedLookup, type TargetLookup } from './target-guard';
import { buildWebhookRequest, type WebhookRequest } from './webhook-request';
import { signWebhook } from './webhook-signature';

/** The `user-agent` deliveries carry unless told otherwise. */
export const DEFAULT_USER_AGENT = 'job-pipeline-webhooks/1';

/** How an HTTP processor delivers. */
export interface HttpProcessorOptions {
  /** Where every job of the queue is POSTed; http or https. */
  readonly targetUrl: string;
  /**
   * `whsec_<base64 key>` (or a raw secret, see `signWebhook`), or a function that
   * fetches it (from a secret store, cached by the caller).
   */
  readonly signingSecret: string | (() => Promise<string>);
  /** How long one delivery may take, response body included, in milliseconds. */
  readonly timeoutMs: number;
  /**
   * Deliver to loopback addresses.
   *
   * @default false - refused, as `assertTargetAllowed` explains
   */
  readonly allowLoopback?: boolean;
  /**
   * Deliver to private and CGNAT addresses.
   *
   * @default false - refused, as `assertTargetAllowed` explains
   */
  readonly allowPrivate?: boolean;
  /**
   * How the target's host name is resolved; every connection resolves it once
   * and connects only to the addresses that passed the guard.
   *
   * @default the system resolver (`dns.promises.lookup`)
   */
  readonly lookup?: TargetLookup;
  /** Sends the request; injected by tests. @default {@link createNodeTransport} */
  readonly transport?: HttpTransport;
  /** Source of the signature's timestamp and of `Retry-After` dates. @default () => new Date() */
  readonly clock?: () => Date;
  /** @default {@link DEFAULT_USER_AGENT} */
  readonly userAgent?: string;
}

/**
 * A processor that delivers each job as a signed webhook: a JSON POST to the
 * target, signed with the Standard Webhooks scheme. A 2xx completes the job with
 * `{ status, body }`; any other answer, a timeout or a connection failure throws
 * a `JobFailedError` whose category decides between a retry and the DLQ.
 * Redirects are not followed: a 3xx fails as `client`, so a target cannot bounce
 * us to an address the guard would refuse.
 *
 * The guard runs where the socket connects: an IP literal target is checked as
 * is, and a host name is resolved by the connection itself through
 * `guardedLookup`, which hands it only addresses that passed. There is no
 * second lookup for a DNS answer to change in (rebinding).
 *
 * Options are checked here, so a bad configuration fails at module load rather
 * than on the first job.
 *
 * @throws ConfigError when the target URL, timeout or secret is unusable
 * @example
 * const processor = createHttpProcessor({ targetUrl: 'https://hooks.example.com/jobs', signingSecret, timeoutMs: 10_000 });
 * const { status } = await processor(job, { signal, attempt: 1, logger });
 */
export function createHttpProcessor(options: HttpProcessorOptions): Processor {
  const target = parseTarget(options.targetUrl);
  if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) {
    throw new ConfigError(`timeoutMs must be a positive number of milliseconds, got ${options.timeoutMs}`);
  }
  // A dry signature checks a given secret now rather than on every job.
  if (typeof options.signingSecret === 'string') signWebhook({ id: 'check', timestamp: new Date(0), body: '', secret: options.signingSecret });
  const secretOf = typeof options.signingSecret === 'string' ? ((secret: string) => async () => secret)(options.signingSecret) : options.signingSecret;
  const send = options.transport ?? createNodeTransport();
  const lookup = guardedLookup(target, options);
  const clock = options.clock ?? (() => new Date());
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  const { timeoutMs } = options;
  const host = target.host;

  return async (job, { signal, attempt, logger }): Promise<HttpDeliveryResult> => {
    const started = performance.now();
    const durationMs = (): number => Math.round(performance.now() - started);
    const fail = (failure: unknown, status?: number): never => {
      const category = categoryOf(failure);
      const answered = status === undefined ? {} : { status };
      logger.warn('webhook delivery failed', { host, ...answered, durationMs: durationMs(), category });
      throw failure;
    };

    if (signal.aborted) return fail(jobAbortFailure(signal.reason, durationMs(), host));
    // The timeout bounds the whole delivery, the connection's lookup included.
    const deadline = AbortSignal.timeout(timeoutMs);
    const combined = AbortSignal.any([signal, deadline]);
    let request: WebhookRequest;
    try {
      assertLiteralTargetAllowed(target, options);
      request = buildWebhookRequest({ job, attempt, timestamp: clock(), secret: await secretOf(), userAgent });
    } catch (error) {
      return fail(error);
    }

    let response: TransportResponse;
    try {
      response = await send({ url: target, ...request, signal: combined, lookup });
    } catch (error) {
      // The guard's refusal (or failure to resolve) comes back from the connection as is.
      if (error instanceof JobFailedError) return fail(error);
      if (!combined.aborted) return fail(networkFailure(error, host));
      // `any` takes the reason of whichever signal fired first.
      if (combined.reason === deadline.reason) return fail(new JobTimeoutError(timeoutMs, { cause: error, context: { host } }));
      return fail(jobAbortFailure(signal.reason, durationMs(), host));
    }

    const { status } = response;
    if (categoryOfHttpStatus(status) !== undefined) {
      // Left unread, the body would hold the connection; its content is not ours to log.
      response.discard();
      return fail(failureOfResponse(response, host, clock()), status);
    }

    let body: unknown;
    try {
      const read = await readBodyLimited(response.body);
      body = resultOfBody(response.headers.get('content-type'), read.bytes, read.truncated);
    } catch {
      // The 2xx is the receipt: failing now would deliver the job twice for want of a reply body.
      logger.warn('webhook response body unreadable', { host, status });
    }
    // DEBUG: a success already writes its one INFO line (`job completed`); failures stay at WARN.
    logger.debug('webhook delivered', { host, status, duration_ms: durationMs() });
    return { status, body };
  };
}

function parseTarget(targetUrl: string): URL {
  let target: URL;
  try {
    target = new URL(targetUrl);
  } catch (error) {
    // The URL itself may hold a token, so the message does not repeat it.
    throw new ConfigError('targetUrl is not a valid absolute URL', { cause: error });
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new ConfigError(`targetUrl must be http or https, got ${target.protocol.slice(0, -1)} (host ${target.host})`);
  }
  if (target.username !== '' || target.password !== '') {
    throw new ConfigError(`targetUrl for ${target.host} must not hold credentials; send them as a header or in the signing secret`);
  }
  return target;
}

/**
 * Why a delivery the consumer aborted stopped: the consumer's own reason when it
 * carries a category, else a timeout (the consumer aborts when the job's time is up).
 */
function jobAbortFailure(reason: unknown, elapsedMs: number, host: string): unknown {
  if (typeof reason === 'object' && reason !== null && 'category' in reason) return reason;
  return new JobTimeoutError(elapsedMs, { cause: reason, context: { host, abortedBy: 'job' } });
}

/** A failure before any answer: DNS, refused or reset connections, TLS. */
function networkFailure(error: unknown, host: string): JobFailedError {
  const code = codeOf(error);
  return new JobFailedError(`could not reach target ${host}${code === undefined ? '' : ` (${code})`}`, FAILURE_CATEGORY.network, {
    cause: error,
    context: { host, code },
  });
}

/** The system error code of a connection failure, on the error itself, in `cause`, or (for several addresses) in `errors`. */
function codeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 3 && typeof current === 'object' && current !== null; depth += 1) {
    const { code, cause, errors } = current as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string') return code;
    current = cause ?? (Array.isArray(errors) ? (errors[0] as unknown) : undefined);
  }
  return undefined;
}
