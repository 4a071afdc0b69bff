import { ENDPOINT_BODY, type EndpointBody } from '../core/endpoint';
import { JobFailedError } from '../core/errors';
import { FAILURE_CATEGORY } from '../core/failure';
import type { JobMessage } from '../core/job';
import { signWebhook } from './webhook-signature';

/** The JSON body a target receives: the job, not our internal message. */
export interface WebhookPayload {
  readonly job_id: string;
  readonly queue: string;
  readonly name: string;
  /** Which attempt this delivery is, from 1. */
  readonly attempt: number;
  readonly data: unknown;
  readonly correlation_id?: string;
}

/** What {@link buildWebhookRequest} needs besides the job. */
export interface WebhookRequestInput {
  readonly job: JobMessage;
  readonly attempt: number;
  /** When this attempt is signed; receivers reject timestamps far from their clock. */
  readonly timestamp: Date;
  /** The signing secret, or several (the current one first): see `signWebhook`. */
  readonly secret: string | readonly string[];
  readonly userAgent: string;
  /**
   * Static headers of the target (an endpoint's, e.g. an auth header of the
   * user's app). The delivery's own headers win over any of the same name.
   *
   * @default none
   */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * `envelope`: the job as {@link WebhookPayload}; `raw`: the job's original
   * bytes (`raw`) as received, or its data as JSON when it has none.
   *
   * @default 'envelope'
   */
  readonly body?: EndpointBody;
  /**
   * This attempt's progress URL, sent as `webhook-progress-url` (a static
   * header of that name never replaces it).
   *
   * @default - no such header
   */
  readonly progressUrl?: string;
}

/** A signed request, ready to send. */
export interface WebhookRequest {
  readonly body: string;
  readonly headers: Record<string, string>;
}

/**
 * The body and headers of one delivery attempt. The `webhook-id` is the run id:
 * the same on every attempt of one run, so a receiver that drops ids it has seen
 * drops our retries and nothing else, while a new run of a deduplicated job id
 * (accepted once its twin finished) is a new event; `x-job-attempt` says which
 * attempt this is, and `webhook-progress-url` where to report its progress. A raw body is signed as sent, byte for byte.
 *
 * @throws JobFailedError with category `validation` when the job's data cannot be serialized
 * @example
 * const { body, headers } = buildWebhookRequest({ job, attempt: 1, timestamp: new Date(), secret, userAgent: 'x/1' });
 */
export function buildWebhookRequest(input: WebhookRequestInput): WebhookRequest {
  const { job, attempt } = input;
  const body = input.body === ENDPOINT_BODY.raw ? rawBodyOf(job) : serialize(envelopeOf(job, attempt), job.jobId);
  const headers: Record<string, string> = {
    ...lowerCased(input.headers ?? {}),
    'content-type': 'application/json',
    'user-agent': input.userAgent,
    ...signWebhook({ id: job.runId, timestamp: input.timestamp, body, secret: input.secret }),
    'x-job-attempt': String(attempt),
  };
  if (job.correlationId !== undefined) headers['x-correlation-id'] = job.correlationId;
  if (input.progressUrl !== undefined) headers['webhook-progress-url'] = input.progressUrl;
  return { body, headers };
}

function envelopeOf(job: JobMessage, attempt: number): WebhookPayload {
  return {
    job_id: job.jobId,
    queue: job.queue,
    name: job.name,
    attempt,
    data: job.data,
    ...(job.correlationId === undefined ? {} : { correlation_id: job.correlationId }),
  };
}

/** The original bytes of an inbound callback, or the job's data as JSON (`null` for none). */
function rawBodyOf(job: JobMessage): string {
  return job.raw ?? serialize(job.data ?? null, job.jobId);
}

/** Header names as the delivery's own are written, so one of ours replaces a static one of any case. */
function lowerCased(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function serialize(payload: unknown, jobId: string): string {
  try {
    return JSON.stringify(payload);
  } catch (error) {
    // Data that cannot become JSON (a BigInt, a cycle) fails the same way on every attempt.
    throw new JobFailedError(`job ${jobId} data cannot be serialized as JSON`, FAILURE_CATEGORY.validation, {
      cause: error,
      context: { jobId },
    });
  }
}
