import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { fieldProblems, type FieldProblem } from '../../core/job-request';
import { ingestBodyLimit } from '../../core/limits';
import { PAYMENT_INTENT_QUEUE, paymentIntentRequestSchema, paymentJobRequest } from '../../core/payment-intent-request';
import { jsonBody } from '../http/body';
import { HttpError } from '../http/http-error';
import { json } from '../http/responses';
import { recordJob, requireQueue, sendRecorded, validateJobRequest, type AcceptDeps } from './accept-job';

/**
 * `POST /api/payments/intent/queue`, seed 000's route, for `partner`: the
 * intent `{ intent_id, payload, priority?, delay? }` becomes a `payments` job
 * with seed 000's data `{ intentId, payload, action }`, deduplicated by the
 * intent id. A new job answers `202 { ok, success, intent_id, job_id, status:
 * "queued", queued_at }`; a live twin of the same intent `200` with its job id
 * and status. The job then passes every rule of `POST /jobs/payments` (its
 * size, the queue's FIFO and dedup rules).
 *
 * @example
 * if (event.resource === PAYMENT_INTENT_RESOURCE) return queuePaymentIntent(deps, event, correlationId, partner);
 */
export async function queuePaymentIntent(
  deps: AcceptDeps,
  event: APIGatewayProxyEvent,
  correlationId: string,
  partner: string,
): Promise<APIGatewayProxyResult> {
  const settings = requireQueue(deps.directory, PAYMENT_INTENT_QUEUE);
  const limit = ingestBodyLimit(settings.maxPayloadBytes, false);
  const parsed = paymentIntentRequestSchema.safeParse(jsonBody(event, limit, `the limit of one payment intent (queue "${settings.name}")`));
  if (!parsed.success) {
    throw new HttpError(400, 'invalid_request', 'the payment intent is invalid; see details', fieldProblems(parsed.error));
  }
  const intent = parsed.data;
  const request = inIntentTerms(() => validateJobRequest(settings, paymentJobRequest(intent)));
  const { acceptance, send } = await recordJob(deps, settings, request, correlationId, partner);
  if (send) await sendRecorded(deps, [send]);
  deps.logger.info(acceptance.duplicate ? 'duplicate payment intent' : 'payment intent queued', { job_id: acceptance.jobId, queue: settings.name });
  const common = { ok: true, success: true, intent_id: intent.intent_id, job_id: acceptance.jobId };
  return acceptance.duplicate
    ? json(200, { ...common, status: acceptance.status, duplicate: true })
    : json(202, { ...common, status: 'queued', queued_at: acceptance.queuedAt });
}

/**
 * The job's field names in a refusal, as the intent names them: the job's
 * `data.payload.amount` is the intent's `payload.amount`, `data.intentId` its
 * `intent_id`, and `data.action` its `payload.action`.
 */
function intentField(field: string): string {
  if (field === 'data.intentId') return 'intent_id';
  if (field === 'data.action') return 'payload.action';
  return field.startsWith('data.') ? field.slice('data.'.length) : field;
}

function inIntentTerms<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof HttpError) || !Array.isArray(error.details)) throw error;
    const details = (error.details as FieldProblem[]).map((problem) => ({ ...problem, field: intentField(problem.field) }));
    throw new HttpError(error.statusCode, error.code, error.message, details);
  }
}
