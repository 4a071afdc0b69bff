import { DATA_SCHEMAS, dataSchemaOf, type DataSchemaName } from './data-schemas';
import { newEndpointRequestSchema, endpointChangeRequestSchema } from './endpoint-request';
import { FAILURE_CATEGORIES } from './failure';
import { JOB_STATUS } from './job';
import { batchRequestSchema, jobRequestSchema, MAX_BATCH_JOBS } from './job-request';
import { paymentIntentRequestSchema } from './payment-intent-request';
import { PRIORITY_ORDER } from './priority';
import * as z from './validation';

/** A JSON Schema (2020-12, the dialect of OpenAPI 3.1) or any other JSON object of the document. */
export type JsonObject = { readonly [key: string]: unknown };

/** A reference to a component schema. */
export function ref(name: string): JsonObject {
  return { $ref: `#/components/schemas/${name}` };
}

/**
 * A zod schema as the OpenAPI 3.1 document's JSON Schema (draft 2020-12),
 * from the request's side (`io: 'input'`: what a caller sends), without its
 * `$schema` (the document's dialect applies).
 */
export function jsonSchemaOf(schema: z.core.$ZodType): JsonObject {
  const { $schema: _dialect, ...body } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return body;
}

/** The component name of a data schema: `Data.payment-intent`. */
export function dataComponentName(name: DataSchemaName): string {
  return `Data.${name}`;
}

const STATUSES = Object.values(JOB_STATUS);

const errorEnvelope: JsonObject = {
  type: 'object',
  description: 'Every error: a stable code, a message that says what to fix, and for invalid requests the fields at fault.',
  required: ['ok', 'error'],
  properties: {
    ok: { const: false },
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', examples: ['invalid_request', 'unknown_queue', 'job_not_found', 'payload_too_large', 'forbidden', 'rate_limited'] },
        message: { type: 'string' },
        details: {
          type: 'array',
          description: 'For invalid_request: each field at fault, from the request root (e.g. data.payload.amount).',
          items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
  },
};

const jobAccepted: JsonObject = {
  type: 'object',
  required: ['ok', 'job_id', 'queue', 'status'],
  properties: {
    ok: { const: true },
    job_id: { type: 'string' },
    queue: { type: 'string' },
    status: { enum: [JOB_STATUS.waiting, JOB_STATUS.delayed], description: 'A duplicate carries its live twin\'s status.' },
    queued_at: { type: 'string', format: 'date-time', description: 'Only on a new job (202).' },
    duplicate: { const: true, description: 'Only when a live twin of the same dedup key was found (200): its id is returned.' },
  },
};

const batchResponse: JsonObject = {
  type: 'object',
  description:
    'Each job accepted or refused on its own, in request order. 202: every job accepted (duplicates included); 207: some accepted, ' +
    'some refused; 400: none accepted. ok is true only when every job was accepted.',
  required: ['ok', 'accepted', 'rejected', 'results'],
  properties: {
    ok: { type: 'boolean' },
    accepted: { type: 'integer', minimum: 0 },
    rejected: { type: 'integer', minimum: 0 },
    results: { type: 'array', maxItems: MAX_BATCH_JOBS, items: { oneOf: [ref('JobAccepted'), ref('Error')] } },
  },
};

const jobView: JsonObject = {
  type: 'object',
  required: ['ok', 'job_id', 'queue', 'name', 'status', 'priority', 'attempts', 'max_attempts', 'created_at', 'updated_at', 'history'],
  properties: {
    ok: { const: true },
    job_id: { type: 'string' },
    queue: { type: 'string' },
    name: { type: 'string' },
    status: { enum: STATUSES },
    priority: { enum: [...PRIORITY_ORDER] },
    attempts: { type: 'integer', minimum: 0 },
    max_attempts: { type: 'integer', minimum: 1 },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
    due_at: { type: 'string', format: 'date-time' },
    group_id: { type: 'string' },
    partner: { type: 'string' },
    result: { description: "The target's answer on completion (status and a short body)." },
    progress: { description: 'The latest progress the target reported: a number 0–100 or an object' },
    data: { description: "The job's data, with ?include=data" },
    error: { type: 'object', properties: { category: { enum: FAILURE_CATEGORIES }, message: { type: 'string' } } },
    history: {
      type: 'array',
      items: {
        type: 'object',
        required: ['attempt', 'at', 'outcome', 'duration_ms'],
        properties: {
          attempt: { type: 'integer' },
          at: { type: 'string', format: 'date-time' },
          outcome: { type: 'string' },
          category: { enum: FAILURE_CATEGORIES },
          message: { type: 'string' },
          duration_ms: { type: 'integer' },
          retry_in_ms: { type: 'integer' },
        },
      },
    },
  },
};

const queueCounts: JsonObject = {
  type: 'object',
  description: 'Jobs as they are now (completed: the last 24 h); see README "Health and queue counts".',
  properties: {
    ...Object.fromEntries(['waiting', 'active', 'delayed', 'completed', 'failed', 'dlq', 'total'].map((name) => [name, { type: 'integer', minimum: 0 }])),
    paused: { type: 'boolean' },
  },
};

const adminAnswer: JsonObject = {
  type: 'object',
  description: 'An operator view; its fields are listed in README "Operations" and "The webhook relay".',
  required: ['ok'],
  properties: { ok: { const: true } },
  additionalProperties: true,
};

/**
 * The document's component schemas: the request bodies (derived from the
 * zod schemas the functions check), each data schema a catalog queue uses,
 * the answers and the error envelope.
 */
export function componentSchemas(dataSchemas: readonly DataSchemaName[]): Record<string, JsonObject> {
  const data = Object.fromEntries(
    [...new Set(dataSchemas)].map((name) => [dataComponentName(name), { ...jsonSchemaOf(dataSchemaOf(name)), description: DATA_SCHEMAS[name].description, examples: [DATA_SCHEMAS[name].example] }]),
  );
  return {
    Error: errorEnvelope,
    JobRequest: { ...jsonSchemaOf(jobRequestSchema), description: 'One job. `data` is any JSON value unless the queue has a data schema (see its own route).' },
    JobBatchRequest: jsonSchemaOf(batchRequestSchema),
    JobAccepted: jobAccepted,
    JobBatchResponse: batchResponse,
    JobView: jobView,
    PaymentIntentRequest: jsonSchemaOf(paymentIntentRequestSchema),
    QueueCounts: queueCounts,
    NewEndpointRequest: jsonSchemaOf(newEndpointRequestSchema),
    EndpointChangeRequest: jsonSchemaOf(endpointChangeRequestSchema),
    AdminAnswer: adminAnswer,
    ...data,
  };
}

/** A queue's job request: the generic one, with `data` that queue's data schema. */
export function typedJobRequest(name: DataSchemaName): JsonObject {
  return { allOf: [ref('JobRequest'), { properties: { data: ref(dataComponentName(name)) } }] };
}

/** A queue's batch request: 1 to 100 of its typed job requests. */
export function typedBatchRequest(name: DataSchemaName): JsonObject {
  return {
    type: 'object',
    required: ['jobs'],
    additionalProperties: false,
    properties: { jobs: { type: 'array', minItems: 1, maxItems: MAX_BATCH_JOBS, items: typedJobRequest(name) } },
  };
}
