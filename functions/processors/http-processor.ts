import type { EndpointBody } from '../core/endpoint';
import { ConfigError, JobFailedError, JobTimeoutError, categoryOf } from '../core/errors';
import { FAILURE_CATEGORY, categoryOfHttpStatus } from '../core/failure';
import type { JobMessage } from '../core/job';
import { failureOfResponse, readBodyLimited, resultOfBody, type HttpDeliveryResult } from './http-response';
import { createNodeTransport, type HttpTransport, type TransportResponse } from './http-transport';
import type { Processor, ProcessorContext } from './processor';
import { assertLiteralTargetAllowed, guardedLookup, type TargetLookup } from './target-guard';
import { buildWebhookRequest, type WebhookRequest } from './webhook-request';
import { signWebhook } from './webhook-signature';

/** The `user-agent` deliveries carry unless told otherwise. */
export const DEFAULT_USER_AGENT = 'job-pipeline-webhooks/1';

/** How deliveries are made, whatever their target. */
export interface HttpDeliveryOptions {
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
   * How a target's host name is resolved; every connection resolves it once
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

/** How an HTTP processor delivers: to one target, fixed for the queue. */
export interface HttpProcessorOptions extends HttpDeliveryOptions {
  /** Where every job of the queue is POSTed; http or https. */
  readonly targetUrl: string;
  /**
   * `whsec_<base64 key>` (or a raw secret, see `signWebhook`), or a function that
   * fetches it (from a secret store, cached by the caller).
   */
  readonly signingSecret: string | (() => Promise<string>);
}

/** Where one delivery goes, how it is signed, and what it carries. */
export interface DeliveryTarget {
  /** An http or https URL; it passes the address guard on every delivery. */
  readonly url: URL;
  /** The signing secret, or several (the current one first); fetched per delivery, so a cached store may answer. */
  readonly secret: () => Promise<string | readonly string[]>;
  /** Static headers sent with the delivery; ours win over any of the same name. @default none */
  readonly headers?: Readonly<Record<string, string>>;
  /** @default 'envelope' - see `buildWebhookRequest` */
  readonly body?: EndpointBody;
}

/** Delivers one job to a target given per call (see {@link createHttpDelivery}). */
export type HttpDelivery = (target: DeliveryTarget, job: JobMessage, context: ProcessorContext) => Promise<HttpDeliveryResult>;

/**
 * Delivers jobs as signed webhooks to whatever target each call names: a JSON
 * POST (or the job's raw bytes), signed with the Standard Webhooks scheme. A
 * 2xx resolves with `{ status, body }`; any other answer, a timeout or a
 * connection failure throws a `JobFailedError` whose category decides between
 * a retry and the DLQ (a refused answer's `context.status` says which).
 * Redirects are not followed: a 3xx fails as `client`, so a target cannot
 * bounce us to an address the guard would refuse.
 *
 * The guard runs where the socket connects: an IP literal target is checked as
 * is, and a host name is resolved by the connection itself through
 * `guardedLookup`, which hands it only addresses that passed. There is no
 * second lookup for a DNS answer to change in (rebinding).
 *
 * One delivery function keeps one connection pool, shared by all its targets:
 * every connection in it was made through the same guard and allowances.
 *
 * @throws ConfigError when the timeout is unusable
 * @example
 * const deliver = createHttpDelivery({ timeoutMs: 10_000 });
 * await deliver({ url: new URL('https://hooks.example.com/in'), secret: async () => secret }, job, context);
 */
export function createHttpDelivery(options: HttpDeliveryOptions): HttpDelivery {
  if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) {
    throw new ConfigError(`timeoutMs must be a positive number of milliseconds, got ${options.timeoutMs}`);
  }
  const send = options.transport ?? createNodeTransport();
  const clock = options.clock ?? (() => new Date());
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  const { timeoutMs } = options;

  return async (target, job, { signal, attempt, logger, progressUrl }): Promise<HttpDeliveryResult> => {
    const started = performance.now();
    const host = target.url.host;
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
      assertLiteralTargetAllowed(target.url, options);
      request = buildWebhookRequest({ job, attempt, timestamp: clock(), secret: await target.secret(), userAgent, headers: target.headers, body: target.body, progressUrl });
    } catch (error) {
      return fail(error);
    }

    let response: TransportResponse;
    try {
      response = await send({ url: target.url, ...request, signal: combined, lookup: guardedLookup(target.url, options) });
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

/**
 * A processor that delivers each job of the queue to its one fixed target, as
 * {@link createHttpDelivery} does. Options are checked here, so a bad
 * configuration fails at module load rather than on the first job.
 *
 * @param deliver - the delivery to share (its connection pool) with another processor; made from `options` when left out
 * @throws ConfigError when the target URL, timeout or secret is unusable
 * @example
 * const processor = createHttpProcessor({ targetUrl: 'https://hooks.example.com/jobs', signingSecret, timeoutMs: 10_000 });
 * const { status } = await processor(job, { signal, attempt: 1, logger });
 */
export function createHttpProcessor(options: HttpProcessorOptions, deliver: HttpDelivery = createHttpDelivery(options)): Processor {
  const url = parseTarget(options.targetUrl);
  const { signingSecret } = options;
  // A dry signature checks a given secret now rather than on every job.
  if (typeof signingSecret === 'string') signWebhook({ id: 'check', timestamp: new Date(0), body: '', secret: signingSecret });
  const target: DeliveryTarget = { url, secret: typeof signingSecret === 'string' ? async () => signingSecret : signingSecret };
  return async (job, context) => deliver(target, job, context);
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
