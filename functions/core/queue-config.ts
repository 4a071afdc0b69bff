import { z } from 'zod';
import { BACKOFF_TYPE } from './backoff';
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

const positiveInt = (field: string, fix: string) =>
  z.number({ error: `${field} must be a number; ${fix}` }).int({ error: `${field} must be a whole number; ${fix}` });

/**
 * One catalog entry: a job type and the settings the stack provisions it with.
 * Every field's message names the fix, so a bad entry says how to correct it.
 */
export const queueDefinitionShape = z.strictObject({
  name: z
    .string({ error: 'name is required: a kebab-case queue name such as "payments"' })
    .regex(/^[a-z][a-z0-9-]{0,38}[a-z0-9]$/, {
      error: 'name must be kebab-case, 2–40 characters, letters, digits and dashes (e.g. "order-processing")',
    }),
  description: z.string().max(200, { error: 'description must be at most 200 characters' }).optional(),
  fifo: z.boolean({ error: 'fifo must be true or false' }).default(false),
  dedup: z.boolean({ error: 'dedup must be true or false' }).default(false),
  dedupKeyField: z
    .string({ error: 'dedupKeyField must name a top-level field of the job data, e.g. "intentId"' })
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'dedupKeyField must name a top-level field of the job data, e.g. "intentId"' })
    .optional(),
  lanes: z.boolean({ error: 'lanes must be true or false' }).default(false),
  concurrency: positiveInt('concurrency', 'set how many jobs may run at once, 1–1000')
    .min(1, { error: 'concurrency must be at least 1' })
    .max(1000, { error: 'concurrency must be at most 1000 (the event source mapping limit)' }),
  rateLimit: z
    .strictObject({
      max: positiveInt('rateLimit.max', 'the number of jobs allowed per duration').min(1, {
        error: 'rateLimit.max must be at least 1',
      }),
      durationMs: positiveInt('rateLimit.durationMs', 'the window in milliseconds, e.g. 1000').min(1000, {
        error: 'rateLimit.durationMs must be at least 1000 (one second)',
      }),
    }, { error: 'rateLimit must be { max, durationMs }, e.g. { max: 100, durationMs: 1000 }, or left out for no limit' })
    .optional(),
  attempts: positiveInt('attempts', 'the total number of tries, 1–25')
    .min(1, { error: 'attempts must be at least 1 (one try, no retries)' })
    .max(25, { error: 'attempts must be at most 25' }),
  backoff: z.strictObject({
    type: z.enum([BACKOFF_TYPE.fixed, BACKOFF_TYPE.exponential], { error: 'backoff.type must be "fixed" or "exponential"' }),
    delayMs: positiveInt('backoff.delayMs', 'the first wait in milliseconds, e.g. 2000').min(0, {
      error: 'backoff.delayMs must be 0 or more',
    }),
    jitter: z
      .number({ error: 'backoff.jitter must be a number from 0 to 1' })
      .min(0, { error: 'backoff.jitter must be from 0 (none) to 1' })
      .max(1, { error: 'backoff.jitter must be from 0 to 1 (fully random)' })
      .default(0.5),
  }, { error: 'backoff is required: { type: "fixed" or "exponential", delayMs, jitter? }, e.g. { type: "exponential", delayMs: 2000 }' }),
  timeoutMs: positiveInt('timeoutMs', 'the longest a job may run, in milliseconds')
    .min(1000, { error: 'timeoutMs must be at least 1000 (one second)' })
    .max(MAX_TIMEOUT_MS, { error: `timeoutMs must be at most ${MAX_TIMEOUT_MS} (14 minutes: a job and its bookkeeping must fit in Lambda's 15)` }),
  retention: z
    .strictObject({
      completedHours: positiveInt('retention.completedHours', 'hours to keep completed jobs')
        .min(1, { error: 'retention.completedHours must be at least 1 (hours to keep completed jobs)' })
        .default(24),
      failedHours: positiveInt('retention.failedHours', 'hours to keep failed jobs')
        .min(DEAD_LETTER_RETENTION_HOURS, {
          error:
            `retention.failedHours must be at least ${DEAD_LETTER_RETENTION_HOURS} (14 days, as long as the dead-letter queue keeps its letters: ` +
            `a redrive must find each letter's record); leave it out for ${DEFAULT_FAILED_RETENTION_HOURS}`,
        })
        .default(DEFAULT_FAILED_RETENTION_HOURS),
    }, { error: `retention must be { completedHours, failedHours }, or left out for 24 h and ${DEFAULT_FAILED_RETENTION_HOURS / 24} days` })
    .default({ completedHours: 24, failedHours: DEFAULT_FAILED_RETENTION_HOURS }),
  processor: z.enum([PROCESSOR_KIND.http], { error: 'processor must be "http"' }).default(PROCESSOR_KIND.http),
  maxPayloadBytes: positiveInt('maxPayloadBytes', 'the largest job data in bytes')
    .min(1024, { error: 'maxPayloadBytes must be at least 1024' })
    .max(MAX_STORABLE_PAYLOAD_BYTES, {
      error:
        `maxPayloadBytes must be at most ${MAX_STORABLE_PAYLOAD_BYTES} (398 KiB): a job's data is kept in the jobs table ` +
        'until it is claimed, and a DynamoDB item holds at most 400 KB with its keys',
    })
    .default(DEFAULT_MAX_PAYLOAD_BYTES),
  deferralAllowance: positiveInt('deferralAllowance', 'extra receives the redrive backstop tolerates')
    .min(1, { error: 'deferralAllowance must be at least 1' })
    .max(900, { error: 'deferralAllowance must be at most 900' })
    .default(DEFAULT_DEFERRAL_ALLOWANCE),
  oldestMessageAlarmSeconds: positiveInt('oldestMessageAlarmSeconds', 'how long a job may wait before the age alarm fires, in seconds')
    .min(60, { error: 'oldestMessageAlarmSeconds must be at least 60 (CloudWatch sees queue ages once a minute)' })
    .max(MAX_OLDEST_MESSAGE_ALARM_SECONDS, {
      error: `oldestMessageAlarmSeconds must be at most ${MAX_OLDEST_MESSAGE_ALARM_SECONDS} (14 days: SQS keeps a message no longer)`,
    })
    .default(DEFAULT_OLDEST_MESSAGE_ALARM_SECONDS),
  reconcileAfterSeconds: positiveInt('reconcileAfterSeconds', 'how long a waiting job goes unclaimed before the reconciler sends it again, in seconds')
    .min(MIN_RECONCILE_AFTER_SECONDS, { error: `reconcileAfterSeconds must be at least ${MIN_RECONCILE_AFTER_SECONDS}` })
    .max(86_400, { error: 'reconcileAfterSeconds must be at most 86400 (one day)' })
    .optional(),
  memoryMb: positiveInt('memoryMb', 'the consumer memory in MB')
    .min(128, { error: 'memoryMb must be at least 128' })
    .max(10240, { error: 'memoryMb must be at most 10240' })
    .default(256),
  reason: z
    .string({ error: 'reason must be a string: why the entry is set as it is' })
    .max(600, { error: 'reason must be at most 600 characters' })
    .optional(),
}, { error: 'a catalog entry must be an object such as { name, concurrency, attempts, backoff, timeoutMs }' });

/** {@link queueDefinitionShape} with the rules that tie fields together. */
export const queueDefinitionSchema = queueDefinitionShape
  .refine((entry) => !(entry.dedupKeyField && !entry.dedup), {
    error: 'dedupKeyField needs dedup: true; set dedup: true or remove dedupKeyField',
    path: ['dedupKeyField'],
  })
  .refine((entry) => !(entry.fifo && entry.lanes), {
    error: 'a FIFO queue keeps order within a group, so it cannot have priority lanes; set lanes: false or fifo: false',
    path: ['lanes'],
  });

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
