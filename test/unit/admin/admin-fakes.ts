import { Logger } from '@aws-lambda-powertools/logger';
import type { DeadLetterMessage } from '../../../functions/adapters/dead-letter-queue';
import type { MoveTask } from '../../../functions/adapters/message-move-tasks';
import type { MappingState } from '../../../functions/adapters/event-source-control';
import { JobNotFoundError, TransitionConflictError } from '../../../functions/core/errors';
import { encodeJobMessage } from '../../../functions/core/job-message';
import type { JobMessage, JobRecord } from '../../../functions/core/job';
import { parseQueueDefinition, type QueueDefinitionInput } from '../../../functions/core/queue-config';
import { queueSettingsOf } from '../../../functions/core/runtime-config';
import { createAdminHandler } from '../../../functions/handlers/factories/admin-api';
import type { AdminDeps } from '../../../functions/handlers/workflows/admin/admin-deps';
import { queueLocator } from '../../../functions/handlers/workflows/admin/queue-locations';
import { queueDirectory } from '../../../functions/handlers/workflows/queue-directory';
import { aJobMessage, aJobRecord, FIXED_NOW } from '../../helpers/factories';
import { fixedLookup, memoryEndpointRegistry } from './endpoint-fakes';

/** The fake account's SQS URL base. */
export const URL_BASE = 'https://sqs.eu-west-1.amazonaws.com/123456789012';
/** The fake account's queue ARN base. */
export const ARN_BASE = 'arn:aws:sqs:eu-west-1:123456789012';

/** A dead letter of a job, as the consumer sends it. */
export function aLetter(message: Partial<JobMessage> = {}, index = 0): DeadLetterMessage {
  const body = aJobMessage(message);
  return { messageId: `m${index}`, receiptHandle: `r-${body.jobId}-${index}`, body: encodeJobMessage(body), jobId: body.jobId, failure: { reason: 'HTTP 400', category: 'client' } };
}

/**
 * The admin function's dependencies in memory: job records, a dead-letter
 * queue that hides what it hands out until released or deleted, lane sends,
 * move tasks and mappings, each recorded for the test to read.
 */
export function fakeAdmin(definitions: QueueDefinitionInput[] = [{ name: 'payments', concurrency: 10, attempts: 3, backoff: { type: 'exponential', delayMs: 1000 }, timeoutMs: 30_000, lanes: true }]) {
  const settings = definitions.map((definition) => queueSettingsOf(parseQueueDefinition(definition)));
  const jobs = new Map<string, JobRecord>();
  const dlq: { letter: DeadLetterMessage; held: boolean }[] = [];
  const sent: { url: string; body: string; groupId?: string; deduplicationId?: string }[] = [];
  const released: string[] = [];
  const deleted: string[] = [];
  const tasks: MoveTask[] = [];
  const started: { sourceArn: string; destinationArn: string; maxPerSecond?: number }[] = [];
  let mappings: MappingState[] = [{ uuid: 'u1', eventSourceArn: `${ARN_BASE}:jobs-payments-normal`, state: 'Enabled' }];
  const calls = { resets: [] as string[], purges: 0, sendRefusals: new Set<string>(), switches: [] as string[] };
  const paused = new Set<string>();
  let lambdaAnswer: string | undefined;
  const byHandle = (handle: string) => dlq.find((entry) => entry.letter.receiptHandle === handle);
  const endpoints = memoryEndpointRegistry();
  /** Host names the target guard resolves, by name (others resolve to a public address; `undefined` fails). */
  const dns: Record<string, readonly string[] | undefined> = {};

  const deps: AdminDeps = {
    settings,
    directory: queueDirectory(settings, URL_BASE, 'jobs'),
    locate: queueLocator(URL_BASE, ARN_BASE, 'jobs'),
    store: {
      get: async (jobId) => jobs.get(jobId),
      listFailed: async (queue, options) => ({
        jobs: [...jobs.values()]
          .filter((job) => job.queue === queue && job.status === 'failed')
          .slice(0, options.limit)
          .map((job) => ({ ...job, lane: 'normal' as const, failedAt: FIXED_NOW })),
      }),
      resetForRedrive: async (jobId) => {
        const job = jobs.get(jobId);
        if (job === undefined) throw new JobNotFoundError(jobId);
        if (job.status !== 'failed') throw new TransitionConflictError(jobId, 'reset for redrive');
        calls.resets.push(jobId);
        const reset = { ...job, status: 'waiting' as const, attempts: 0 };
        jobs.set(jobId, reset);
        return reset;
      },
      markPurged: async (jobIds) => jobIds.length,
      clean: async () => 0,
    },
    metrics: { record: async () => undefined, totalsSince: async () => ({ completed: 0, failed: 0, retried: 0, dead_lettered: 0, processing_ms: 0, timed_attempts: 0 }), minutesSince: async () => [] },
    census: {
      failedNow: async (queue) => [...jobs.values()].filter((job) => job.queue === queue && job.status === 'failed').length,
      delayedInStore: async () => new Map(),
    },
    queues: {
      depth: async (url) => (url.endsWith('-dlq') ? { visible: dlq.filter((entry) => !entry.held).length, inFlight: dlq.filter((entry) => entry.held).length, delayed: 0 } : { visible: 0, inFlight: 0, delayed: 0 }),
      changeVisibility: async (_url, changes) => {
        for (const change of changes) {
          const entry = byHandle(change.receiptHandle);
          if (entry) entry.held = false;
          released.push(change.receiptHandle);
        }
      },
      delete: async (_url, handles) => {
        for (const handle of handles) {
          const index = dlq.findIndex((entry) => entry.letter.receiptHandle === handle);
          if (index >= 0) dlq.splice(index, 1);
          deleted.push(handle);
        }
      },
    },
    deadLetters: {
      receive: async (_url, options) => {
        const free = dlq.filter((entry) => !entry.held).slice(0, options.max);
        for (const entry of free) entry.held = true;
        return free.map((entry) => entry.letter);
      },
      sendBodies: async (url, sends) => {
        const failures = [];
        for (const [index, send] of sends.entries()) {
          const jobId = (JSON.parse(send.body) as { jobId: string }).jobId;
          if (calls.sendRefusals.has(jobId)) failures.push({ index, code: 'KmsThrottled', message: 'try later' });
          else sent.push({ url, ...send });
        }
        return failures;
      },
      purge: async () => {
        calls.purges += 1;
        dlq.splice(0, dlq.length);
      },
    },
    moveTasks: {
      start: async (task) => {
        started.push(task);
        return 'handle-1';
      },
      list: async () => tasks.slice(0, 1),
      cancel: async () => 0,
    },
    eventSources: {
      list: async () => mappings,
      setEnabled: async (_name, enabled) => {
        calls.switches.push(enabled ? 'mappings: enabled' : 'mappings: disabled');
        const answered = mappings.map((mapping) => ({ ...mapping, state: lambdaAnswer ?? (enabled ? 'Enabling' : 'Disabling') }));
        mappings = mappings.map((mapping) => ({ ...mapping, state: enabled ? 'Enabled' : 'Disabled' }));
        return answered;
      },
    },
    pauses: {
      setPaused: async (queue, isPaused) => {
        calls.switches.push(isPaused ? 'pause item: paused' : 'pause item: running');
        if (isPaused) paused.add(queue);
        else paused.delete(queue);
      },
      isPaused: async (queue) => paused.has(queue),
      pausedQueues: async () => new Set(paused),
    },
    endpoints,
    targetGuard: { allowLoopback: true, lookup: fixedLookup(dns) },
    consumerFunctions: Object.fromEntries(settings.map((queue) => [queue.name, `consumer-${queue.name}`])),
    queueUrlBase: URL_BASE,
    prefix: 'jobs',
    clock: { now: () => FIXED_NOW, sleep: async () => undefined },
    logger: new Logger({ serviceName: 'admin', logLevel: 'SILENT' }),
  };

  return {
    deps,
    handler: createAdminHandler(deps),
    /** Adds a failed job with its dead letter (or only the record, or only the letter). */
    addFailed(message: Partial<JobMessage> = {}, options: { letter?: boolean; record?: Partial<JobRecord> } = {}) {
      const letter = aLetter(message, dlq.length);
      const body = aJobMessage(message);
      if (options.record !== undefined || options.letter !== false) {
        jobs.set(body.jobId, aJobRecord({ jobId: body.jobId, runId: body.runId, queue: body.queue, priority: body.priority, status: 'failed', attempts: 1, ...options.record }));
      }
      if (options.letter !== false) dlq.push({ letter, held: false });
      return body.jobId;
    },
    /** What Lambda answers to every later mapping update, e.g. `Updating`. */
    lambdaAnswers(state: string) {
      lambdaAnswer = state;
    },
    addLetter(letter: DeadLetterMessage) {
      dlq.push({ letter, held: false });
    },
    jobs,
    endpoints,
    dns,
    dlq,
    sent,
    released,
    deleted,
    tasks,
    started,
    calls,
  };
}
