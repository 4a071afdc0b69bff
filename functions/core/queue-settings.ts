import * as z from './validation';
import { DATA_SCHEMA_NAMES } from './data-schemas/names';
import { MAX_STORABLE_PAYLOAD_BYTES } from './limits';

/**
 * The fields of a catalog entry that the ingest-side functions (ingest, job
 * status, health, sweeper, reconciler, stuck detector, admin) read from
 * `QUEUES`, with the same checks and messages as the catalog itself.
 *
 * Kept apart from the whole entry (`queue-config.ts`), which takes each of
 * these field schemas in its place: only the consumer and the stack need
 * every field, and the other functions' bundles carry these ten fields only.
 */

/** Default payload limit: 256 KiB. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024;

/** How long a dead-letter queue keeps a letter: SQS's longest retention, 14 days. */
export const DEAD_LETTER_RETENTION_HOURS = 14 * 24;

/**
 * Failed records are kept by default a day longer than their letters: a
 * redrive on the letters' last day still finds each record, and the claim
 * rebuilds one that is gone anyway.
 */
export const DEFAULT_FAILED_RETENTION_HOURS = DEAD_LETTER_RETENTION_HOURS + 24;

/** What a catalog entry (or a queue's settings) that is not an object, or has a field of another name, is told. */
export const CATALOG_ENTRY_SHAPE_MESSAGE = 'a catalog entry must be an object such as { name, concurrency, attempts, backoff, timeoutMs }';

/**
 * A whole-number field: its messages name the field and `fix`, what it should
 * hold; `checks` bound it.
 *
 * @example
 * positiveInt('attempts', 'the total number of tries, 1–25', z.minimum(1), z.maximum(25));
 */
export const positiveInt = (field: string, fix: string, ...checks: z.core.$ZodCheck<number>[]) =>
  z.number({ error: `${field} must be a number; ${fix}` }).check(z.int({ error: `${field} must be a whole number; ${fix}` }), ...checks);

/**
 * The schema of each field of a queue's settings, in the catalog's order. Every
 * field's message names the fix, so a bad entry says how to correct it.
 */
export const queueSettingsFields = {
  name: z.string({ error: 'name is required: a kebab-case queue name such as "payments"' }).check(
    z.regex(/^[a-z][a-z0-9-]{0,38}[a-z0-9]$/, {
      error: 'name must be kebab-case, 2–40 characters, letters, digits and dashes (e.g. "order-processing")',
    }),
  ),
  fifo: z._default(z.boolean({ error: 'fifo must be true or false' }), false),
  dedup: z._default(z.boolean({ error: 'dedup must be true or false' }), false),
  dedupKeyField: z.optional(
    z
      .string({ error: 'dedupKeyField must name a top-level field of the job data, e.g. "intentId"' })
      .check(z.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'dedupKeyField must name a top-level field of the job data, e.g. "intentId"' })),
  ),
  lanes: z._default(z.boolean({ error: 'lanes must be true or false' }), false),
  attempts: positiveInt(
    'attempts',
    'the total number of tries, 1–25',
    z.minimum(1, { error: 'attempts must be at least 1 (one try, no retries)' }),
    z.maximum(25, { error: 'attempts must be at most 25' }),
  ),
  maxPayloadBytes: z._default(
    positiveInt(
      'maxPayloadBytes',
      'the largest job data in bytes',
      z.minimum(1024, { error: 'maxPayloadBytes must be at least 1024' }),
      z.maximum(MAX_STORABLE_PAYLOAD_BYTES, {
        error:
          `maxPayloadBytes must be at most ${MAX_STORABLE_PAYLOAD_BYTES} (398 KiB): a job's data is kept in the jobs table ` +
          'until it is claimed, and a DynamoDB item holds at most 400 KB with its keys',
      }),
    ),
    DEFAULT_MAX_PAYLOAD_BYTES,
  ),
  retention: z._default(
    z.strictObject(
      {
        completedHours: z._default(
          positiveInt(
            'retention.completedHours',
            'hours to keep completed jobs',
            z.minimum(1, { error: 'retention.completedHours must be at least 1 (hours to keep completed jobs)' }),
          ),
          24,
        ),
        failedHours: z._default(
          positiveInt(
            'retention.failedHours',
            'hours to keep failed jobs',
            z.minimum(DEAD_LETTER_RETENTION_HOURS, {
              error:
                `retention.failedHours must be at least ${DEAD_LETTER_RETENTION_HOURS} (14 days, as long as the dead-letter queue keeps its letters: ` +
                `a redrive must find each letter's record); leave it out for ${DEFAULT_FAILED_RETENTION_HOURS}`,
            }),
          ),
          DEFAULT_FAILED_RETENTION_HOURS,
        ),
      },
      { error: `retention must be { completedHours, failedHours }, or left out for 24 h and ${DEFAULT_FAILED_RETENTION_HOURS / 24} days` },
    ),
    { completedHours: 24, failedHours: DEFAULT_FAILED_RETENTION_HOURS },
  ),
  /**
   * Jobs may name a registered endpoint (`endpoint_id`, or `user_id` for a
   * user's one enabled endpoint) instead of going to the queue's fixed target
   * (see `core/endpoint.ts`). Inbound callbacks go to the queue that has it.
   */
  endpoints: z._default(z.boolean({ error: 'endpoints must be true or false' }), false),
  /**
   * The schema every job's `data` must match (`functions/core/data-schemas`),
   * checked by the ingest and by API Gateway's request model of the queue's
   * own routes. Left out: any JSON value.
   */
  dataSchema: z.optional(
    z.enum(DATA_SCHEMA_NAMES, {
      error: `dataSchema must name a schema of functions/core/data-schemas: ${DATA_SCHEMA_NAMES.join(', ')}; or leave it out for any JSON data`,
    }),
  ),
};
