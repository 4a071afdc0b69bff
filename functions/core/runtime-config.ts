import { jsonText } from './json-text';
import * as z from './validation';
import { ConfigError } from './errors';
import { queueDefinitionSchema } from './queue-config';
import { CATALOG_ENTRY_SHAPE_MESSAGE, queueSettingsFields } from './queue-settings';

/** What every function needs to find the table and the queues. */
const baseSchema = z.object({
  TABLE_NAME: z.string().check(z.minLength(1, { error: 'TABLE_NAME must name the jobs table' })),
  QUEUE_URL_BASE: z.url({ error: 'QUEUE_URL_BASE must be the SQS base URL, https://sqs.<region>.amazonaws.com/<account>' }),
  QUEUE_NAME_PREFIX: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,20}$/, { error: 'QUEUE_NAME_PREFIX must be 1–20 letters, digits, - or _' })),
});

/**
 * The part of a catalog entry the ingest, status, sweeper and reconciler
 * functions need: small, so every queue fits in one environment variable.
 * Its fields are the catalog's own (`queue-settings.ts`), checked alike, and
 * a field of another name is refused as in a catalog entry; the rules that tie
 * fields together are the catalog's alone.
 */
export const queueSettingsSchema = z.strictObject(queueSettingsFields, { error: CATALOG_ENTRY_SHAPE_MESSAGE });

/** A queue's settings as the ingest-side functions see them. */
export type QueueSettings = z.output<typeof queueSettingsSchema>;

/** Picks the settings the ingest side needs from a full definition. */
export function queueSettingsOf(definition: QueueSettings): QueueSettings {
  const { name, fifo, dedup, dedupKeyField, lanes, attempts, maxPayloadBytes, retention, endpoints, dataSchema } = definition;
  return { name, fifo, dedup, dedupKeyField, lanes, attempts, maxPayloadBytes, retention, endpoints, ...(dataSchema === undefined ? {} : { dataSchema }) };
}

const jsonOf = <T extends z.core.$ZodType>(schema: T, variable: string) =>
  z.pipe(z.pipe(z.string({ error: `${variable} is required` }), z.transform(jsonText(`${variable} must be JSON`))), schema);

// The schemas below that not every function uses are built in calls marked
// pure: a bundle that does not use one leaves it out (the bundler keeps any
// other top-level call, used or not, in case it has side effects).

/** Configuration of the ingest, status, sweeper and reconciler functions. */
export const pipelineConfigSchema = /* @__PURE__ */ (() =>
  z.extend(baseSchema, {
    QUEUES: jsonOf(z.array(queueSettingsSchema).check(z.minLength(1)), 'QUEUES'),
    RECONCILE_AFTER_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(30), z.maximum(86_400)), 900),
  }))();

/** One partner's API key: the key's id (as API Gateway gives it to the function) and the partner's name. */
export const partnerKeySchema = /* @__PURE__ */ (() =>
  z.object({
    key_id: z.string().check(z.minLength(1, { error: 'key_id must be the API key id' })),
    partner: z.string().check(z.minLength(1, { error: 'partner must name the partner' })),
  }))();

/** One entry of `PARTNER_KEYS`. */
export type PartnerKey = z.output<typeof partnerKeySchema>;

/**
 * Every partner's API key id: at least one, each key id once (a key mapped to
 * two partners could not say whose jobs it may see).
 */
export const partnerKeysSchema = /* @__PURE__ */ (() =>
  z
    .array(partnerKeySchema)
    .check(
      z.minLength(1, { error: 'PARTNER_KEYS must list at least one partner key' }),
      z.refine((keys) => new Set(keys.map((key) => key.key_id)).size === keys.length, { error: 'PARTNER_KEYS lists a key_id twice' }),
    ))();

/**
 * Configuration of the partner-facing functions (ingest and job status): the
 * pipeline's, plus `PARTNER_KEYS`, a JSON array `[{ "key_id", "partner" }]`
 * the stack builds from the partners' API keys, so each request is tied to the
 * partner whose key it carries.
 */
export const partnerApiConfigSchema = /* @__PURE__ */ (() =>
  z.extend(pipelineConfigSchema, {
    PARTNER_KEYS: jsonOf(partnerKeysSchema, 'PARTNER_KEYS'),
  }))();

/** A `true` / `false` variable, `false` when unset. */
const flag = () => z.pipe(z._default(z.enum(['true', 'false']), 'false'), z.transform((value) => value === 'true'));

/**
 * Configuration of a queue's consumer function. Its bundle alone keeps it and
 * {@link consumerConfigWithSecretSchema}, and with them the catalog entry's
 * schema (`queue-config.ts`).
 */
export const consumerConfigSchema = /* @__PURE__ */ (() =>
  z.extend(baseSchema, {
    QUEUE_SETTINGS: jsonOf(queueDefinitionSchema, 'QUEUE_SETTINGS'),
    TARGET_URL: z.url({ error: 'TARGET_URL must be the URL jobs are delivered to' }),
    /** The queue's signing secret in Secrets Manager (deployed). */
    SIGNING_SECRET_ARN: z.optional(z.string().check(z.minLength(1))),
    /** The signing secret itself (tests only: a deployed stack never puts it in the environment). */
    SIGNING_SECRET: z.optional(z.string().check(z.minLength(8, { error: 'SIGNING_SECRET must hold the queue signing secret' }))),
    ALLOW_LOOPBACK_TARGETS: flag(),
    ALLOW_PRIVATE_TARGETS: flag(),
    /** The API's base URL, `https://<api id>.execute-api.<region>.<suffix>/<stage>`: deliveries name their progress URL under it. */
    API_BASE_URL: z.optional(z.url({ error: 'API_BASE_URL must be the API base URL, https://<api id>.execute-api.<region>.amazonaws.com/<stage>' })),
    /** The settings of the queue that delivers to endpoints, where `notify` events go; unset when the catalog has none. */
    NOTIFY_QUEUE: z.optional(jsonOf(queueSettingsSchema, 'NOTIFY_QUEUE')),
  }))();

/** A consumer configuration must say where its signing secret is. */
export const consumerConfigWithSecretSchema = /* @__PURE__ */ consumerConfigSchema.check(
  /* @__PURE__ */ z.refine((config) => config.SIGNING_SECRET_ARN !== undefined || config.SIGNING_SECRET !== undefined, {
    error: 'SIGNING_SECRET_ARN (or, in tests, SIGNING_SECRET) must name the queue signing secret',
    path: ['SIGNING_SECRET_ARN'],
  }),
);

/** Checked ingest-side configuration. */
export type PipelineConfig = z.output<typeof pipelineConfigSchema>;

/** Checked configuration of the ingest and job-status functions. */
export type PartnerApiConfig = z.output<typeof partnerApiConfigSchema>;

/** Checked consumer configuration. */
export type ConsumerConfig = z.output<typeof consumerConfigSchema>;

/**
 * Checks a function's environment once, at module load. A bad one throws a
 * {@link ConfigError} naming each variable and what it should hold.
 *
 * @example
 * const config = parseConfig(pipelineConfigSchema, process.env);
 */
export function parseConfig<T extends z.core.$ZodType>(schema: T, environment: Record<string, string | undefined>): z.output<T> {
  const result = z.safeParse(schema, environment);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  - ${issue.path.join('.') || '(environment)'}: ${issue.message}`);
  throw new ConfigError(`function configuration is invalid:\n${problems.join('\n')}`);
}
