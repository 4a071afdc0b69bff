import * as z from './validation';
import { BACKOFF_TYPE } from './backoff';
import { ConfigError } from './errors';
import { CATALOG_ENTRY_SHAPE_MESSAGE, positiveInt, queueSettingsFields } from './queue-settings';

export { DEAD_LETTER_RETENTION_HOURS, DEFAULT_FAILED_RETENTION_HOURS, DEFAULT_MAX_PAYLOAD_BYTES } from './queue-settings';

/** Kinds of processor a queue can run. */
export const PROCESSOR_KIND = { http: 'http' } as const;

/**
 * The longest a job may run: 14 minutes (14 × 60 × 1000 ms), so that one job,
 * the calls that claim and settle it and a rate-limit wait fit in Lambda's 15
 * minutes. Written as a literal, as is {@link MAX_OLDEST_MESSAGE_ALARM_SECONDS}:
 * a bundle that does not use it can then leave it out (a product it keeps).
 */
export const MAX_TIMEOUT_MS = 840_000;

/** Receives beyond `attempts` the redrive backstop tolerates by default (deferrals, throttles). */
export const DEFAULT_DEFERRAL_ALLOWANCE = 10;

/** How long a job may wait in a lane before the queue's oldest-message alarm fires, by default: 15 minutes. */
export const DEFAULT_OLDEST_MESSAGE_ALARM_SECONDS = 900;

/** SQS keeps a message at most 14 days (14 × 24 × 60 × 60 s): an age alarm past that could never fire. */
export const MAX_OLDEST_MESSAGE_ALARM_SECONDS = 1_209_600;

/** The reconciler waits at least this long before sending a waiting job again (its own period is 5 minutes). */
export const MIN_RECONCILE_AFTER_SECONDS = 30;

/**
 * One catalog entry: a job type and the settings the stack provisions it with.
 * Every field's message names the fix, so a bad entry says how to correct it.
 * The fields the ingest-side functions read too come from `queue-settings.ts`.
 *
 * Built in a call marked pure, as is {@link queueDefinitionSchema}: a bundle
 * that imports this module without using them (every function but the
 * consumer) leaves them out, with their messages.
 */
export const queueDefinitionShape = /* @__PURE__ */ (() =>
  z.strictObject({
    name: queueSettingsFields.name,
    description: z.optional(z.string().check(z.maxLength(200, { error: 'description must be at most 200 characters' }))),
    fifo: queueSettingsFields.fifo,
    dedup: queueSettingsFields.dedup,
    dedupKeyField: queueSettingsFields.dedupKeyField,
    lanes: queueSettingsFields.lanes,
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
    attempts: queueSettingsFields.attempts,
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
    retention: queueSettingsFields.retention,
    processor: z._default(z.enum([PROCESSOR_KIND.http], { error: 'processor must be "http"' }), PROCESSOR_KIND.http),
    maxPayloadBytes: queueSettingsFields.maxPayloadBytes,
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
    endpoints: queueSettingsFields.endpoints,
    dataSchema: queueSettingsFields.dataSchema,
    reason: z.optional(
      z.string({ error: 'reason must be a string: why the entry is set as it is' }).check(z.maxLength(600, { error: 'reason must be at most 600 characters' })),
    ),
  }, { error: CATALOG_ENTRY_SHAPE_MESSAGE }))();

/** {@link queueDefinitionShape} with the rules that tie fields together. */
export const queueDefinitionSchema = /* @__PURE__ */ queueDefinitionShape.check(
  /* @__PURE__ */ z.refine((entry) => !(entry.dedupKeyField && !entry.dedup), {
    error: 'dedupKeyField needs dedup: true; set dedup: true or remove dedupKeyField',
    path: ['dedupKeyField'],
  }),
  /* @__PURE__ */ z.refine((entry) => !(entry.fifo && entry.lanes), {
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
