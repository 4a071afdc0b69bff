import type { Endpoint, EndpointFailure } from '../core/endpoint';
import { signingSecrets } from '../core/endpoint-secrets';
import { categoryOf, JobFailedError, NonRetryableError, PipelineError } from '../core/errors';
import { FAILURE_CATEGORY } from '../core/failure';
import { shortMessage } from '../core/job';
import { createHttpDelivery, createHttpProcessor, type DeliveryTarget, type HttpProcessorOptions } from './http-processor';
import type { Processor, ProcessorLogger } from './processor';

/** The answer that disables an endpoint: the app says it is gone for good. */
export const GONE_STATUS = 410;

/** How a delivery to an endpoint ended, for its breaker. */
export type EndpointOutcome =
  | { readonly ok: true }
  /** `gone`: it answered {@link GONE_STATUS}. */
  | { readonly ok: false; readonly failure: EndpointFailure; readonly gone: boolean };

/** Where an endpoint processor finds endpoints, and tells how their deliveries went. */
export interface EndpointDirectory {
  /** The endpoint as recently read, or `undefined`; `fresh` reads the latest write (before a job fails for it). */
  endpoint(endpointId: string, options?: { readonly fresh?: boolean }): Promise<Endpoint | undefined>;
  /** Records how a delivery ended (the breaker's writes). Never throws: a delivery's fate does not hang on it. */
  delivered(endpoint: Endpoint, outcome: EndpointOutcome, logger: ProcessorLogger): Promise<void>;
}

/** How an endpoint processor delivers: the queue's fixed target for jobs that name no endpoint, and the endpoints. */
export interface EndpointProcessorOptions extends HttpProcessorOptions {
  readonly endpoints: EndpointDirectory;
}

/**
 * The processor of a queue whose jobs may name a registered endpoint (catalog
 * `endpoints: true`). A job with `endpointId` is delivered to that endpoint:
 * its URL (through the same address guard as any target, on every delivery),
 * its static headers, its body format (`raw`: the job's original bytes), and
 * signed by each of its secrets that still signs, the current one first. A job
 * without one goes to the queue's fixed target, as with `createHttpProcessor`;
 * both share one delivery function and its connection pool.
 *
 * A job whose endpoint is disabled or gone fails at once with category
 * `endpoint_disabled` (no call is made); an endpoint that answers `410 Gone`
 * is disabled and its job fails the same way. Every other outcome is told to
 * the directory, which moves the endpoint's circuit breaker.
 *
 * @throws ConfigError when the fixed target, timeout or secret is unusable
 * @example
 * const processor = createEndpointProcessor({ targetUrl, signingSecret, timeoutMs: 30_000, endpoints: directory });
 * await processor({ ...job, endpointId: 'ep_abcdefghijklmnopqrst' }, context);
 */
export function createEndpointProcessor(options: EndpointProcessorOptions): Processor {
  const deliver = createHttpDelivery(options);
  const fixedTarget = createHttpProcessor(options, deliver);
  const clock = options.clock ?? (() => new Date());
  const { endpoints } = options;

  return async (job, context) => {
    if (job.endpointId === undefined) return fixedTarget(job, context);
    const endpoint = await usableEndpoint(endpoints, job.endpointId);
    let result: unknown;
    try {
      result = await deliver(targetOf(endpoint, clock()), job, context);
    } catch (error) {
      const failure = endpointFailureOf(error, clock());
      const gone = failure.status === GONE_STATUS;
      await endpoints.delivered(endpoint, { ok: false, failure, gone }, context.logger);
      if (!gone) throw error;
      throw new JobFailedError(`endpoint ${endpoint.endpointId} answered 410 Gone and is now disabled`, FAILURE_CATEGORY.endpointDisabled, {
        cause: error,
        context: { endpointId: endpoint.endpointId },
      });
    }
    await endpoints.delivered(endpoint, { ok: true }, context.logger);
    return result;
  };
}

/**
 * The endpoint a job names, if it is there and enabled. A disabled or missing
 * one is read again, consistently, before the job fails for it: the cached
 * copy may predate an operator enabling it.
 */
async function usableEndpoint(endpoints: EndpointDirectory, endpointId: string): Promise<Endpoint> {
  const cached = await endpoints.endpoint(endpointId);
  if (cached?.enabled === true) return cached;
  const fresh = await endpoints.endpoint(endpointId, { fresh: true });
  if (fresh?.enabled === true) return fresh;
  const why = fresh === undefined ? 'no longer exists' : fresh.disabledReason === 'gone' ? 'is disabled: it answered 410 Gone' : 'is disabled by an operator';
  throw new JobFailedError(`endpoint ${endpointId} ${why}`, FAILURE_CATEGORY.endpointDisabled, { context: { endpointId } });
}

/** Where and how a delivery to an endpoint goes. */
function targetOf(endpoint: Endpoint, now: Date): DeliveryTarget {
  let url: URL;
  try {
    url = new URL(endpoint.url);
  } catch (error) {
    // The URL may hold a token, so the message does not repeat it.
    throw new NonRetryableError(`endpoint ${endpoint.endpointId} has no valid URL`, { cause: error, context: { endpointId: endpoint.endpointId } });
  }
  const secrets = signingSecrets(endpoint.secrets, now).map((entry) => entry.secret);
  if (secrets.length === 0) {
    throw new NonRetryableError(`endpoint ${endpoint.endpointId} has no signing secret`, { context: { endpointId: endpoint.endpointId } });
  }
  return { url, secret: async () => secrets, headers: endpoint.headers, body: endpoint.body };
}

/**
 * A failed delivery as the endpoint keeps it: when, the category, our own
 * short message (never the target's body), and the status it answered.
 */
export function endpointFailureOf(error: unknown, now: Date): EndpointFailure {
  const status = error instanceof PipelineError ? error.context.status : undefined;
  return {
    at: now.toISOString(),
    category: categoryOf(error),
    message: shortMessage(error instanceof Error ? error.message : String(error)),
    ...(typeof status === 'number' ? { status } : {}),
  };
}
