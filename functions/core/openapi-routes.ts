import type { DataSchemaName } from './data-schemas/names';
import { DATA_SCHEMAS } from './data-schemas';
import { progressRequestSchema } from './job-progress';
import { jsonSchemaOf, ref, typedBatchRequest, typedJobRequest } from './openapi-components';
import { answer, failure, pathParameter, queryParameter, type RouteDoc } from './openapi-operations';

/** A catalog queue as the document needs it. */
export interface DocumentedQueue {
  readonly name: string;
  readonly dataSchema?: DataSchemaName;
}

const JOB_ANSWERS = {
  '202': answer('Accepted: the job record is durable', ref('JobAccepted'), { ok: true, job_id: 'c0a8…', queue: 'payments', status: 'waiting', queued_at: '2026-01-01T09:00:00.000Z' }),
  '200': answer('A live twin of the same dedup key (waiting, delayed, active or retrying): its id and status', ref('JobAccepted')),
  '400': failure('invalid_json, or invalid_request with details: [{ field, message }] (e.g. data.payload.amount); nothing is written'),
  '404': failure('unknown_queue'),
  '413': failure('payload_too_large: the data is over the queue\'s maxPayloadBytes, or the body over its limit'),
} as const;

const BATCH_ANSWERS = {
  '202': answer('Every job accepted (duplicates included)', ref('JobBatchResponse')),
  '207': answer('Some jobs accepted and some refused: each result says which, in request order', ref('JobBatchResponse')),
  '400': answer('No job accepted (each result says why), or the batch itself invalid (the error envelope)', { oneOf: [ref('JobBatchResponse'), ref('Error')] }),
  '404': failure('unknown_queue'),
  '413': failure('payload_too_large'),
} as const;

const ADD_JOB_DESCRIPTION =
  'BullMQ\'s queue.add(name, data, opts). priority: urgent, high, normal (default), low, or 1–20 (higher runs first); delay (ms) or ' +
  'run_at; dedup_key on dedup queues; group_id on FIFO queues; attempts and backoff override the queue\'s.';

const ADD_JOBS_DESCRIPTION =
  'BullMQ\'s addBulk: up to 100 jobs, each checked, accepted or refused on its own; the answer lists each outcome in request order.';

/** `POST /jobs/<queue>` and `/batch` of one queue with a data schema: its own resources, its `data` typed. */
function typedQueueRoutes(queue: string, schema: DataSchemaName): RouteDoc[] {
  const about = `Jobs of ${queue}: data is ${DATA_SCHEMAS[schema].description}.`;
  return [
    {
      method: 'post',
      path: `/jobs/${queue}`,
      operationId: `addJob.${queue}`,
      summary: `Add a ${queue} job`,
      description: `${about} ${ADD_JOB_DESCRIPTION}`,
      access: 'partner',
      tag: 'jobs',
      body: typedJobRequest(schema),
      responses: JOB_ANSWERS,
    },
    {
      method: 'post',
      path: `/jobs/${queue}/batch`,
      operationId: `addJobs.${queue}`,
      summary: `Add up to 100 ${queue} jobs`,
      description: `${about} ${ADD_JOBS_DESCRIPTION}`,
      access: 'partner',
      tag: 'jobs',
      body: typedBatchRequest(schema),
      responses: BATCH_ANSWERS,
    },
  ];
}

/**
 * Every partner and public route: jobs (the generic `/jobs/{id}` routes and
 * each typed queue's own), seed 000's payment intent route, the health
 * routes, the inbound callbacks and this document's own route.
 */
export function partnerRoutes(queues: readonly DocumentedQueue[]): RouteDoc[] {
  const untyped = queues.filter((queue) => queue.dataSchema === undefined).map((queue) => queue.name);
  const queueParameter = pathParameter(
    'id',
    'The queue name on POST (the path segment is shared with GET and DELETE, where it is a job id). Queues with a data schema have their own route.',
    untyped.length > 0 ? { type: 'string', enum: untyped } : { type: 'string' },
  );
  const jobIdParameter = pathParameter('id', 'The job id, as POST /jobs/{queue} answered it');
  return [
    {
      method: 'post',
      path: '/jobs/{id}',
      operationId: 'addJob',
      summary: 'Add a job to a queue without a data schema',
      description: `data is any JSON value. ${ADD_JOB_DESCRIPTION}`,
      access: 'partner',
      tag: 'jobs',
      parameters: [queueParameter],
      body: ref('JobRequest'),
      responses: JOB_ANSWERS,
    },
    {
      method: 'post',
      path: '/jobs/{id}/batch',
      operationId: 'addJobs',
      summary: 'Add up to 100 jobs to a queue without a data schema',
      description: ADD_JOBS_DESCRIPTION,
      access: 'partner',
      tag: 'jobs',
      parameters: [queueParameter],
      body: ref('JobBatchRequest'),
      responses: BATCH_ANSWERS,
    },
    {
      method: 'get',
      path: '/jobs/{id}',
      operationId: 'getJob',
      summary: 'Read a job; ?wait=N long-polls for its final state',
      description: "BullMQ's getJob and waitUntilFinished. Another partner's job is 404, exactly as an id that does not exist.",
      access: 'partner',
      tag: 'jobs',
      parameters: [
        jobIdParameter,
        queryParameter('wait', 'Seconds to wait for a final state (completed, failed, cancelled)', { type: 'integer', minimum: 0, maximum: 20 }),
        queryParameter('include', "data: the job's data too", { const: 'data' }),
      ],
      responses: { '200': answer('The job', ref('JobView')), '400': failure('invalid_request (wait or include not taken)'), '404': failure('job_not_found') },
    },
    {
      method: 'delete',
      path: '/jobs/{id}',
      operationId: 'cancelJob',
      summary: 'Cancel a waiting or delayed job',
      access: 'partner',
      tag: 'jobs',
      parameters: [jobIdParameter],
      responses: {
        '200': answer('Cancelled: the job, status cancelled', ref('JobView')),
        '404': failure('job_not_found'),
        '409': failure('not_cancellable: the job is active or final'),
      },
    },
    {
      method: 'post',
      path: '/jobs/{id}/progress',
      operationId: 'reportJobProgress',
      summary: "The target reports an active job's progress (BullMQ's job.updateProgress)",
      description: "No API key: the token of the delivery's webhook-progress-url header is the credential, good for that attempt only.",
      access: 'public',
      tag: 'jobs',
      parameters: [jobIdParameter, { name: 'token', in: 'query', required: true, description: "The attempt's token", schema: { type: 'string' } }],
      body: jsonSchemaOf(progressRequestSchema),
      responses: {
        '200': answer('Recorded', { type: 'object', properties: { ok: { const: true } } }),
        '400': failure('invalid_request'),
        '404': failure('not_found: no active attempt for this job and token'),
        '409': failure('job_finished: the job is final'),
      },
    },
    ...queues.flatMap((queue) => (queue.dataSchema === undefined ? [] : typedQueueRoutes(queue.name, queue.dataSchema))),
    {
      method: 'post',
      path: '/api/payments/intent/queue',
      operationId: 'queuePaymentIntent',
      summary: "Seed 000's route: queue a payment intent as a payments job",
      description: 'The job data is { intentId, payload, action }, deduplicated by intent_id.',
      access: 'partner',
      tag: 'seed routes',
      body: ref('PaymentIntentRequest'),
      responses: {
        '202': answer('Queued', { type: 'object', properties: { ok: { const: true }, success: { const: true }, intent_id: { type: 'string' }, job_id: { type: 'string' }, status: { const: 'queued' }, queued_at: { type: 'string', format: 'date-time' } } }),
        '200': answer('A live twin of the same intent: its job id and status', { type: 'object', properties: { ok: { const: true }, intent_id: { type: 'string' }, job_id: { type: 'string' }, status: { type: 'string' }, duplicate: { const: true } } }),
        '400': failure('invalid_json or invalid_request'),
        '413': failure('payload_too_large'),
      },
    },
    {
      method: 'get',
      path: '/health/queue',
      operationId: 'queueHealth',
      summary: 'Counts per queue and healthy or degraded, from a snapshot at most 15 s old',
      access: 'partner',
      tag: 'health',
      responses: {
        '200': answer('Counts', {
          type: 'object',
          properties: { ok: { const: true }, status: { enum: ['healthy', 'degraded'] }, computed_at: { type: 'string', format: 'date-time' }, age_seconds: { type: 'number' }, queues: { type: 'object', additionalProperties: ref('QueueCounts') } },
        }),
        '503': failure('queue_counts_unavailable: the first snapshot is still being computed'),
      },
    },
    {
      method: 'get',
      path: '/health',
      operationId: 'health',
      summary: 'Liveness: up, nothing more',
      access: 'public',
      tag: 'health',
      responses: { '200': answer('Up', { type: 'object', properties: { ok: { const: true }, status: { const: 'ok' } } }) },
    },
    {
      method: 'get',
      path: '/openapi.json',
      operationId: 'openApi',
      summary: 'This document',
      access: 'public',
      tag: 'health',
      responses: { '200': answer('The OpenAPI 3.1 document of the API', { type: 'object' }) },
    },
    {
      method: 'post',
      path: '/webhook/{user_id}/{token}',
      operationId: 'inboundCallback',
      summary: "A provider's callback (Daraja) for a registered endpoint: the token in the path is the credential",
      description: 'Any JSON body up to the queue\'s maxPayloadBytes, kept byte for byte and delivered to the endpoint; a repeated callback is acknowledged and not delivered again.',
      access: 'public',
      tag: 'webhook relay',
      parameters: [pathParameter('user_id', 'The user the endpoint belongs to'), pathParameter('token', "The endpoint's inbound token")],
      body: { description: 'The provider\'s callback, as it sends it' },
      responses: {
        '200': answer('Recorded', { type: 'object', properties: { ResultCode: { const: 0 }, ResultDesc: { const: 'Accepted' } } }),
        '404': failure('not_found: a wrong user or token; nothing is written'),
        '503': failure('The endpoint is disabled; nothing is written (the provider may call again)'),
      },
    },
  ];
}
