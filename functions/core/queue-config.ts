import * as z from './validation';
import { BACKOFF_TYPE } from './backoff';
import { DATA_SCHEMA_NAMES } from './data-schemas/names';
import { ConfigError } from './errors';
import { MAX_STORABLE_PAYLOAD_BYTES } from './limits';

/** Kinds of processor a queue can run. */
export const PROCESSOR_KIND = { http: 'http' } as const;

/**
 * The longest a job may run: 14 minutes, so that one job, the calls that claim
 * and settle it and a rate-limit wait fit in Lambda's 15 minutes.
 */
export const MAX_TIMEOUT_MS = 14 * 60 * 1000;

/** Default payload limit: 256 KiB. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024;

/** Receives beyond `attempts` the redrive backstop tolerates by default (deferrals, throttles). */
export const DEFAULT_DEFERRAL_ALLOWANCE = 10;

/** How long a job may wait in a lane before the queue's oldest-message alarm fires, by default: 15 minutes. */
export const DEFAULT_OLDEST_MESSAGE_ALARM_SECONDS = 900;

/** SQS keeps a message at most 14 days: an age alarm past that could never fire. */
export const MAX_OLDEST_MESSAGE_ALARM_SECONDS = 14 * 24 * 60 * 60;

/** How long a dead-letter queue keeps a letter: SQS's longest retention, 14 days. */
export const DEAD_LETTER_RETENTION_HOURS = 14 * 24;

/**
 * Failed records are kept by default a day longer than their letters: a
 * redrive on the letters' last day still finds each record, and the claim
 * rebuilds one that is gone anyway.
 */
export const DEFAULT_FAILED_RETENTION_HOURS = DEAD_LETTER_RETENTION_HOURS + 24;

/** The reconciler waits at least this long before sending a waiting job again (its own period is 5 minutes). */
export const MIN_RECONCILE_AFTER_SECONDS = 30;

const positiveInt = (field: string, fix: string, ...checks: z.core.$ZodCheck<number>[]) =>
  z.number({ error: `${field} must be a number; ${fix}` }).check(z.int({ error: `${field} must be a whole number; ${fix}` }), ...checks);

/**
 * One catalog entry: a job type and the settings the stack provisions it with.
 * Every field's message names the fix, so a bad entry says how to correct it.
 */
export const queueDefinitionShape = z.strictObject({
  name: z.string({ error: 'name is required: a kebab-case queue name such as "payments"' }).check(
    z.regex(/^[a-z][a-z0-9-]{0,38}[a-z0-9]$/, {
      error: 'name must be kebab-case, 2–40 characters, letters, digits and dashes (e.g. "order-processing")',
    }),
  ),
  description: z.optional(z.string().check(z.maxLength(200, { error: 'description must be at most 200 characters' }))),
  fifo: z._default(z.boolean({ error: 'fifo must be true or false' }), false),
  dedup: z._default(z.boolean({ error: 'dedup must be true or false' }), false),
  dedupKeyField: z.optional(
    z
      .string({ error: 'dedupKeyField must name a top-level field of the job data, e.g. "intentId"' })
      .check(z.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'dedupKeyField must name a top-level field of the job data, e.g. "intentId"' })),
  ),
  lanes: z._default(z.boolean({ error: 'lanes must be true or false' }), false),
  concurrency: positiveInt(
    'concurrency',
    'set how many jobs may run at once, 1–1000',
    z.minimum(1, { error: 'concurrency must be at least 1' }),
    z.maximum(1000, { error: 'concurrency must be at most 1000 (the event source mapping limit)' }),
  ),
  rateLimit: z.optional(
    z.strictObject(
      {
        max: positiveInt('rateLimit.max', 'the number of jobs allowed per duration', z.minimum(1, { error: 'rateLimit.max must be at least 1' })),
        durationMs: positiveInt(
          'rateLimit.durationMs',
          'the window in milliseconds, e.g. 1000',
          z.minimum(1000, { error: 'rateLimit.durationMs must be at least 1000 (one second)' }),
        ),
      },
      { error: 'rateLimit must be { max, durationMs }, e.g. { max: 100, durationMs: 1000 }, or left out for no limit' },
    ),
  ),
  attempts: positiveInt(
    'attempts',
    'the total number of tries, 1–25',
    z.minimum(1, { error: 'attempts must be at least 1 (one try, no retries)' }),
    z.maximum(25, { error: 'attempts must be at most 25' }),
  ),
  backoff: z.strictObject(
    {
      type: z.enum([BACKOFF_TYPE.fixed, BACKOFF_TYPE.exponential], { error: 'backoff.type must be "fixed" or "exponential"' }),
      delayMs: positiveInt('backoff.delayMs', 'the first wait in milliseconds, e.g. 2000', z.minimum(0, { error: 'backoff.delayMs must be 0 or more' })),
      jitter: z._default(
        z
          .number({ error: 'backoff.jitter must be a number from 0 to 1' })
          .check(
            z.minimum(0, { error: 'backoff.jitter must be from 0 (none) to 1' }),
            z.maximum(1, { error: 'backoff.jitter must be from 0 to 1 (fully random)' }),
          ),
        0.5,
      ),
    },
    { error: 'backoff is required: { type: "fixed" or "exponential", delayMs, jitter? }, e.g. { type: "exponential", delayMs: 2000 }' },
  ),
  timeoutMs: positiveInt(
    'timeoutMs',
    'the longest a job may run, in milliseconds',
    z.minimum(1000, { error: 'timeoutMs must be at least 1000 (one second)' }),
    z.maximum(MAX_TIMEOUT_MS, { error: `timeoutMs must be at most ${MAX_TIMEOUT_MS} (14 minutes: a job and its bookkeeping must fit in Lambda's 15)` }),
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
  processor: z._default(z.enum([PROCESSOR_KIND.http], { error: 'processor must be "http"' }), PROCESSOR_KIND.http),
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
  deferralAllowance: z._default(
    positiveInt(
      'deferralAllowance',
      'extra receives the redrive backstop tolerates',
      z.minimum(1, { error: 'deferralAllowance must be at least 1' }),
      z.maximum(900, { error: 'deferralAllowance must be at most 900' }),
    ),
    DEFAULT_DEFERRAL_ALLOWANCE,
  ),
  oldestMessageAlarmSeconds: z._default(
    positiveInt(
      'oldestMessageAlarmSeconds',
      'how long a job may wait before the age alarm fires, in seconds',
      z.minimum(60, { error: 'oldestMessageAlarmSeconds must be at least 60 (CloudWatch sees queue ages once a minute)' }),
      z.maximum(MAX_OLDEST_MESSAGE_ALARM_SECONDS, {
        error: `oldestMessageAlarmSeconds must be at most ${MAX_OLDEST_MESSAGE_ALARM_SECONDS} (14 days: SQS keeps a message no longer)`,
      }),
    ),
    DEFAULT_OLDEST_MESSAGE_ALARM_SECONDS,
  ),
  reconcileAfterSeconds: z.optional(
    positiveInt(
      'reconcileAfterSeconds',
      'how long a waiting job goes unclaimed before the reconciler sends it again, in seconds',
      z.minimum(MIN_RECONCILE_AFTER_SECONDS, { error: `reconcileAfterSeconds must be at least ${MIN_RECONCILE_AFTER_SECONDS}` }),
      z.maximum(86_400, { error: 'reconcileAfterSeconds must be at most 86400 (one day)' }),
    ),
  ),
  memoryMb: z._default(
    positiveInt(
      'memoryMb',
      'the consumer memory in MB',
      z.minimum(128, { error: 'memoryMb must be at least 128' }),
      z.maximum(10240, { error: 'memoryMb must be at most 10240' }),
    ),
    256,
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
  reason: z.optional(
    z.string({ error: 'reason must be a string: why the entry is set as it is' }).check(z.maxLength(600, { error: 'reason must be at most 600 characters' })),
  ),
}, { error: 'a catalog entry must be an object such as { name, concurrency, attempts, backoff, timeoutMs }' });

/** {@link queueDefinitionShape} with the rules that tie fields together. */
export const queueDefinitionSchema = queueDefinitionShape.check(
  z.refine((entry) => !(entry.dedupKeyField && !entry.dedup), {
    error: 'dedupKeyField needs dedup: true; set dedup: true or remove dedupKeyField',
    path: ['dedupKeyField'],
  }),
  z.refine((entry) => !(entry.fifo && entry.lanes), {
    error: 'a FIFO queue keeps order within a group, so it cannot have priority lanes; set lanes: false or fifo: false',
    path: ['lanes'],
  }),
);

/** A catalog entry as written, before defaults. */
export type QueueDefinitionInput = z.input<typeof queueDefinitionSchema>;

/** A catalog entry, checked, with every default filled in. */
export type QueueDefinition = z.output<typeof queueDefinitionSchema>;

/**
 * Checks one catalog entry. A bad one throws a {@link ConfigError} naming the
 * queue, each field at fault and how to fix it.
 *
 * @example
 * parseQueueDefinition({ name: 'email', concurrency: 5, attempts: 3, backoff: { type: 'exponential', delayMs: 2000 }, timeoutMs: 30000 });
 */
export function parseQueueDefinition(input: unknown): QueueDefinition {
  const result = queueDefinitionSchema.safeParse(input);
  if (result.success) return result.data;
  const name = typeof (input as { name?: unknown })?.name === 'string' ? (input as { name: string }).name : '(unnamed)';
  const problems = result.error.issues.flatMap((issue) => {
    // zod reports unknown keys on the object that holds them; name each key instead.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => `  - ${[...issue.path, key].join('.')}: unknown field; check its spelling or remove it`);
    }
    const field = issue.path.length > 0 ? issue.path.join('.') : '(entry)';
    return [`  - ${field}: ${issue.message}`];
  });
  throw new ConfigError(`catalog entry "${name}" is invalid:\n${problems.join('\n')}`, { context: { queue: name } });
}

/**
 * Checks a whole catalog: every entry, and names that appear once.
 */
export function parseCatalog(entries: readonly unknown[]): QueueDefinition[] {
  const definitions = entries.map(parseQueueDefinition);
  const seen = new Set<string>();
  for (const definition of definitions) {
    if (seen.has(definition.name)) {
      throw new ConfigError(`catalog entry "${definition.name}" appears twice; give each job type its own name`, {
        context: { queue: definition.name },
      });
    }
    seen.add(definition.name);
  }
  return definitions;
}
