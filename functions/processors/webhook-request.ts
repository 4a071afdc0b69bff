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
  readonly secret: string;
  readonly userAgent: string;
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
 * attempt this is.
 *
 * @throws JobFailedError with category `validation` when the job's data cannot be serialized
 * @example
 * const { body, headers } = buildWebhookRequest({ job, attempt: 1, timestamp: new Date(), secret, userAgent: 'x/1' });
 */
export function buildWebhookRequest(input: WebhookRequestInput): WebhookRequest {
  const { job, attempt } = input;
  const payload: WebhookPayload = {
    job_id: job.jobId,
    queue: job.queue,
    name: job.name,
    attempt,
    data: job.data,
    ...(job.correlationId === undefined ? {} : { correlation_id: job.correlationId }),
  };
  const body = serialize(payload, job.jobId);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': input.userAgent,
    ...signWebhook({ id: job.runId, timestamp: input.timestamp, body, secret: input.secret }),
    'x-job-attempt': String(attempt),
  };
  if (job.correlationId !== undefined) headers['x-correlation-id'] = job.correlationId;
  return { body, headers };
}

function serialize(payload: WebhookPayload, jobId: string): string {
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
