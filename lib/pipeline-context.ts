import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ConfigError } from '../functions/core/errors';
import { ADDRESS_CLASS, classifyHostLiteral, isAddressClassAllowed, type AddressAllowance } from '../functions/processors/address-class';
import { PARTNER_NAME_PATTERN } from '../functions/core/partner-name';

/** Reads one context value (`scope.node.tryGetContext`). */
export type ContextReader = (key: string) => unknown;

/** One partner's API key and usage plan limits. */
export interface PartnerPlan {
  /** The partner's name, as given in `-c partners=…`. */
  readonly name: string;
  /** Steady requests per second (`-c partner.<name>.rate=N`). */
  readonly rateLimit: number;
  /** Burst requests (`-c partner.<name>.burst=N`). */
  readonly burstLimit: number;
  /** Requests per day (`-c partner.<name>.quota=N`). */
  readonly quotaPerDay: number;
}

/** Log levels the functions' Powertools logger takes. */
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** Everything the stack takes from CDK context, checked. */
export interface PipelineContext {
  /** Deployment stage, e.g. `dev` or `prod` (`-c stage=…`). */
  readonly stage: string;
  /** True for the `prod` stage: tables and logs are kept on delete, the table is deletion-protected. */
  readonly production: boolean;
  /** Prefix of every queue name: `jobs-<stage>`. */
  readonly namePrefix: string;
  /**
   * Each queue's processor URL; a queue listed in {@link targetProblems} gets a
   * placeholder on {@link PLACEHOLDER_TARGET_HOST} instead.
   */
  readonly targets: Readonly<Record<string, string>>;
  /**
   * What is wrong with the targets (missing, not http(s), or pointing at an
   * address the consumers refuse), one message each, naming the fix. Not
   * thrown: the stack reports each as an error annotation, which stops `cdk
   * synth`, `deploy` and `diff` but lets commands that deploy nothing (`destroy`,
   * `ls`, `bootstrap`) run without targets.
   */
  readonly targetProblems: readonly string[];
  /** Partners with their own API key and usage plan. */
  readonly partners: readonly PartnerPlan[];
  /** Origins allowed by CORS; empty when CORS is off. */
  readonly corsOrigins: readonly string[];
  /** Whether consumers may deliver to loopback addresses. */
  readonly allowLoopbackTargets: boolean;
  /** Whether consumers may deliver to private addresses. */
  readonly allowPrivateTargets: boolean;
  /** The functions' log level. */
  readonly logLevel: LogLevelName;
  /** Whether the functions' stack traces go through source maps (`-c sourceMaps=true`). */
  readonly sourceMaps: boolean;
  /** How long function and access logs are kept. */
  readonly logRetention: RetentionDays;
  /** How long a job may wait unclaimed before the reconciler sends it again. */
  readonly reconcileAfterSeconds: number;
  /** Stage-wide API throttle, requests per second. */
  readonly apiRateLimit: number;
  /** Stage-wide API burst. */
  readonly apiBurstLimit: number;
  /** Addresses every alarm notifies through an SNS topic; empty: no topic, the alarms only show in CloudWatch. */
  readonly alarmEmails: readonly string[];
  /**
   * Provisioned concurrency of a queue's consumer, by queue name; a queue not
   * listed has none (its mappings invoke the function itself, no version or alias).
   */
  readonly provisionedConcurrency: Readonly<Record<string, number>>;
}

/**
 * The host of the stand-in target a queue gets when its own is missing or
 * refused. `.invalid` is reserved: it never resolves, so a stand-in can never
 * deliver anywhere, even if a template carrying it were deployed.
 */
export const PLACEHOLDER_TARGET_HOST = 'missing-target.invalid';

/** Partner limits when context names none. */
export const DEFAULT_PARTNER_LIMITS = { rateLimit: 100, burstLimit: 200, quotaPerDay: 1_000_000 } as const;

/** Lambda's account default concurrency: provisioned concurrency above it could never be granted. */
const MAX_PROVISIONED_CONCURRENCY = 1000;

/** Queue names are `jobs-<stage>-…`, and the functions accept a prefix of at most 20 characters. */
const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,14}$/;

/**
 * Reads and checks the stack's context. Every bad or missing value throws a
 * `ConfigError` naming the value received and the `-c` option that fixes it,
 * except the targets, whose problems are returned in `targetProblems` (see
 * there). A target whose host is an IP literal of a class the consumers refuse,
 * or `localhost`, is a problem unless `allowLoopbackTargets` /
 * `allowPrivateTargets` lets it through (link-local, metadata and reserved
 * addresses never are); host names are checked where the consumer connects.
 *
 * | context | default |
 * |---|---|
 * | `stage` | `dev` |
 * | `targets.<queue>` (or `targets: { queue: url }` in cdk.json) | `defaultTarget` + `/<queue>` |
 * | `defaultTarget` | none: every queue then needs `targets.<queue>` |
 * | `partners` (comma list) | `default` |
 * | `partner.<name>.rate` / `.burst` / `.quota` | 100 / 200 / 1,000,000 a day |
 * | `cors` (comma list of origins) | off |
 * | `allowLoopbackTargets`, `allowPrivateTargets` | `false` |
 * | `logLevel` | `INFO` |
 * | `sourceMaps` | `false`: stack traces show bundle positions, and cold starts skip reading the map |
 * | `logRetentionDays` | 30, 90 in `prod` |
 * | `reconcileAfterSeconds` | 900 |
 * | `apiRateLimit` / `apiBurstLimit` | 500 / 1000 |
 * | `alarmEmail` (comma list of addresses) | none: no SNS topic |
 * | `provisionedConcurrency.<queue>` (or `provisionedConcurrency: { queue: N }` in cdk.json), 1–1000 | none: the consumer has no version or alias, and may cold-start |
 *
 * @example
 * const context = readPipelineContext((key) => app.node.tryGetContext(key), ['payments', 'email']);
 */
export function readPipelineContext(read: ContextReader, queueNames: readonly string[]): PipelineContext {
  const stage = readStage(read);
  const production = stage === 'prod';
  const apiRateLimit = numberOf(read, 'apiRateLimit', 500, { min: 1, max: 10_000 });
  const apiBurstLimit = numberOf(read, 'apiBurstLimit', 1000, { min: 1, max: 5_000 });
  const allowLoopbackTargets = booleanOf(read, 'allowLoopbackTargets');
  const allowPrivateTargets = booleanOf(read, 'allowPrivateTargets');
  const { targets, problems } = readTargets(read, queueNames, { allowLoopback: allowLoopbackTargets, allowPrivate: allowPrivateTargets });
  return {
    stage,
    production,
    namePrefix: `jobs-${stage}`,
    targets,
    targetProblems: problems,
    partners: readPartners(read, apiRateLimit, apiBurstLimit),
    corsOrigins: listOf(read, 'cors'),
    allowLoopbackTargets,
    allowPrivateTargets,
    logLevel: readLogLevel(read),
    sourceMaps: booleanOf(read, 'sourceMaps'),
    logRetention: readRetention(read, production ? RetentionDays.THREE_MONTHS : RetentionDays.ONE_MONTH),
    reconcileAfterSeconds: numberOf(read, 'reconcileAfterSeconds', 900, { min: 30, max: 86_400 }),
    apiRateLimit,
    apiBurstLimit,
    alarmEmails: readAlarmEmails(read),
    provisionedConcurrency: readProvisionedConcurrency(read, queueNames),
  };
}

/**
 * The deployment stage from context `stage` (default `dev`): 1–15 lowercase
 * letters, digits or dashes, so queue names stay within the functions' 20
 * character prefix (`jobs-<stage>`).
 */
export function readStage(read: ContextReader): string {
  const stage = stringOf(read, 'stage') ?? 'dev';
  if (!STAGE_PATTERN.test(stage)) {
    throw new ConfigError(
      `context stage must be 1–15 lowercase letters, digits or dashes starting with a letter; got "${stage}". Fix: -c stage=dev`,
    );
  }
  return stage;
}

function readTargets(
  read: ContextReader,
  queueNames: readonly string[],
  allowance: AddressAllowance,
): { targets: Record<string, string>; problems: string[] } {
  const nested = read('targets');
  const fromObject = typeof nested === 'object' && nested !== null ? (nested as Record<string, unknown>) : {};
  const problems: string[] = [];
  const defaultTarget = stringOf(read, 'defaultTarget');
  const viaDefault = queueNames.filter((queue) => !hasValue(read(`targets.${queue}`) ?? fromObject[queue]));
  const defaultProblem =
    defaultTarget === undefined || viaDefault.length === 0
      ? undefined
      : problemOfUrl(defaultTarget, 'defaultTarget', `queue${viaDefault.length > 1 ? 's' : ''} ${viaDefault.join(', ')}`, allowance);
  if (defaultProblem !== undefined) problems.push(defaultProblem);
  const targets: Record<string, string> = {};
  const missing: string[] = [];
  for (const queue of queueNames) {
    const given = read(`targets.${queue}`) ?? fromObject[queue];
    let problem: string | undefined;
    if (hasValue(given)) {
      problem =
        typeof given === 'string'
          ? problemOfUrl(given, `targets.${queue}`, `queue ${queue}`, allowance)
          : `context targets.${queue} must be a URL string; got ${JSON.stringify(given)}. Fix: -c targets.${queue}=https://processor.example.com/${queue}`;
      if (problem !== undefined) problems.push(problem);
      else targets[queue] = given as string;
    } else if (defaultTarget !== undefined) {
      problem = defaultProblem;
      if (problem === undefined) targets[queue] = `${defaultTarget.replace(/\/+$/, '')}/${queue}`;
    } else {
      missing.push(queue);
      problem = 'missing';
    }
    if (problem !== undefined) targets[queue] = `https://${PLACEHOLDER_TARGET_HOST}/${queue}`;
  }
  if (missing.length > 0) {
    problems.unshift(
      `no processor target for queue${missing.length > 1 ? 's' : ''} ${missing.join(', ')}. ` +
        `Fix: pass -c targets.<queue>=URL for each (e.g. -c targets.${missing[0]}=https://processor.example.com/${missing[0]}), ` +
        'or -c defaultTarget=URL to deliver every queue to URL/<queue>.',
    );
  }
  return { targets, problems };
}

/**
 * Each queue's provisioned concurrency from `provisionedConcurrency.<queue>`
 * (a `-c` value, often a string) or the nested `provisionedConcurrency` object
 * of cdk.json; the flat key wins. A key of the object that names no catalog
 * queue is an error: a typo would otherwise leave the queue cold.
 */
function readProvisionedConcurrency(read: ContextReader, queueNames: readonly string[]): Record<string, number> {
  const nested = read('provisionedConcurrency');
  if (hasValue(nested) && (typeof nested !== 'object' || nested === null || Array.isArray(nested))) {
    throw new ConfigError(
      `context provisionedConcurrency must be an object of queue names to numbers; got ${JSON.stringify(nested)}. ` +
        `Fix: -c provisionedConcurrency.${queueNames[0] ?? '<queue>'}=2, or "provisionedConcurrency": { "${queueNames[0] ?? '<queue>'}": 2 } in cdk.json`,
    );
  }
  const fromObject = hasValue(nested) ? (nested as Record<string, unknown>) : {};
  const unknown = Object.keys(fromObject).filter((key) => !queueNames.includes(key));
  if (unknown.length > 0) {
    throw new ConfigError(
      `context provisionedConcurrency names ${unknown.map((key) => `"${key}"`).join(', ')}, not a catalog queue; ` +
        `the catalog's queues are ${queueNames.join(', ')}. Fix: use one of those names as the key`,
    );
  }
  const chosen: Record<string, number> = {};
  for (const queue of queueNames) {
    const key = `provisionedConcurrency.${queue}`;
    const flat = read(key);
    const given = hasValue(flat) ? flat : fromObject[queue];
    if (!hasValue(given)) continue;
    chosen[queue] = numberOf(() => given, key, 2, { min: 1, max: MAX_PROVISIONED_CONCURRENCY });
  }
  return chosen;
}

function hasValue(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

/**
 * Why a target URL cannot be deployed, or `undefined` when it can: not an
 * http(s) URL, or a host the consumers would refuse to deliver to.
 */
function problemOfUrl(value: string, key: string, usedBy: string, allowance: AddressAllowance): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `context ${key} must be an http(s) URL; got "${value}". Fix: -c ${key}=https://processor.example.com/jobs`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return `context ${key} must be an http(s) URL; got "${value}". Fix: -c ${key}=https://processor.example.com/jobs`;
  }
  const addressClass = classifyHostLiteral(url.hostname);
  if (addressClass === undefined || isAddressClassAllowed(addressClass, allowance)) return undefined;
  // The host only: a target's path or query may hold a token.
  const refused = `context ${key} (${usedBy}) points at ${url.host}, a ${addressClass.replace('_', '-')} address, where the consumers refuse to deliver.`;
  switch (addressClass) {
    case ADDRESS_CLASS.loopback:
      return `${refused} Fix: a public URL, or -c allowLoopbackTargets=true when the consumers run on the target's own machine (npm start sets it).`;
    case ADDRESS_CLASS.private:
    case ADDRESS_CLASS.sharedCgnat:
      return `${refused} Fix: a public URL, or -c allowPrivateTargets=true when the target is inside the deployment's own network.`;
    default:
      return `${refused} No setting allows it (no webhook receiver lives there, but credentials do). Fix: a public URL.`;
  }
}

function readPartners(read: ContextReader, apiRateLimit: number, apiBurstLimit: number): PartnerPlan[] {
  const names = listOf(read, 'partners');
  const chosen = names.length > 0 ? names : ['default'];
  const seen = new Set<string>();
  return chosen.map((name) => {
    if (!PARTNER_NAME_PATTERN.test(name)) {
      throw new ConfigError(
        `partner name "${name}" must be 1–40 lowercase letters, digits or dashes. Fix: -c partners=acme,globex`,
      );
    }
    if (seen.has(name)) throw new ConfigError(`partner "${name}" is listed twice in context partners; list each once`);
    seen.add(name);
    return {
      name,
      rateLimit: numberOf(read, `partner.${name}.rate`, Math.min(DEFAULT_PARTNER_LIMITS.rateLimit, apiRateLimit), {
        min: 1,
        max: apiRateLimit,
      }),
      burstLimit: numberOf(read, `partner.${name}.burst`, Math.min(DEFAULT_PARTNER_LIMITS.burstLimit, apiBurstLimit), {
        min: 1,
        max: apiBurstLimit,
      }),
      quotaPerDay: numberOf(read, `partner.${name}.quota`, DEFAULT_PARTNER_LIMITS.quotaPerDay, { min: 1, max: 1_000_000_000 }),
    };
  });
}

/** Loose on purpose: SNS confirms each address by mail; this only catches a value that is plainly not one. */
const EMAIL_PATTERN = /^[^@\s,]+@[^@\s,]+\.[^@\s,]+$/;

function readAlarmEmails(read: ContextReader): string[] {
  const emails = listOf(read, 'alarmEmail');
  const seen = new Set<string>();
  for (const email of emails) {
    if (!EMAIL_PATTERN.test(email)) {
      throw new ConfigError(
        `context alarmEmail must be email addresses separated by commas; got "${email}". Fix: -c alarmEmail=ops@example.com`,
      );
    }
    if (seen.has(email.toLowerCase())) throw new ConfigError(`context alarmEmail lists "${email}" twice; list each address once`);
    seen.add(email.toLowerCase());
  }
  return emails;
}

function readLogLevel(read: ContextReader): LogLevelName {
  const value = (stringOf(read, 'logLevel') ?? 'INFO').toUpperCase();
  const level = LOG_LEVELS.find((candidate) => candidate === value);
  if (!level) throw new ConfigError(`context logLevel must be one of ${LOG_LEVELS.join(', ')}; got "${value}". Fix: -c logLevel=INFO`);
  return level;
}

function readRetention(read: ContextReader, fallback: RetentionDays): RetentionDays {
  const raw = read('logRetentionDays');
  if (raw === undefined) return fallback;
  const days = Number(raw);
  const allowed = Object.values(RetentionDays).filter((value): value is RetentionDays => typeof value === 'number');
  const match = allowed.find((value) => value === days);
  if (match === undefined) {
    throw new ConfigError(
      `context logRetentionDays must be one of CloudWatch's retention periods (${allowed.join(', ')}); got "${String(raw)}". Fix: -c logRetentionDays=30`,
    );
  }
  return match;
}

function stringOf(read: ContextReader, key: string): string | undefined {
  const value = read(key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ConfigError(`context ${key} must be a string; got ${JSON.stringify(value)}`);
  return value.trim() === '' ? undefined : value.trim();
}

function listOf(read: ContextReader, key: string): string[] {
  const value = read(key);
  if (value === undefined || value === null || value === '') return [];
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : undefined;
  if (!items || !items.every((item): item is string => typeof item === 'string')) {
    throw new ConfigError(`context ${key} must be a comma-separated list; got ${JSON.stringify(value)}. Fix: -c ${key}=a,b`);
  }
  return items.map((item) => item.trim()).filter((item) => item !== '');
}

function booleanOf(read: ContextReader, key: string): boolean {
  const value = read(key);
  if (value === undefined || value === null || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw new ConfigError(`context ${key} must be true or false; got ${JSON.stringify(value)}. Fix: -c ${key}=true`);
}

function numberOf(read: ContextReader, key: string, fallback: number, bounds: { min: number; max: number }): number {
  const value = read(key);
  if (value === undefined || value === null || value === '') return fallback;
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isInteger(number) || number < bounds.min || number > bounds.max) {
    throw new ConfigError(
      `context ${key} must be a whole number from ${bounds.min} to ${bounds.max}; got ${JSON.stringify(value)}. Fix: -c ${key}=${fallback}`,
    );
  }
  return number;
}
