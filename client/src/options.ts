import { InvalidOptionError, UnsupportedOptionError } from './errors.js';

/** The server's priority lanes, the highest first. */
export type PriorityLevel = 'urgent' | 'high' | 'normal' | 'low';

/** BullMQ's `backoff`: a number is a fixed delay in ms. */
export type BackoffOptions = number | { readonly type: 'fixed' | 'exponential'; readonly delay: number };

/**
 * The job options this client supports, under BullMQ's names. Any other
 * option throws an {@link UnsupportedOptionError}.
 */
export interface JobsOptions {
  /**
   * Deduplicates: while a job added with the same `jobId` is waiting, delayed,
   * active or retrying, adding it again returns that job (the queue must have
   * `dedup` in the catalog). Once it has finished, a new run is accepted. The
   * server derives the job's `id` from it (`d-…`). Sent as `dedup_key`.
   */
  readonly jobId?: string;
  /**
   * BullMQ's convention: 1 is the highest; 0 or none is `normal`. Mapped onto
   * the lanes: 1 → urgent, 2–10 → high, 11–100 → normal, 101 and above → low.
   * A lane name (`'urgent'`, `'high'`, `'normal'`, `'low'`) is taken as is.
   */
  readonly priority?: number | PriorityLevel;
  /** Milliseconds to wait before the job may run (up to a year). */
  readonly delay?: number;
  /** Attempts in all (1–25); the queue's own when left out. */
  readonly attempts?: number;
  /** The retry backoff (a number is `{ type: 'fixed', delay }`); the queue's jitter still applies. The queue's own when left out. */
  readonly backoff?: BackoffOptions;
  /** BullMQ's deduplication by id: the same as `jobId` here (`ttl`, `extend`, `replace` are not supported). */
  readonly deduplication?: { readonly id: string };
  /** BullMQ Pro's group: on a FIFO queue (e.g. `order-processing`), the group whose jobs run in order. Sent as `group_id`. */
  readonly group?: { readonly id: string };
  /**
   * This API's own, not BullMQ's: when the job may start, instead of `delay`
   * (a `Date`, or an ISO 8601 time with a zone). Sent as `run_at`.
   */
  readonly runAt?: Date | string;
  /**
   * This API's own: on a queue with endpoints (`webhook-delivery`), deliver to
   * this registered endpoint (one registered for your partner) instead of the
   * queue's target. Sent as `endpoint_id`; not with `userId`.
   */
  readonly endpointId?: string;
  /** This API's own: deliver to this user's one enabled endpoint. Sent as `user_id`; not with `endpointId`. */
  readonly userId?: string;
  /** This API's own: when the job is final, a signed `job.completed` or `job.failed` event goes to this endpoint. */
  readonly notify?: { readonly endpointId: string };
}

/** BullMQ's largest priority. */
const MAX_BULLMQ_PRIORITY = 2_097_151;

/**
 * BullMQ priorities (1 is the highest) onto lanes: the highest bound each
 * priority stays within, e.g. 7 is `high` and 50 is `normal`.
 */
export const PRIORITY_TABLE: readonly { readonly upTo: number; readonly level: PriorityLevel }[] = [
  { upTo: 1, level: 'urgent' },
  { upTo: 10, level: 'high' },
  { upTo: 100, level: 'normal' },
  { upTo: MAX_BULLMQ_PRIORITY, level: 'low' },
];

const LEVELS: readonly PriorityLevel[] = ['urgent', 'high', 'normal', 'low'];

/**
 * The lane of a BullMQ priority, or `undefined` for 0 or none (the server's
 * default, `normal`).
 *
 * @example
 * priorityLevelOf(1); // 'urgent'
 * priorityLevelOf(5); // 'high'
 * priorityLevelOf(0); // undefined: normal
 */
export function priorityLevelOf(priority: number | PriorityLevel | undefined): PriorityLevel | undefined {
  if (priority === undefined || priority === 0) return undefined;
  if (typeof priority === 'string') {
    if (LEVELS.includes(priority)) return priority;
    throw new InvalidOptionError('priority', `"${String(priority)}" is not a lane; give ${LEVELS.join(', ')} or a number (1 is the highest)`);
  }
  if (!Number.isInteger(priority) || priority < 0 || priority > MAX_BULLMQ_PRIORITY) {
    throw new InvalidOptionError('priority', `got ${String(priority)}; give a whole number from 0 to ${MAX_BULLMQ_PRIORITY} (1 is the highest) or a lane name`);
  }
  return (PRIORITY_TABLE.find((row) => priority <= row.upTo) ?? { level: 'low' as const }).level;
}

/** BullMQ options this client refuses, with what to use instead. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  lifo: 'lanes order by priority and each lane is served roughly first in, first out; use priority',
  repeat: 'schedule a call to add() (e.g. an EventBridge Scheduler schedule that posts to POST /jobs/{queue}); delay for one-off times',
  removeOnComplete: "completed jobs are kept for the queue's retention (catalog retention.completedHours), then deleted",
  removeOnFail: "failed jobs are kept for the queue's retention (catalog retention.failedHours), then deleted",
  keepLogs: 'there are no job logs; the job history is in getJob() and in structured logs',
  stackTraceLimit: 'the server keeps the error message and category, not stack traces',
  sizeLimit: "the queue's maxPayloadBytes (catalog) limits the data; a larger job is refused with 413",
  timestamp: 'the server sets the creation time',
  parent: 'there are no flows; the target adds the next job when its step is done',
  failParentOnFailure: 'there are no flows',
  continueParentOnFailure: 'there are no flows',
  ignoreDependencyOnFailure: 'there are no flows',
  removeDependencyOnFailure: 'there are no flows',
  prevMillis: 'there are no repeatable jobs',
  repeatJobKey: 'there are no repeatable jobs',
  telemetry: 'send x-correlation-id with the HTTP API to follow a job through the logs',
  debounce: 'use jobId (deduplication while the job is live)',
};

const SUPPORTED = ['jobId', 'priority', 'delay', 'attempts', 'backoff', 'deduplication', 'group', 'runAt', 'endpointId', 'userId', 'notify'];

/**
 * Checks options before anything is sent, so an unsupported one is an
 * error and never silently dropped.
 *
 * @throws UnsupportedOptionError for a BullMQ option (or nested field) this client does not support
 * @throws InvalidOptionError for a value it cannot map
 */
export function checkJobOptions(opts: JobsOptions | undefined): void {
  if (opts === undefined) return;
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) {
    throw new InvalidOptionError('opts', 'job options must be an object such as { jobId, priority, delay, attempts, backoff }');
  }
  for (const [key, value] of Object.entries(opts)) {
    if (value === undefined) continue;
    const instead = UNSUPPORTED[key];
    if (instead !== undefined) throw new UnsupportedOptionError(key, instead);
    if (!SUPPORTED.includes(key)) throw new UnsupportedOptionError(key, `it is not a job option of this client; the options are ${SUPPORTED.join(', ')}`);
  }
  priorityLevelOf(opts.priority);
  backoffOf(opts.backoff);
  dedupKeyOf(opts);
  groupIdOf(opts.group);
  runAtOf(opts.runAt);
  if (opts.endpointId !== undefined && opts.userId !== undefined) {
    throw new InvalidOptionError('endpointId', 'give endpointId or userId, not both');
  }
  for (const [name, value] of [['endpointId', opts.endpointId], ['userId', opts.userId]] as const) {
    if (value !== undefined && (typeof value !== 'string' || value === '')) throw new InvalidOptionError(name, `${name} must be a non-empty string`);
  }
  notifyOf(opts.notify);
}

/** Only the listed fields of an object option, or an UnsupportedOptionError naming the first other one. */
function onlyFields(option: string, value: object, allowed: readonly string[], instead: Readonly<Record<string, string>>): void {
  for (const [key, field] of Object.entries(value)) {
    if (field === undefined || allowed.includes(key)) continue;
    throw new UnsupportedOptionError(`${option}.${key}`, instead[key] ?? `${option} takes ${allowed.join(' and ')} only`);
  }
}

function backoffOf(backoff: BackoffOptions | undefined): { type: 'fixed' | 'exponential'; delay: number } | undefined {
  if (backoff === undefined) return undefined;
  if (typeof backoff === 'number') return { type: 'fixed', delay: backoff };
  if (backoff === null || typeof backoff !== 'object') {
    throw new InvalidOptionError('backoff', 'give a number of ms (fixed) or { type: "fixed" | "exponential", delay }');
  }
  onlyFields('backoff', backoff, ['type', 'delay'], { jitter: "the queue's jitter applies (catalog backoff jitter)" });
  if (backoff.type !== 'fixed' && backoff.type !== 'exponential') {
    throw new UnsupportedOptionError(`backoff.type "${String(backoff.type)}"`, 'custom backoff strategies run in BullMQ workers; use "fixed" or "exponential"');
  }
  if (typeof backoff.delay !== 'number') throw new InvalidOptionError('backoff.delay', 'give the first wait in milliseconds');
  return { type: backoff.type, delay: backoff.delay };
}

function dedupKeyOf(opts: JobsOptions): string | undefined {
  const { deduplication } = opts;
  if (deduplication === undefined) return opts.jobId;
  if (deduplication === null || typeof deduplication !== 'object') throw new InvalidOptionError('deduplication', 'give { id }');
  onlyFields('deduplication', deduplication, ['id'], {
    ttl: 'a twin is found while it is live (waiting, delayed, active, retrying), not for a time',
    extend: 'a twin is found while it is live, not for a time',
    replace: 'a live twin is returned, never replaced',
  });
  if (opts.jobId !== undefined && opts.jobId !== deduplication.id) {
    throw new InvalidOptionError('deduplication', 'give jobId or deduplication.id, not two different keys');
  }
  return deduplication.id;
}

function groupIdOf(group: JobsOptions['group']): string | undefined {
  if (group === undefined) return undefined;
  if (group === null || typeof group !== 'object') throw new InvalidOptionError('group', 'give { id }, e.g. the order id');
  onlyFields('group', group, ['id'], {
    priority: 'priority applies to the job, not the group',
    limit: 'the queue has one rate limit (catalog rateLimit)',
    maxSize: 'groups have no size limit',
  });
  return group.id;
}

/** `runAt` as the API takes it: an ISO 8601 time. */
function runAtOf(runAt: JobsOptions['runAt']): string | undefined {
  if (runAt === undefined) return undefined;
  if (runAt instanceof Date) {
    if (Number.isNaN(runAt.getTime())) throw new InvalidOptionError('runAt', 'runAt is not a valid date');
    return runAt.toISOString();
  }
  if (typeof runAt !== 'string') throw new InvalidOptionError('runAt', 'runAt must be a Date or an ISO 8601 time with a zone');
  return runAt;
}

/** `notify` as the API takes it: `{ endpoint_id }`. */
function notifyOf(notify: JobsOptions['notify']): { endpoint_id: string } | undefined {
  if (notify === undefined) return undefined;
  if (notify === null || typeof notify !== 'object') throw new InvalidOptionError('notify', 'give { endpointId }, a registered endpoint');
  onlyFields('notify', notify, ['endpointId'], {});
  if (typeof notify.endpointId !== 'string' || notify.endpointId === '') throw new InvalidOptionError('notify.endpointId', 'notify.endpointId must be an endpoint id');
  return { endpoint_id: notify.endpointId };
}

/** Whether adding with these options may be repeated safely: a dedup key makes a repeat return the same job. */
export function isSafeToRepeat(opts: JobsOptions | undefined): boolean {
  return opts !== undefined && dedupKeyOf(opts) !== undefined;
}

/**
 * The HTTP API's fields for checked options: `dedup_key`, `priority` (a
 * lane), `delay`, `attempts`, `backoff`, `group_id`, `run_at`,
 * `endpoint_id`, `user_id`, `notify`. Call
 * {@link checkJobOptions} first.
 */
export function requestFields(opts: JobsOptions | undefined): Record<string, unknown> {
  if (opts === undefined) return {};
  const dedupKey = dedupKeyOf(opts);
  const priority = priorityLevelOf(opts.priority);
  const backoff = backoffOf(opts.backoff);
  const groupId = groupIdOf(opts.group);
  const runAt = runAtOf(opts.runAt);
  const notify = notifyOf(opts.notify);
  return {
    ...(priority === undefined ? {} : { priority }),
    ...(opts.delay === undefined ? {} : { delay: opts.delay }),
    ...(dedupKey === undefined ? {} : { dedup_key: dedupKey }),
    ...(groupId === undefined ? {} : { group_id: groupId }),
    ...(opts.attempts === undefined ? {} : { attempts: opts.attempts }),
    ...(backoff === undefined ? {} : { backoff }),
    ...(runAt === undefined ? {} : { run_at: runAt }),
    ...(opts.endpointId === undefined ? {} : { endpoint_id: opts.endpointId }),
    ...(opts.userId === undefined ? {} : { user_id: opts.userId }),
    ...(notify === undefined ? {} : { notify }),
  };
}
