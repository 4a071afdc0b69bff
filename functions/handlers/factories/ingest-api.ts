import middy from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { batchRequestSchema, fieldProblems, MAX_BATCH_JOBS } from '../../core/job-request';
import { ingestBodyLimit, JOB_ENVELOPE_BYTES, MAX_REQUEST_BODY_BYTES } from '../../core/limits';
import { correlationIdOf } from '../http/correlation';
import { jsonBody } from '../http/body';
import { errorBody, HttpError } from '../http/http-error';
import { jsonErrors } from '../http/json-errors';
import { partnerOf, type PartnerDirectory } from '../http/partner';
import { json } from '../http/responses';
import { recordJob, requireQueue, sendRecorded, validateJobRequest, type AcceptDeps, type Acceptance, type PendingSend } from '../workflows/accept-job';

function acceptanceBody(acceptance: Acceptance): Record<string, unknown> {
  return acceptance.duplicate
    ? { ok: true, job_id: acceptance.jobId, queue: acceptance.queue, duplicate: true, status: acceptance.status }
    : { ok: true, job_id: acceptance.jobId, queue: acceptance.queue, status: acceptance.status, queued_at: acceptance.queuedAt };
}

/** How a 413 names the limit a body went over: the request's own, or the queue's. */
function bodyLimitName(queue: string, maxPayloadBytes: number, batch: boolean, limit: number): string {
  if (limit === MAX_REQUEST_BODY_BYTES) return 'the request limit (5 MiB, so the request fits Lambda\'s 6 MB payload)';
  const perJob = `queue "${queue}"'s maxPayloadBytes of ${maxPayloadBytes} plus ${JOB_ENVELOPE_BYTES} for the request's other fields`;
  return `the limit of ${batch ? `a batch (${MAX_BATCH_JOBS} × ${perJob})` : `one job (${perJob})`}`;
}

/**
 * `POST /jobs/{queue}` and `POST /jobs/{queue}/batch`: validate, record, send.
 * The route's path variable is named `id` (it shares its segment with
 * `GET /jobs/{id}`), and holds the queue name on these routes.
 *
 * @example
 * export const handler = createIngestHandler(deps);
 */
export function createIngestHandler(deps: AcceptDeps & { readonly logger: Logger; readonly partners: PartnerDirectory }) {
  const route = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const correlationId = correlationIdOf(event);
    deps.logger.appendKeys({ correlation_id: correlationId });
    const partner = partnerOf(event, deps.partners);
    deps.logger.appendKeys({ partner });
    // API Gateway allows one variable name per path segment: `/jobs/{id}` is a queue name on POST.
    const settings = requireQueue(deps.directory, event.pathParameters?.id ?? '');
    const isBatch = event.resource?.endsWith('/batch') ?? false;
    // One job's data and envelope, or a batch of them, never more than the request limit (the 413 names it).
    const limit = ingestBodyLimit(settings.maxPayloadBytes, isBatch);
    const body = jsonBody(event, limit, bodyLimitName(settings.name, settings.maxPayloadBytes, isBatch, limit));

    if (!isBatch) {
      const request = validateJobRequest(settings, body);
      const { acceptance, send } = await recordJob(deps, settings, request, correlationId, partner);
      if (send) await sendRecorded(deps, [send]);
      deps.logger.info(acceptance.duplicate ? 'duplicate job' : 'job accepted', { job_id: acceptance.jobId, queue: settings.name });
      return json(acceptance.duplicate ? 200 : 202, acceptanceBody(acceptance));
    }

    const batch = batchRequestSchema.safeParse(body);
    if (!batch.success) {
      throw new HttpError(400, 'invalid_request', 'the batch request is invalid; see details', fieldProblems(batch.error));
    }
    const sends: PendingSend[] = [];
    const results = await Promise.all(
      batch.data.jobs.map(async (item, index) => {
        try {
          const request = validateJobRequest(settings, item);
          const { acceptance, send } = await recordJob(deps, settings, request, `${correlationId}:${index}`, partner);
          if (send) sends.push(send);
          return acceptanceBody(acceptance);
        } catch (error) {
          if (error instanceof HttpError) return errorBody(error.code, error.message, error.details);
          deps.logger.error('batch item failed', { index, error: error as Error });
          return errorBody('internal_error', 'this job was not accepted; it can be retried');
        }
      }),
    );
    await sendRecorded(deps, sends);
    const accepted = results.filter((result) => result.ok === true).length;
    deps.logger.info('batch accepted', { queue: settings.name, accepted, rejected: results.length - accepted });
    return json(accepted > 0 ? 202 : 400, { ok: accepted === results.length, accepted, rejected: results.length - accepted, results });
  };

  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    .use(jsonErrors(deps.logger))
    .handler(route);
}
