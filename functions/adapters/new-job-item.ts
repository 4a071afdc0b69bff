import type { JobMessage, JobStatus } from '../core/job';
import type { Lane } from '../core/lanes';
import { JOBS_TABLE } from '../core/table-schema';
import type { NewJob } from './job-store';
import { WRITE_UNIT_BYTES, itemSize } from './item-size';
import { KEPT_PAYLOAD } from './job-item';
import { delayedPartition, payloadKey, pendingPartition, scheduleShard, stateKey } from './job-keys';

/** A payload at most this large (serialized) is kept inline in the job's state item. */
export const MAX_INLINE_PAYLOAD_BYTES = 600;

/**
 * A payload kept in its own item lives this long past the job's due time: long
 * enough for the sweeper and the reconciler to send it again after an outage,
 * then DynamoDB's TTL removes it without a paid delete. The job's own record
 * retention (`NewJob.recordRetentionMs`) is added to it, so the owner can read
 * the job's data for as long as the record is shown.
 */
export const PAYLOAD_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * What a job's later writes add to its state item on the way to completion:
 * the claim's lease and progress token (about 60 bytes), the completion's
 * expiry and history entry (about 95) and a result of up to
 * {@link KEPT_RESULT_ROOM_BYTES}. An inline payload is kept for the record's
 * life only when the item has this room left at create, so keeping it never
 * makes the claim or the completion cross into a second write unit.
 */
export const KEPT_PAYLOAD_ROOM_BYTES = 256;

/**
 * A completion whose stored result is larger than this (serialized) drops the
 * kept payload in the same write, rather than pay for a second write unit.
 */
export const KEPT_RESULT_ROOM_BYTES = 128;

/** The items a create writes: the state item, and the payload item when the payload is too large to sit inline. */
export interface NewJobItems {
  readonly state: Record<string, unknown>;
  readonly payload?: Record<string, unknown>;
}

/** Epoch seconds, as DynamoDB's TTL reads them. */
export function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** What a state item is first written from: a new job's message, or a redriven letter's. */
export interface StateItemSource {
  readonly message: JobMessage;
  readonly lane: Lane;
  readonly status: JobStatus;
  readonly maxAttempts: number;
  readonly now: Date;
  /** Size of the job's data in bytes, serialized (the caller has it already). */
  readonly payloadBytes: number;
}

/**
 * The attributes every first write of a job's state item has, whoever writes
 * it (the ingest, or a claim rebuilding a record from a redriven letter): one
 * place, so a new attribute of the message reaches both. No attempts yet, no
 * history; the caller adds what its write needs.
 */
export function stateItemOf(source: StateItemSource): Record<string, unknown> {
  const { message } = source;
  const now = source.now.toISOString();
  return {
    ...stateKey(message.jobId),
    job_id: message.jobId,
    run_id: message.runId,
    queue: message.queue,
    name: message.name,
    lane: source.lane,
    status: source.status,
    priority: message.priority,
    attempts: 0,
    max_attempts: source.maxAttempts,
    created_at: now,
    updated_at: now,
    group_id: message.groupId,
    correlation_id: message.correlationId,
    partner: message.partner,
    endpoint_id: message.endpointId,
    notify: message.notify === undefined ? undefined : { endpoint_id: message.notify.endpointId },
    backoff: message.backoff === undefined ? undefined : { type: message.backoff.type, delay_ms: message.backoff.delayMs },
    payload_bytes: source.payloadBytes,
    history: [],
    delay_seconds: 0,
  };
}

/**
 * The items for a new job. The payload sits inline while it is small and the
 * state item stays within one write unit with it; otherwise it goes to its own
 * item, so later transitions (billed on the state item's size) stay cheap. An
 * inline payload is kept for the record's life (`kept_payload`) when the item
 * has {@link KEPT_PAYLOAD_ROOM_BYTES} left, else it is dropped by the claim
 * (`payload`); a payload item lives as long as the record. Either way the
 * owner reads the job's data (`GET /jobs/{id}?include=data`) at no extra
 * write. An inbound callback's payload is its original text (`raw`, which
 * parses to its data), kept once: the state item says so, and a message
 * rebuilt from the record carries it as `raw` again.
 */
export function newJobItems(job: NewJob): NewJobItems {
  const { message } = job;
  const shard = scheduleShard(message.jobId);
  const state: Record<string, unknown> = {
    ...stateItemOf({
      message: { ...message, partner: job.partner },
      lane: job.lane,
      status: job.status,
      maxAttempts: job.maxAttempts,
      now: job.now,
      payloadBytes: job.payloadBytes,
    }),
    due_at: job.dueAt.getTime() > job.now.getTime() ? job.dueAt.toISOString() : undefined,
    dedup_key: job.dedupKey,
    delay_seconds: job.delaySeconds,
    payload_is_raw: message.raw === undefined ? undefined : true,
    // An unindexed job's message is sent right after, and SQS holds it (see `NewJob.unindexed`).
    ...(job.unindexed === true
      ? {}
      : {
          [JOBS_TABLE.scheduleIndex.partitionKey]: job.viaSweeper ? delayedPartition(shard) : pendingPartition(shard),
          [JOBS_TABLE.scheduleIndex.sortKey]: job.dueAt.getTime(),
        }),
  };
  const serialized = message.raw ?? JSON.stringify(message.data) ?? 'null';
  const inline = { ...state, payload: serialized };
  // Measured only for a payload small enough to sit inline.
  const inlineSize = Buffer.byteLength(serialized, 'utf8') <= MAX_INLINE_PAYLOAD_BYTES ? itemSize(inline) : Infinity;
  if (inlineSize <= WRITE_UNIT_BYTES) {
    // Same bytes either way: the attribute name (`payload` and `kept_payload` differ by five) is allowed for in the room.
    return inlineSize + KEPT_PAYLOAD_ROOM_BYTES <= WRITE_UNIT_BYTES ? { state: { ...state, [KEPT_PAYLOAD]: serialized } } : { state: inline };
  }
  const keepUntil = Math.max(job.dueAt.getTime(), job.now.getTime()) + PAYLOAD_RETENTION_MS + (job.recordRetentionMs ?? 0);
  return {
    state,
    payload: {
      ...payloadKey(message.jobId, message.runId),
      job_id: message.jobId,
      run_id: message.runId,
      payload: serialized,
      [JOBS_TABLE.ttlAttribute]: epochSeconds(new Date(keepUntil)),
    },
  };
}
