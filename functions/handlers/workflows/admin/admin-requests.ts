import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as z from '../../../core/validation';
import { CLEANABLE_STATES } from '../../../adapters/job-admin-store';
import { FAILURE_CATEGORIES } from '../../../core/failure';
import { fieldProblems } from '../../../core/job-request';
import { jsonBody } from '../../http/body';
import { HttpError } from '../../http/http-error';

/** Job ids as the API takes them. */
export const JOB_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** A selective redrive names at most this many jobs. */
export const MAX_REDRIVE_IDS = 100;

/** SQS moves at most 500 messages a second. */
export const MAX_MOVE_RATE = 500;

/** Admin bodies are small. */
const MAX_BODY_BYTES = 16 * 1024;

// Each route's schema is built on its first use: an invocation answers one
// route, so a cold start builds none of them (as `jobRequestSchema` does).

const jobId = () => z.string().check(z.regex(JOB_ID_PATTERN, { error: 'a job id is 1–64 letters, digits, - or _' }));

/** `POST /admin/queues/{queue}/redrive` with `all`: everything in the DLQ, by SQS's move task. */
export const redriveAllSchema = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    all: z.literal(true, { error: 'all must be true' }),
    max_per_second: z.optional(
      z.int({ error: 'max_per_second must be a whole number' }).check(z.minimum(1), z.maximum(MAX_MOVE_RATE, { error: `max_per_second is 1–${MAX_MOVE_RATE}` })),
    ),
  }),
);

/** `POST /admin/queues/{queue}/redrive` with `job_ids`: just those jobs. */
export const redriveIdsSchema = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    job_ids: z
      .array(jobId(), { error: 'job_ids must be a list of job ids' })
      .check(
        z.minLength(1, { error: 'name at least one job' }),
        z.maxLength(MAX_REDRIVE_IDS, { error: `name at most ${MAX_REDRIVE_IDS} jobs; use { "all": true } for more` }),
        z.refine((ids) => new Set(ids).size === ids.length, { error: 'job ids must not repeat' }),
      ),
  }),
);

/** A parsed redrive request. */
export type RedriveBody = z.output<typeof redriveAllSchema> | z.output<typeof redriveIdsSchema>;

/** Parses a redrive body: `{ all: true, max_per_second? }` or `{ job_ids: [...] }`, never both. */
export function parseRedriveBody(event: APIGatewayProxyEvent): RedriveBody {
  const body = jsonBody(event, MAX_BODY_BYTES);
  const keys = typeof body === 'object' && body !== null ? Object.keys(body) : [];
  const schema = keys.includes('job_ids') && !keys.includes('all') ? redriveIdsSchema : keys.includes('all') ? redriveAllSchema : undefined;
  if (schema === undefined) {
    throw new HttpError(400, 'invalid_request', 'send { "all": true, "max_per_second"?: n } or { "job_ids": ["…"] }', [
      { field: '(body)', message: 'needs all or job_ids' },
    ]);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new HttpError(400, 'invalid_request', 'the request body is invalid; see details', fieldProblems(parsed.error));
  return parsed.data;
}

/** `POST /admin/queues/{queue}/clean`. */
export const cleanBodySchema = /* @__PURE__ */ z.lazy(() =>
  z.strictObject({
    state: z.enum(CLEANABLE_STATES, { error: `state must be one of ${CLEANABLE_STATES.join(', ')}` }),
    older_than_hours: z.number({ error: 'older_than_hours must be a number of hours' }).check(z.minimum(0), z.maximum(24 * 366)),
  }),
);

/** A parsed clean request. */
export type CleanBody = z.output<typeof cleanBodySchema>;

const integerText = (name: string, min: number, max: number, fallback: number) =>
  z.pipe(
    z.optional(
      z.pipe(
        z.pipe(z.string().check(z.regex(/^\d+$/, { error: `${name} must be a whole number from ${min} to ${max}` })), z.transform(Number)),
        z.int().check(z.minimum(min, { error: `${name} must be at least ${min}` }), z.maximum(max, { error: `${name} must be at most ${max}` })),
      ),
    ),
    z.transform((value: number | undefined) => value ?? fallback),
  );

/** `GET /admin/queues/{queue}/failed` query. */
export const failedQuerySchema = /* @__PURE__ */ z.lazy(() =>
  z.object({
    limit: integerText('limit', 1, 100, 25),
    cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
    category: z.optional(z.enum(FAILURE_CATEGORIES, { error: `category must be one of ${FAILURE_CATEGORIES.join(', ')}` })),
  }),
);

/** `GET /admin/queues/{queue}/metrics` query. */
export const metricsQuerySchema = /* @__PURE__ */ z.lazy(() => z.object({ minutes: integerText('minutes', 1, 1440, 60) }));

/**
 * Parses a JSON body against a schema; a missing, malformed or invalid one is
 * `400 invalid_request` with the fields at fault.
 */
export function parseBody<T extends z.core.$ZodType>(event: APIGatewayProxyEvent, schema: T): z.output<T> {
  const parsed = z.safeParse(schema, jsonBody(event, MAX_BODY_BYTES));
  if (!parsed.success) throw new HttpError(400, 'invalid_request', 'the request body is invalid; see details', fieldProblems(parsed.error));
  return parsed.data;
}

/** Parses the query string against a schema; `400 invalid_request` when it does not fit. */
export function parseQuery<T extends z.core.$ZodType>(event: APIGatewayProxyEvent, schema: T): z.output<T> {
  const parsed = z.safeParse(schema, event.queryStringParameters ?? {});
  if (!parsed.success) throw new HttpError(400, 'invalid_request', 'the query string is invalid; see details', fieldProblems(parsed.error));
  return parsed.data;
}

/** A path parameter, or `400` when API Gateway passed none. */
export function pathParameter(event: APIGatewayProxyEvent, name: string): string {
  const value = event.pathParameters?.[name];
  if (value === undefined || value === null || value === '') throw new HttpError(400, 'invalid_request', `the path has no ${name}`);
  return value;
}
