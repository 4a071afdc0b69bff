import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue, Worker, type Job } from 'bullmq';
import { toPriorityLevel, type PriorityLevel } from '../../functions/core/priority';
import { postJson } from '../http-client';
import type { BenchQueueSettings } from '../queues';

/** BullMQ's priority of each level: 1 is BullMQ's highest. Every job gets one, so all wait in one ordered set. */
export const BULLMQ_PRIORITY: Readonly<Record<PriorityLevel, number>> = { urgent: 1, high: 2, normal: 3, low: 4 };

/** The relay, running. */
export interface BullmqRelay {
  /** Base URL taking `POST /jobs/<queue>` and `…/batch` as the pipeline's API does. */
  readonly apiUrl: string;
  stop(): Promise<void>;
}

interface JobRequestBody {
  readonly name?: string;
  readonly data?: unknown;
  readonly priority?: number | PriorityLevel;
}

/**
 * The baseline: a tiny HTTP server taking the pipeline's job requests and
 * adding BullMQ jobs on a local Redis, with one Worker per queue (the
 * catalog's concurrency, and its rate limit as BullMQ's limiter) that
 * delivers each job to `targetUrl/<queue>` with the body the pipeline's
 * consumers send.
 *
 * @example
 * const relay = await startBullmqRelay({ redisPort, targetUrl: target.url, queues: [queueSettings('email')] });
 */
export async function startBullmqRelay(options: { readonly redisPort: number; readonly targetUrl: string; readonly queues: readonly BenchQueueSettings[] }): Promise<BullmqRelay> {
  const connection = { host: '127.0.0.1', port: options.redisPort, maxRetriesPerRequest: null };
  const queues = new Map<string, Queue>();
  const workers: Worker[] = [];
  for (const settings of options.queues) {
    queues.set(settings.name, new Queue(settings.name, { connection }));
    const deliver = async (job: Job): Promise<void> => {
      const answer = await postJson(`${options.targetUrl}/${settings.name}`, {
        job_id: job.id,
        queue: settings.name,
        name: job.name,
        attempt: job.attemptsMade + 1,
        data: job.data as unknown,
      });
      if (answer.status >= 300) throw new Error(`the target answered ${answer.status}`);
    };
    workers.push(
      new Worker(settings.name, deliver, {
        connection,
        concurrency: settings.concurrency,
        ...(settings.rateLimit === undefined ? {} : { limiter: { max: settings.rateLimit.max, duration: settings.rateLimit.durationMs } }),
      }),
    );
  }
  await Promise.all([...[...queues.values()].map((queue) => queue.waitUntilReady()), ...workers.map((worker) => worker.waitUntilReady())]);

  const server = createServer((request, response) => {
    relay(queues, request, response).catch((error: unknown) => reply(response, 500, { ok: false, error: { code: 'relay_error', message: String(error) } }));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all(workers.map((worker) => worker.close(true)));
      await Promise.all([...queues.values()].map((queue) => queue.close()));
    },
  };
}

async function relay(queues: ReadonlyMap<string, Queue>, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const match = /^\/jobs\/([a-z0-9-]+)(\/batch)?$/.exec(request.url ?? '');
  const queue = match?.[1] === undefined ? undefined : queues.get(match[1]);
  if (request.method !== 'POST' || match === null || queue === undefined) {
    reply(response, 404, { ok: false, error: { code: 'not_found', message: 'POST /jobs/<queue> or /jobs/<queue>/batch' } });
    return;
  }
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as JobRequestBody & { jobs?: JobRequestBody[] };
  if (match[2] === undefined) {
    const job = await queue.add(body.name ?? 'job', body.data, { priority: priorityOf(body.priority) });
    reply(response, 202, { ok: true, job_id: job.id, queue: queue.name, status: 'waiting', queued_at: new Date().toISOString() });
    return;
  }
  const added = await queue.addBulk((body.jobs ?? []).map((job) => ({ name: job.name ?? 'job', data: job.data, opts: { priority: priorityOf(job.priority) } })));
  reply(response, 200, { ok: true, results: added.map((job) => ({ ok: true, job_id: job.id })) });
}

function priorityOf(priority: number | PriorityLevel | undefined): number {
  return BULLMQ_PRIORITY[toPriorityLevel(priority)];
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
