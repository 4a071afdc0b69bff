import middy from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { IngestJobStore } from '../../adapters/job-store';
import { batchRequestSchema, fieldProblems, MAX_BATCH_JOBS } from '../../core/job-request';
import { ingestBodyLimit, JOB_ENVELOPE_BYTES, MAX_REQUEST_BODY_BYTES } from '../../core/limits';
import { correlationIdOf } from '../http/correlation';
import { jsonBody } from '../http/body';
import { errorBody, HttpError } from '../http/http-error';
import { jsonErrors } from '../http/json-errors';
import { partnerOf, type PartnerDirectory } from '../http/partner';
import { json } from '../http/responses';
import { planJob, requireQueue, validateJobRequest, type Acceptance, type PlannedJob } from '../workflows/accept-job';
import { acceptInboundCallback, type InboundDeps } from '../workflows/inbound-callback';
import { resolveJobEndpoint } from '../workflows/job-endpoint';
import { resolveNotifyEndpoint } from '../workflows/notify-endpoint';
import { acceptPlanned } from '../workflows/unindexed-jobs';
import { queuePaymentIntent } from '../workflows/payment-intent';

/** The inbound callback route's resource: public, the token in its path is the credential. */
export const INBOUND_RESOURCE = '/webhook/{user_id}/{token}';

/** Seed 000's payment intent route's resource. */
export const PAYMENT_INTENT_RESOURCE = '/api/payments/intent/queue';

/**
 * What the ingest function needs: accepting jobs (with a store that can also
 * give an unindexed job whose send failed its schedule entry), the endpoint
 * registry, and the partners of API keys.
 */
export type IngestDeps = InboundDeps & { readonly store: IngestJobStore; readonly partners: PartnerDirectory };

function acceptanceBody(acceptance: Acceptance): Record<string, unknown> {
  return acceptance.duplicate
    ? { ok: true, job_id: acceptance.jobId, queue: acceptance.queue, duplicate: true, status: acceptance.status }
    : { ok: true, job_id: acceptance.jobId, queue: acceptance.queue, status: acceptance.status, queued_at: acceptance.queuedAt };
}

/**
 * A static resource of one queue, `/jobs/<queue>` or `/jobs/<queue>/batch`:
 * the API gives each queue with a data schema its own resources, so that
 * API Gateway checks the body against that queue's model.
 */
const QUEUE_RESOURCE = /^\/jobs\/([a-z][a-z0-9-]*)(?:\/batch)?$/;

/**
 * The queue a job request is for: the `{id}` path variable of `/jobs/{id}`
 * (API Gateway allows one variable name per path segment, so on POST it holds
 * the queue name), or the name in a queue's own static resource, whose event
 * has no path parameters.
 */
export function queueOf(event: Pick<APIGatewayProxyEvent, 'pathParameters' | 'resource'>): string {
  const fromPath = event.pathParameters?.id;
  if (fromPath !== undefined) return fromPath;
  return QUEUE_RESOURCE.exec(event.resource ?? '')?.[1] ?? '';
}

/**
 * A batch's status: `202` when every job was accepted (a duplicate counts as
 * accepted), `207` when some were and some were refused, `400` when none was.
 * Each job's own outcome is in `results`, in request order.
 */
export function batchStatus(accepted: number, rejected: number): 202 | 207 | 400 {
  if (rejected === 0) return 202;
  return accepted > 0 ? 207 : 400;
}

/** How a 413 names the limit a body went over: the request's own, or the queue's. */
function bodyLimitName(queue: string, maxPayloadBytes: number, batch: boolean, limit: number): string {
  if (limit === MAX_REQUEST_BODY_BYTES) return 'the request limit (5 MiB, so the request fits Lambda\'s 6 MB payload)';
  const perJob = `queue "${queue}"'s maxPayloadBytes of ${maxPayloadBytes} plus ${JOB_ENVELOPE_BYTES} for the request's other fields`;
  return `the limit of ${batch ? `a batch (${MAX_BATCH_JOBS} × ${perJob})` : `one job (${perJob})`}`;
}

/**
 * `POST /jobs/{queue}` and `POST /jobs/{queue}/batch`: validate, resolve the
 * endpoint a job names (if any), record, send. The route's path variable is
 * named `id` (it shares its segment with `GET /jobs/{id}`), and holds the
 * queue name on these routes; a queue with a data schema has its own static
 * resources instead (see {@link queueOf}). A batch answers {@link batchStatus}. The same function answers the public inbound
 * callbacks (`POST /webhook/{user_id}/{token}`, see `inbound-callback.ts`)
 * and seed 000's `POST /api/payments/intent/queue` (`payment-intent.ts`).
 *
 * @example
 * export const handler = createIngestHandler(deps);
 */
export function createIngestHandler(deps: IngestDeps & { readonly logger: Logger }) {
  const route = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    // The public route first: it has no API key, so no partner.
    if (event.resource === INBOUND_RESOURCE) return acceptInboundCallback(deps, event);
    const correlationId = correlationIdOf(event);
    deps.logger.appendKeys({ correlation_id: correlationId });
    const partner = partnerOf(event, deps.partners);
    deps.logger.appendKeys({ partner });
    if (event.resource === PAYMENT_INTENT_RESOURCE) return queuePaymentIntent(deps, event, correlationId, partner);
    const settings = requireQueue(deps.directory, queueOf(event));
    const plan = async (item: unknown, itemCorrelationId: string) => {
      const request = validateJobRequest(settings, item);
      const endpointId = await resolveJobEndpoint(deps.endpoints, request, partner);
      const notify = await resolveNotifyEndpoint(deps.endpoints, deps.inboundQueue, request, partner);
      return planJob(deps, settings, request, itemCorrelationId, partner, { endpointId, notify });
    };
    const isBatch = event.resource?.endsWith('/batch') ?? false;
    // One job's data and envelope, or a batch of them, never more than the request limit (the 413 names it).
    const limit = ingestBodyLimit(settings.maxPayloadBytes, isBatch);
    const body = jsonBody(event, limit, bodyLimitName(settings.name, settings.maxPayloadBytes, isBatch, limit));

    if (!isBatch) {
      const [outcome] = await acceptPlanned(deps, [await plan(body, correlationId)]);
      if (outcome === undefined || !outcome.ok) throw outcome?.error ?? new Error('the job had no outcome');
      const { acceptance } = outcome;
      deps.logger.info(acceptance.duplicate ? 'duplicate job' : 'job accepted', { job_id: acceptance.jobId, queue: settings.name });
      return json(acceptance.duplicate ? 200 : 202, acceptanceBody(acceptance));
    }

    const batch = batchRequestSchema.safeParse(body);
    if (!batch.success) {
      throw new HttpError(400, 'invalid_request', 'the batch request is invalid; see details', fieldProblems(batch.error));
    }
    const failed = (index: number, error: unknown): Record<string, unknown> => {
      if (error instanceof HttpError) return errorBody(error.code, error.message, error.details);
      deps.logger.error('batch item failed', { index, error: error as Error });
      return errorBody('internal_error', 'this job was not accepted; it can be retried');
    };
    // Every job planned (checked, its endpoints resolved) first, then the planned ones accepted together.
    const planned = await Promise.all(
      batch.data.jobs.map(async (item, index): Promise<{ index: number; job: PlannedJob } | { index: number; error: unknown }> => {
        try {
          return { index, job: await plan(item, `${correlationId}:${index}`) };
        } catch (error) {
          return { index, error };
        }
      }),
    );
    const ready = planned.flatMap((entry) => ('job' in entry ? [entry] : []));
    const outcomes = await acceptPlanned(
      deps,
      ready.map((entry) => entry.job),
    );
    const results: Record<string, unknown>[] = planned.map((entry) => ('error' in entry ? failed(entry.index, entry.error) : {}));
    ready.forEach(({ index }, position) => {
      const outcome = outcomes[position];
      results[index] = outcome?.ok === true ? acceptanceBody(outcome.acceptance) : failed(index, outcome?.error);
    });
    const accepted = results.filter((result) => result.ok === true).length;
    const rejected = results.length - accepted;
    deps.logger.info('batch accepted', { queue: settings.name, accepted, rejected });
    return json(batchStatus(accepted, rejected), { ok: rejected === 0, accepted, rejected, results });
  };

  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    .use(jsonErrors(deps.logger))
    .handler(route);
}
