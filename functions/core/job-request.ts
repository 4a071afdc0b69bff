import * as z from './validation';
import { BACKOFF_TYPE, MAX_BACKOFF_MS, type BackoffType } from './backoff';
import { MAX_DELAY_MS } from './delivery-plan';
import { ENDPOINT_ID_PATTERN, USER_ID_PATTERN } from './endpoint';
import { PRIORITY_LEVELS, PRIORITY_RANGE } from './priority';

/** The most jobs one batch request may carry. */
export const MAX_BATCH_JOBS = 100;

/** The largest attempts a request may ask for. */
export const MAX_ATTEMPTS = 25;

/** The shortest first wait a job's own `backoff` may set. */
export const MIN_JOB_BACKOFF_MS = 100;

const PRIORITY_MESSAGE = `priority must be an integer from ${PRIORITY_RANGE.min} to ${PRIORITY_RANGE.max} or one of ${Object.keys(
  PRIORITY_LEVELS,
).join(', ')}`;

const BACKOFF_MESSAGE = `backoff must be an object such as { "type": "exponential", "delay": 2000 }: type ${Object.values(BACKOFF_TYPE).join(
  ' or ',
)}, delay the first wait in milliseconds`;

const BACKOFF_DELAY_MESSAGE = `backoff.delay must be a whole number of milliseconds from ${MIN_JOB_BACKOFF_MS} to ${MAX_BACKOFF_MS} (12 hours)`;

const NOTIFY_MESSAGE = 'notify must be { "endpoint_id": "ep_…" }: a registered endpoint of yours, told when the job is final';

/**
 * The optional `priority` field: 1–20 (higher first) or a level name. A
 * builder, not a schema, so a request schema built on first use builds it then.
 */
export function priorityField() {
  // Every branch and check carries the message: when only the number branch fails
  // (0, 21), zod reports that branch's own issue, not the union's.
  return z.optional(
    z.union(
      [
        z
          .number({ error: PRIORITY_MESSAGE })
          .check(
            z.int({ error: PRIORITY_MESSAGE }),
            z.minimum(PRIORITY_RANGE.min, { error: PRIORITY_MESSAGE }),
            z.maximum(PRIORITY_RANGE.max, { error: PRIORITY_MESSAGE }),
          ),
        z.enum(Object.keys(PRIORITY_LEVELS) as [keyof typeof PRIORITY_LEVELS, ...(keyof typeof PRIORITY_LEVELS)[]], {
          error: PRIORITY_MESSAGE,
        }),
      ],
      { error: PRIORITY_MESSAGE },
    ),
  );
}

/** The optional `delay` field: whole milliseconds, at most a year (see {@link priorityField} on builders). */
export function delayField() {
  return z.optional(
    z
      .number({ error: 'delay must be a number of milliseconds' })
      .check(
        z.int({ error: 'delay must be a whole number of milliseconds' }),
        z.minimum(0, { error: 'delay must be 0 or more milliseconds' }),
        z.maximum(MAX_DELAY_MS, { error: `delay must be at most ${MAX_DELAY_MS} ms (one year)` }),
      ),
  );
}

/**
 * The body of `POST /jobs/{queue}`: snake_case, unknown fields refused so a typo
 * is an error and not a silently ignored option. Built on its first use: only
 * the ingest parses requests, and the other functions, which import this file
 * for its constants, neither build it at their cold start nor carry it in their
 * bundles (esbuild drops an unused `z.lazy` only when the call is marked pure).
 */
export const jobRequestSchema = /* @__PURE__ */ z.lazy(() =>
  z
    .strictObject(
      {
        name: z.optional(
          z
            .string({ error: 'name must be a string' })
            .check(z.minLength(1, { error: 'name must not be empty' }), z.maxLength(100, { error: 'name must be at most 100 characters' })),
        ),
        data: z.unknown().check(z.refine((value) => value !== undefined, { error: 'data is required: the job payload, any JSON value' })),
        priority: priorityField(),
        delay: delayField(),
        run_at: z.optional(z.iso.datetime({ offset: true, error: 'run_at must be an ISO 8601 time with a zone, e.g. 2026-01-01T09:00:00Z' })),
        dedup_key: z.optional(
          z
            .string({ error: 'dedup_key must be a string' })
            .check(z.minLength(1, { error: 'dedup_key must not be empty' }), z.maxLength(256, { error: 'dedup_key must be at most 256 characters' })),
        ),
        group_id: z.optional(
          z.string({ error: 'group_id must be a string' }).check(
            z.regex(/^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]{1,128}$/, {
              error: 'group_id must be 1–128 printable ASCII characters without spaces',
            }),
          ),
        ),
        attempts: z.optional(
          z
            .number({ error: 'attempts must be a number' })
            .check(
              z.int({ error: 'attempts must be a whole number' }),
              z.minimum(1, { error: 'attempts must be at least 1' }),
              z.maximum(MAX_ATTEMPTS, { error: `attempts must be at most ${MAX_ATTEMPTS}` }),
            ),
        ),
        // A job's own backoff, as BullMQ's `add(name, data, { backoff })`; the queue's jitter still applies.
        backoff: z.optional(
          z.strictObject(
            {
              type: z.enum(Object.values(BACKOFF_TYPE) as [BackoffType, ...BackoffType[]], {
                error: `backoff.type must be ${Object.values(BACKOFF_TYPE).join(' or ')}`,
              }),
              delay: z
                .number({ error: BACKOFF_DELAY_MESSAGE })
                .check(
                  z.int({ error: BACKOFF_DELAY_MESSAGE }),
                  z.minimum(MIN_JOB_BACKOFF_MS, { error: BACKOFF_DELAY_MESSAGE }),
                  z.maximum(MAX_BACKOFF_MS, { error: BACKOFF_DELAY_MESSAGE }),
                ),
            },
            { error: BACKOFF_MESSAGE },
          ),
        ),
        // Where the job is delivered, on a queue whose catalog entry has `endpoints`: one
        // registered endpoint, or the one enabled endpoint of a user.
        endpoint_id: z.optional(
          z.string({ error: 'endpoint_id must be a string' }).check(
            z.regex(ENDPOINT_ID_PATTERN, { error: 'endpoint_id must be an endpoint id: ep_ and 20 characters a–z or 2–7' }),
          ),
        ),
        user_id: z.optional(
          z.string({ error: 'user_id must be a string' }).check(
            z.regex(USER_ID_PATTERN, { error: 'user_id must be 1–64 letters, digits, _ or -' }),
          ),
        ),
        // A registered endpoint of the partner, told with a signed event when the job is final.
        notify: z.optional(
          z.strictObject(
            {
              endpoint_id: z.string({ error: NOTIFY_MESSAGE }).check(z.regex(ENDPOINT_ID_PATTERN, { error: NOTIFY_MESSAGE })),
            },
            { error: NOTIFY_MESSAGE },
          ),
        ),
      },
      { error: 'the body must be a JSON object such as { "data": { ... }, "priority": "high" }' },
    )
    .check(
      z.refine((body) => !(body.delay !== undefined && body.run_at !== undefined), {
        error: 'give delay or run_at, not both',
        path: ['run_at'],
      }),
      z.refine((body) => !(body.endpoint_id !== undefined && body.user_id !== undefined), {
        error: "give endpoint_id or user_id, not both: user_id stands for the user's one enabled endpoint",
        path: ['user_id'],
      }),
    ),
);

/** A checked job request. */
export type JobRequest = z.output<typeof jobRequestSchema>;

/** The body of `POST /jobs/{queue}/batch`, built on its first use as {@link jobRequestSchema} is. */
export const batchRequestSchema = /* @__PURE__ */ z.lazy(() =>
  z.strictObject(
    {
      jobs: z
        .array(z.unknown(), { error: 'jobs must be an array of job requests' })
        .check(
          z.minLength(1, { error: 'jobs must hold at least one job' }),
          z.maxLength(MAX_BATCH_JOBS, { error: `jobs must hold at most ${MAX_BATCH_JOBS} jobs; split larger batches` }),
        ),
    },
    { error: 'the body must be a JSON object such as { "jobs": [ { "data": { ... } } ] }' },
  ),
);

/** One problem with a request field. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** Turns schema issues into `{ field, message }` pairs for an error's `details`. */
export function fieldProblems(error: z.core.$ZodError): FieldProblem[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return { field: issue.keys.join(', '), message: `unknown field${issue.keys.length > 1 ? 's' : ''}; check the spelling` };
    }
    return { field: issue.path.length > 0 ? issue.path.join('.') : '(body)', message: issue.message };
  });
}
