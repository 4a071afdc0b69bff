import * as z from '../core/validation';
import { BACKOFF_TYPE, type BackoffType } from '../core/backoff';
import { PipelineError } from '../core/errors';
import { FAILURE_CATEGORIES } from '../core/failure';
import { ATTEMPT_OUTCOME, JOB_STATUS, type AttemptRecord, type JobRecord, type JobStatus } from '../core/job';
import { DEFAULT_LANE, type Lane } from '../core/lanes';
import { PRIORITY_ORDER, type PriorityLevel } from '../core/priority';

const statuses = Object.values(JOB_STATUS) as [JobStatus, ...JobStatus[]];
const priorities = PRIORITY_ORDER as [PriorityLevel, ...PriorityLevel[]];
const lanes: [Lane, ...Lane[]] = [DEFAULT_LANE, ...PRIORITY_ORDER];
const backoffTypes = Object.values(BACKOFF_TYPE) as [BackoffType, ...BackoffType[]];

/** One history entry as stored: the attempt record with snake_case fields. */
const historyItemSchema = z.object({
  attempt: z.number().check(z.int()),
  at: z.string(),
  outcome: z.enum(Object.values(ATTEMPT_OUTCOME) as [AttemptRecord['outcome'], ...AttemptRecord['outcome'][]]),
  category: z.optional(z.enum(FAILURE_CATEGORIES)),
  message: z.optional(z.string()),
  duration_ms: z.number(),
  retry_in_ms: z.optional(z.number()),
});

/** A history entry as stored. */
export type HistoryItem = z.output<typeof historyItemSchema>;

/**
 * A job's state item as read from the table. Parsing it (rather than casting)
 * means a hand-edited or half-migrated item fails loudly in one place.
 */
export const stateItemSchema = z.object({
  pk: z.string(),
  sk: z.string(),
  job_id: z.string().check(z.minLength(1)),
  run_id: z.string().check(z.minLength(1)),
  queue: z.string().check(z.minLength(1)),
  name: z.string().check(z.minLength(1)),
  lane: z.enum(lanes),
  status: z.enum(statuses),
  priority: z.enum(priorities),
  attempts: z.number().check(z.int(), z.nonnegative()),
  max_attempts: z.number().check(z.int(), z.nonnegative()),
  created_at: z.string(),
  updated_at: z.string(),
  due_at: z.optional(z.string()),
  dedup_key: z.optional(z.string()),
  group_id: z.optional(z.string()),
  correlation_id: z.optional(z.string()),
  /** The partner who added the job; absent on items written before jobs recorded it. */
  partner: z.optional(z.string()),
  /** The registered endpoint the job is delivered to. */
  endpoint_id: z.optional(z.string()),
  /** The job's own backoff, used instead of its queue's when it retries. */
  backoff: z.optional(z.object({ type: z.enum(backoffTypes), delay_ms: z.number().check(z.int(), z.nonnegative()) })),
  /** The endpoint told when the job is final. */
  notify: z.optional(z.object({ endpoint_id: z.string() })),
  /** The latest progress the target reported: a number 0–100 or a small object. */
  progress: z.optional(z.unknown()),
  /** While active: the current attempt's progress token (set by its claim, removed when the attempt ends). */
  progress_token: z.optional(z.string()),
  /** The kept payload is an inbound callback's original text (its `raw`), not its data serialized. */
  payload_is_raw: z.optional(z.boolean()),
  payload_bytes: z.number().check(z.nonnegative()),
  lease_until_ms: z.optional(z.number()),
  /** While retrying: the earliest time (epoch ms) a claim may take the job again, so an early copy cannot skip the backoff. */
  retry_at_ms: z.optional(z.number()),
  /** While failed and in the failed index: when it failed (epoch ms), as its dead letter's `failed_at` says. */
  failed_at: z.optional(z.number()),
  /** Failed, and its dead letter not yet known to be sent: the next copy of its message sends it. */
  letter_pending: z.optional(z.boolean()),
  result: z.optional(z.unknown()),
  error: z.optional(z.object({ category: z.enum(FAILURE_CATEGORIES), message: z.string() })),
  history: z._default(z.array(historyItemSchema), []),
  delay_seconds: z._default(z.number().check(z.nonnegative()), 0),
  expires_at: z.optional(z.number()),
  /**
   * The job's data, serialized, while it waits for a claim and is small
   * enough to sit here; the claim drops it. A parsed item also shows a
   * {@link KEPT_PAYLOAD} here, so every reader of a waiting job finds its
   * payload in one place.
   */
  payload: z.optional(z.string()),
  /** The job's data, serialized, kept for the record's life: the item had room for it (see `new-job-item.ts`). */
  kept_payload: z.optional(z.string()),
  sched_pk: z.optional(z.string()),
  sched_at: z.optional(z.number()),
});

/** A job's state item, parsed. */
export type StateItem = z.output<typeof stateItemSchema>;

/**
 * The attribute of a payload kept for the whole life of the record (so the
 * owner can read the job's data), as opposed to `payload`, which the claim
 * drops. Which one a job gets is decided once, at create, by the room its
 * state item has (see `new-job-item.ts`).
 */
export const KEPT_PAYLOAD = 'kept_payload';

/**
 * Parses a state item read from the table; throws a `PipelineError` naming the
 * job and the broken fields when it does not have the expected shape.
 */
export function parseStateItem(item: Record<string, unknown>): StateItem {
  const parsed = stateItemSchema.safeParse(item);
  if (parsed.success) {
    const { data } = parsed;
    return data.payload === undefined && data.kept_payload !== undefined ? { ...data, payload: data.kept_payload } : data;
  }
  throw new PipelineError('job state item is malformed', {
    cause: parsed.error,
    context: { pk: item.pk, issues: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) },
  });
}

/** A history entry in the stored (snake_case) shape. */
export function historyItemOf(entry: AttemptRecord): HistoryItem {
  return {
    attempt: entry.attempt,
    at: entry.at,
    outcome: entry.outcome,
    ...(entry.category === undefined ? {} : { category: entry.category }),
    ...(entry.message === undefined ? {} : { message: entry.message }),
    duration_ms: entry.durationMs,
    ...(entry.retryInMs === undefined ? {} : { retry_in_ms: entry.retryInMs }),
  };
}

function attemptRecordOf(item: HistoryItem): AttemptRecord {
  return {
    attempt: item.attempt,
    at: item.at,
    outcome: item.outcome,
    ...(item.category === undefined ? {} : { category: item.category }),
    ...(item.message === undefined ? {} : { message: item.message }),
    durationMs: item.duration_ms,
    ...(item.retry_in_ms === undefined ? {} : { retryInMs: item.retry_in_ms }),
  };
}

/** The job record (camelCase, no storage details) of a parsed state item. */
export function jobRecordOf(item: StateItem): JobRecord {
  return {
    jobId: item.job_id,
    runId: item.run_id,
    queue: item.queue,
    name: item.name,
    status: item.status,
    priority: item.priority,
    attempts: item.attempts,
    maxAttempts: item.max_attempts,
    createdAt: item.created_at,
    updatedAt: item.updated_at,
    ...(item.due_at === undefined ? {} : { dueAt: item.due_at }),
    ...(item.dedup_key === undefined ? {} : { dedupKey: item.dedup_key }),
    ...(item.group_id === undefined ? {} : { groupId: item.group_id }),
    ...(item.correlation_id === undefined ? {} : { correlationId: item.correlation_id }),
    ...(item.partner === undefined ? {} : { partner: item.partner }),
    ...(item.endpoint_id === undefined ? {} : { endpointId: item.endpoint_id }),
    ...(item.backoff === undefined ? {} : { backoff: { type: item.backoff.type, delayMs: item.backoff.delay_ms } }),
    ...(item.notify === undefined ? {} : { notify: { endpointId: item.notify.endpoint_id } }),
    ...(item.progress === undefined ? {} : { progress: item.progress }),
    ...(item.progress_token === undefined ? {} : { progressToken: item.progress_token }),
    ...(item.payload_is_raw === true ? { rawPayload: true } : {}),
    payloadBytes: item.payload_bytes,
    ...(item.lease_until_ms === undefined ? {} : { leaseUntil: new Date(item.lease_until_ms).toISOString() }),
    ...(item.retry_at_ms === undefined ? {} : { retryAt: new Date(item.retry_at_ms).toISOString() }),
    ...(item.failed_at === undefined ? {} : { failedAt: new Date(item.failed_at).toISOString() }),
    ...(item.letter_pending === true ? { letterPending: true } : {}),
    ...(item.result === undefined ? {} : { result: item.result }),
    ...(item.error === undefined ? {} : { error: item.error }),
    history: item.history.map(attemptRecordOf),
  };
}

/** Parses a raw state item straight to a job record. */
export function jobRecordFromItem(item: Record<string, unknown>): JobRecord {
  return jobRecordOf(parseStateItem(item));
}
