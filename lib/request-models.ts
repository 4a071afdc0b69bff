import { JsonSchemaType, JsonSchemaVersion, type JsonSchema } from 'aws-cdk-lib/aws-apigateway';
import { z } from 'zod/mini';
import { dataSchemaOf, type DataSchemaName } from '../functions/core/data-schemas';
import { batchRequestSchema, jobRequestSchema } from '../functions/core/job-request';
import { paymentIntentRequestSchema } from '../functions/core/payment-intent-request';

/**
 * A zod schema as the draft-4 JSON Schema API Gateway validates with. Derived
 * from the schema the ingest function checks again, so the edge never refuses
 * a body the function would accept. What JSON Schema cannot say (a `refine`,
 * such as "delay or run_at, not both") is left to the function; `format`
 * keywords are dropped because API Gateway's checker and zod could disagree on
 * them, and the `pattern` beside each one already holds zod's own rule.
 */
export function edgeSchemaOf(schema: z.core.$ZodType): JsonSchema {
  const generated = z.toJSONSchema(schema, { target: 'draft-4', io: 'input', unrepresentable: 'any' });
  const { $schema: _version, ...body } = withoutFormats(generated) as Record<string, unknown>;
  return { schema: JsonSchemaVersion.DRAFT4, ...body } as JsonSchema;
}

function withoutFormats(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutFormats);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'format' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutFormats(value)]),
  );
}

/** The edge model of a `POST /jobs/{id}` body. */
export function jobRequestModelSchema(): JsonSchema {
  return { ...edgeSchemaOf(jobRequestSchema), title: 'JobRequest' };
}

/**
 * The edge model of a `POST /jobs/{id}/batch` body: `{ jobs: [ 1–100 objects ] }`.
 * Each job is checked by the function on its own, so one bad job is refused in
 * the results instead of failing the whole batch at the edge.
 */
export function batchRequestModelSchema(): JsonSchema {
  const schema = edgeSchemaOf(batchRequestSchema);
  const jobs = schema.properties?.jobs;
  return {
    ...schema,
    title: 'JobBatchRequest',
    properties: { ...schema.properties, jobs: { ...jobs, items: { type: JsonSchemaType.OBJECT } } },
  };
}

/** The edge model of a `POST /api/payments/intent/queue` body (seed 000's payment intent). */
export function paymentIntentModelSchema(): JsonSchema {
  return { ...edgeSchemaOf(paymentIntentRequestSchema), title: 'PaymentIntentRequest' };
}

/**
 * The edge model of `POST /jobs/<queue>` for a queue whose catalog entry gives
 * a data schema: the job request, with `data` that queue's schema, so API
 * Gateway refuses a bad job before the function runs and says which field is
 * wrong (`$context.error.validationErrorString`).
 */
export function queueJobModelSchema(queue: string, dataSchema: DataSchemaName): JsonSchema {
  const job = jobRequestModelSchema();
  const { schema: _version, ...data } = edgeSchemaOf(dataSchemaOf(dataSchema));
  return { ...job, title: `JobRequest of ${queue}`, properties: { ...job.properties, data } };
}
