import { Logger } from '@aws-lambda-powertools/logger';
import type { PendingJob } from '../../../functions/adapters/job-store';
import type { OutgoingJob, QueueClient, QueueDepth, SendFailure } from '../../../functions/adapters/queue-client';
import type { ScheduleEntry, ScheduleKind, ScheduleScanner, ScheduledJob } from '../../../functions/adapters/schedule-scan';
import { jobRecordOf, type StateItem } from '../../../functions/adapters/job-item';
import { parseQueueDefinition } from '../../../functions/core/queue-config';
import { queueSettingsOf } from '../../../functions/core/runtime-config';
import { queueDirectory } from '../../../functions/handlers/workflows/queue-directory';
import { aJobMessage, FIXED_NOW } from '../../helpers/factories';

export const URL_BASE = 'https://sqs.eu-west-1.amazonaws.com/123456789012';

/** A schedule entry of a job of `queue`, scheduled `ageMs` before {@link FIXED_NOW}, with the job's state item. */
export function anEntry(
  jobId: string,
  options: { queue?: string; status?: string; ageMs?: number; shard?: number; leaseUntilMs?: number } = {},
): ScheduleEntry & { shard: number; item: StateItem } {
  const queue = options.queue ?? 'payments';
  const scheduledAtMs = FIXED_NOW.getTime() - (options.ageMs ?? 0);
  const item = {
    pk: `JOB#${jobId}`,
    sk: 'STATE',
    job_id: jobId,
    run_id: `run-${jobId}`,
    queue,
    name: 'default',
    lane: 'default',
    status: options.status ?? 'waiting',
    priority: 'normal',
    attempts: options.status === 'active' ? 1 : 0,
    max_attempts: 3,
    created_at: FIXED_NOW.toISOString(),
    updated_at: FIXED_NOW.toISOString(),
    payload_bytes: 2,
    history: [],
    delay_seconds: 0,
    payload: '{}',
    sched_at: scheduledAtMs,
    ...(options.leaseUntilMs === undefined ? {} : { lease_until_ms: options.leaseUntilMs }),
  } as unknown as StateItem;
  return { jobId, queue, lane: 'default', scheduledAtMs, item, shard: options.shard ?? 0 };
}

/**
 * A schedule in memory: entries by kind and shard, paged `pageSize` per shard
 * per round with a cursor per shard, as the DynamoDB scanner pages them. The
 * job ids whose state items a run read are in `reads.jobs`.
 */
export function fakeSchedule(entries: { pending?: ReturnType<typeof anEntry>[]; delayed?: ReturnType<typeof anEntry>[] } = {}) {
  const reads = { rounds: 0, pages: 0, jobs: [] as string[] };
  const items = new Map([...(entries.pending ?? []), ...(entries.delayed ?? [])].map((entry) => [entry.jobId, entry.item]));
  const scanner: ScheduleScanner = {
    rounds: (kind: ScheduleKind, boundMs: number, pageSize: number) => {
      const all = (kind === 'pending' ? entries.pending : entries.delayed) ?? [];
      const eligible = all.filter((entry) => (kind === 'pending' ? entry.scheduledAtMs < boundMs : entry.scheduledAtMs <= boundMs));
      const shards = new Map<number, ReturnType<typeof anEntry>[]>();
      for (const entry of eligible.sort((a, b) => a.scheduledAtMs - b.scheduledAtMs)) shards.set(entry.shard, [...(shards.get(entry.shard) ?? []), entry]);
      const cursors = new Map([...shards.keys()].map((shard) => [shard, 0]));
      return {
        next: async () => {
          if (cursors.size === 0) return undefined;
          reads.rounds += 1;
          const page: ScheduleEntry[] = [];
          for (const [shard, at] of [...cursors]) {
            const list = shards.get(shard) ?? [];
            page.push(...list.slice(at, at + pageSize).map(({ jobId, queue, lane, scheduledAtMs }) => ({ jobId, queue, lane, scheduledAtMs })));
            reads.pages += 1;
            if (at + pageSize >= list.length) cursors.delete(shard);
            else cursors.set(shard, at + pageSize);
          }
          return page;
        },
      };
    },
    read: async (chosen) =>
      chosen.flatMap((entry): ScheduledJob[] => {
        reads.jobs.push(entry.jobId);
        const item = items.get(entry.jobId);
        return item === undefined ? [] : [{ ...entry, status: item.status, job: jobRecordOf(item), item }];
      }),
    pendingJobs: async (chosen) =>
      chosen.map((job): PendingJob => ({
        message: aJobMessage({ jobId: job.jobId, runId: `run-${job.jobId}`, queue: job.queue }),
        lane: job.lane,
        status: job.status === 'delayed' ? 'delayed' : 'waiting',
        dueAt: new Date(job.scheduledAtMs),
        delaySeconds: 0,
      })),
  };
  return { scanner, reads };
}

/** Queues in memory: what was sent where, and each lane's depth. */
export function fakeQueues(depths: Record<string, QueueDepth> = {}) {
  const sent: { url: string; job: OutgoingJob }[] = [];
  const letters: { url: string; jobId: string; category: string }[] = [];
  const visibility: { url: string; seconds: number; receiptHandle: string }[] = [];
  const depthCalls: string[] = [];
  const queues: QueueClient = {
    send: async (url, job) => {
      sent.push({ url, job });
    },
    sendBatch: async (url, jobs): Promise<SendFailure[]> => {
      for (const job of jobs) sent.push({ url, job });
      return [];
    },
    changeVisibility: async (url, changes) => {
      for (const change of changes) visibility.push({ url, ...change });
    },
    moveToDeadLetter: async (url, batch) => {
      for (const letter of batch) letters.push({ url, jobId: letter.jobId, category: letter.failure.category });
    },
    delete: async () => undefined,
    backlog: async (url) => depths[url]?.visible ?? 0,
    depth: async (url) => {
      depthCalls.push(url);
      return depths[url] ?? { visible: 0, inFlight: 0, delayed: 0 };
    },
  };
  return { queues, sent, letters, visibility, depthCalls };
}

/** The catalog's settings of two queues, and a directory over them. */
export function directoryOf(...names: string[]) {
  const settings = names.map((name) => queueSettingsOf(parseQueueDefinition({ name, concurrency: 2, attempts: 3, backoff: { type: 'fixed', delayMs: 1000 }, timeoutMs: 30_000 })));
  return queueDirectory(settings, URL_BASE, 'jobs');
}

export const silentLogger = () => new Logger({ serviceName: 'test', logLevel: 'SILENT' });

/** A job store that records `markEnqueued` and nothing else. */
export function markingStore() {
  const marked: string[] = [];
  return {
    marked,
    store: {
      markEnqueued: async (jobId: string) => {
        marked.push(jobId);
      },
    },
  };
}
