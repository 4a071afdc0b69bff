import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Clock } from '../../adapters/clock';
import type { JobCreator, NewJob } from '../../adapters/job-store';
import type { QueueClient } from '../../adapters/queue-client';
import { jobIdFor } from '../../core/dedup';
import { dataSchemaOf } from '../../core/data-schemas';
import { planDelivery } from '../../core/delivery-plan';
import { JOB_STATUS, type JobMessage, type JobNotify, type JobStatus } from '../../core/job';
import { fieldProblems, jobRequestSchema, type JobRequest } from '../../core/job-request';
import { laneFor, type Lane } from '../../core/lanes';
import { toPriorityLevel } from '../../core/priority';
import * as z from '../../core/validation';
import type { QueueSettings } from '../../core/runtime-config';
import { HttpError } from '../http/http-error';
import type { QueueDirectory } from './queue-directory';
import { sendByLane, unsentFields, type LaneSend } from './send-by-lane';

/** What accepting jobs needs. */
export interface AcceptDeps {
  /** Only `create`: the ingest's bundle holds no other transition. */
  readonly store: JobCreator;
  readonly queues: QueueClient;
  readonly directory: QueueDirectory;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly newRunId?: () => string;
}

/** A job accepted, or the live twin that made it a duplicate. */
export type Acceptance =
  | { readonly duplicate: false; readonly jobId: string; readonly queue: string; readonly status: JobStatus; readonly queuedAt: string }
  | { readonly duplicate: true; readonly jobId: string; readonly queue: string; readonly status: JobStatus };

/** A job written to the store that still has to be sent to its lane. */
export type PendingSend = LaneSend;

/** The settings of a queue, or `404 unknown_queue`. */
export function requireQueue(directory: QueueDirectory, queue: string): QueueSettings {
  const settings = directory.settings(queue);
  if (!settings) throw new HttpError(404, 'unknown_queue', `there is no queue named "${queue}"`);
  return settings;
}

/** Checks a job request against the schema and the queue's rules; throws a 400 or 413 HttpError. */
export function validateJobRequest(settings: QueueSettings, body: unknown): JobRequest {
  const parsed = jobRequestSchema.safeParse(body);
  if (!parsed.success) {
    throw new HttpError(400, 'invalid_request', 'the job request is invalid; see details', fieldProblems(parsed.error));
  }
  const request = parsed.data;
  if (settings.fifo && request.group_id === undefined) {
    throw new HttpError(400, 'invalid_request', `queue "${settings.name}" is FIFO: group_id is required (e.g. the order id)`, [
      { field: 'group_id', message: 'required on a FIFO queue' },
    ]);
  }
  if (!settings.fifo && request.group_id !== undefined) {
    throw new HttpError(400, 'invalid_request', `group_id applies to FIFO queues only; "${settings.name}" is not one`, [
      { field: 'group_id', message: 'not allowed on a standard queue' },
    ]);
  }
  for (const field of ['endpoint_id', 'user_id'] as const) {
    if (!settings.endpoints && request[field] !== undefined) {
      throw new HttpError(400, 'invalid_request', `queue "${settings.name}" delivers to its own target only; drop ${field}, or post to a queue whose catalog entry has endpoints`, [
        { field, message: 'not allowed on a queue without endpoints' },
      ]);
    }
  }
  if (!settings.dedup && request.dedup_key !== undefined) {
    throw new HttpError(400, 'invalid_request', `queue "${settings.name}" does not deduplicate; drop dedup_key or enable dedup in the catalog`, [
      { field: 'dedup_key', message: 'not allowed on a queue without dedup' },
    ]);
  }
  const bytes = Buffer.byteLength(JSON.stringify(request.data));
  if (bytes > settings.maxPayloadBytes) {
    throw new HttpError(413, 'payload_too_large', `data is ${bytes} bytes; queue "${settings.name}" takes at most ${settings.maxPayloadBytes}`);
  }
  if (settings.dataSchema !== undefined) checkJobData(settings, request.data);
  return request;
}

/**
 * Checks `data` against the queue's data schema (its catalog entry's
 * `dataSchema`); throws a 400 whose details name each field at fault from the
 * request's root, e.g. `data.payload.amount`. The data is kept as sent.
 */
export function checkJobData(settings: QueueSettings, data: unknown): void {
  if (settings.dataSchema === undefined) return;
  const parsed = z.safeParse(dataSchemaOf(settings.dataSchema), data);
  if (parsed.success) return;
  const details = fieldProblems(parsed.error).map(({ field, message }) => ({ field: field === '(body)' ? 'data' : `data.${field}`, message }));
  throw new HttpError(
    400,
    'invalid_request',
    `data does not match queue "${settings.name}"'s data schema "${settings.dataSchema}"; see details (GET /openapi.json describes it)`,
    details,
  );
}

/** The dedup key: the request's, or the catalog's `dedupKeyField` of the data. */
function dedupKeyOf(settings: QueueSettings, request: JobRequest): string | undefined {
  if (request.dedup_key !== undefined) return request.dedup_key;
  if (!settings.dedup || settings.dedupKeyField === undefined) return undefined;
  const value = (request.data as Record<string, unknown> | null)?.[settings.dedupKeyField];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** What a job carries besides its request. */
export interface RecordOptions {
  /** The registered endpoint it is delivered to (already checked: it exists and is enabled). */
  readonly endpointId?: string;
  /** An inbound callback's original text, which `request.data` is the parse of. */
  readonly raw?: string;
  /** Any twin of its id blocks it, finished ones included (see `NewJob.dedupAcrossFinished`). */
  readonly dedupAcrossFinished?: boolean;
  /** The endpoint told when the job is final (already checked, as `endpointId` is). */
  readonly notify?: JobNotify;
}

/** A job planned and not yet recorded: what its record is written from, what a `202` says, and where it goes. */
export interface PlannedJob {
  readonly newJob: NewJob;
  /** The acceptance of the job once recorded (a duplicate answers its twin instead). */
  readonly acceptance: Extract<Acceptance, { duplicate: false }>;
  /** Its lane and message; absent for a job the sweeper sends when due. */
  readonly send?: PendingSend;
}

/**
 * Plans one job of `partner`: its id (by dedup key, if any), run, lane,
 * delivery and record, with no I/O. {@link recordPlanned} then records it.
 *
 * @example
 * const planned = planJob(deps, settings, request, correlationId, 'acme');
 */
export function planJob(
  deps: Pick<AcceptDeps, 'clock' | 'directory' | 'newRunId'>,
  settings: QueueSettings,
  request: JobRequest,
  correlationId: string,
  partner: string,
  options: RecordOptions = {},
): PlannedJob {
  const now = deps.clock.now();
  const dedupKey = dedupKeyOf(settings, request);
  const priority = toPriorityLevel(request.priority);
  const lane: Lane = laneFor(settings, priority);
  const plan = planDelivery(settings.fifo, { delayMs: request.delay, runAt: request.run_at ? new Date(request.run_at) : undefined }, now);
  const message: JobMessage = {
    jobId: jobIdFor(partner, settings.name, dedupKey),
    runId: (deps.newRunId ?? randomUUID)(),
    queue: settings.name,
    name: request.name ?? settings.name,
    data: request.data,
    priority,
    correlationId,
    ...(request.group_id === undefined ? {} : { groupId: request.group_id }),
    partner,
    ...(options.endpointId === undefined ? {} : { endpointId: options.endpointId }),
    ...(options.raw === undefined ? {} : { raw: options.raw }),
    ...(request.backoff === undefined ? {} : { backoff: { type: request.backoff.type, delayMs: request.backoff.delay } }),
    ...(options.notify === undefined ? {} : { notify: options.notify }),
  };
  const newJob: NewJob = {
    message,
    lane,
    status: plan.status,
    maxAttempts: request.attempts ?? settings.attempts,
    now,
    dueAt: plan.dueAt,
    viaSweeper: plan.via === 'sweeper',
    delaySeconds: plan.via === 'queue' ? plan.delaySeconds : 0,
    dedupKey,
    payloadBytes: Buffer.byteLength(options.raw ?? JSON.stringify(request.data)),
    partner,
    ...(options.dedupAcrossFinished === true ? { dedupAcrossFinished: true } : {}),
    // A payload kept in its own item outlives the record, so its owner can read the job's data (`?include=data`).
    recordRetentionMs: Math.max(settings.retention.completedHours, settings.retention.failedHours) * 3_600_000,
  };
  const acceptance = {
    duplicate: false as const,
    jobId: message.jobId,
    queue: settings.name,
    status: plan.status === JOB_STATUS.waiting ? JOB_STATUS.waiting : JOB_STATUS.delayed,
    queuedAt: now.toISOString(),
  };
  if (plan.via === 'sweeper') return { newJob, acceptance };
  return {
    newJob,
    acceptance,
    send: {
      url: deps.directory.laneUrl(settings, lane),
      job: { message, delaySeconds: plan.delaySeconds, groupId: message.groupId, deduplicationId: message.runId },
    },
  };
}

/**
 * Records a planned job (the durable step that a `202` promises) and returns
 * what must then be sent to its lane, if anything: nothing for a duplicate
 * or for a job the sweeper will send when due. A dedup key only finds a live
 * twin among the same partner's jobs (any twin, with `dedupAcrossFinished`).
 */
export async function recordPlanned(deps: Pick<AcceptDeps, 'store'>, planned: PlannedJob): Promise<{ acceptance: Acceptance; send?: PendingSend }> {
  const outcome = await deps.store.create(planned.newJob);
  if (!outcome.created) {
    const { existing } = outcome;
    return { acceptance: { duplicate: true, jobId: existing.jobId, queue: existing.queue, status: existing.status } };
  }
  return planned.send === undefined ? { acceptance: planned.acceptance } : { acceptance: planned.acceptance, send: planned.send };
}

/**
 * Plans and records one job of `partner` ({@link planJob}, then
 * {@link recordPlanned}); the caller sends what it returns.
 *
 * @example
 * const { acceptance, send } = await recordJob(deps, settings, request, correlationId, partner);
 * if (send) await sendRecorded(deps, [send]);
 */
export async function recordJob(
  deps: AcceptDeps,
  settings: QueueSettings,
  request: JobRequest,
  correlationId: string,
  partner: string,
  options: RecordOptions = {},
): Promise<{ acceptance: Acceptance; send?: PendingSend }> {
  return recordPlanned(deps, planJob(deps, settings, request, correlationId, partner, options));
}

/**
 * Sends recorded jobs to their lanes, batched per lane. A failed send is logged
 * and left to the reconciler: the job is already durable, so the caller still
 * gets its `202`.
 */
export async function sendRecorded(deps: AcceptDeps, sends: readonly PendingSend[]): Promise<void> {
  for (const [position, reason] of await sendByLane(deps, sends)) logLeftToReconciler(deps, sends[position]?.job.message.jobId, reason);
}

/**
 * Logs a recorded job whose send failed, left to the reconciler (which
 * enqueues it from its schedule entry): an error, as the job waits until then.
 */
export function logLeftToReconciler(deps: Pick<AcceptDeps, 'logger'>, jobId: string | undefined, reason: string | Error): void {
  deps.logger.error('send failed; the reconciler will enqueue the job', { job_id: jobId, ...unsentFields(reason) });
}
