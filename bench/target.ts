import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { BENCH_ERROR, BenchError } from './errors';

/** One delivery as the target saw it. */
export interface Delivery {
  readonly queue: string;
  readonly jobId: string;
  /** When the request had arrived (body read), ms since the epoch. */
  readonly start: number;
  /** When the answer was written; 0 until then. */
  end: number;
}

/** The longest a job may ask the target to wait before answering, in ms. */
const MAX_DELAY_MS = 30_000;

/**
 * The bench's delivery target: a real HTTP server at `<url>/<queue>` that
 * answers every delivery `200`, after `data.delay_ms` when the job's data asks
 * for a slow target, and records what arrived and when. Both the pipeline's
 * consumers and the BullMQ workers deliver here, with the same body
 * (`{ job_id, queue, data, … }`).
 *
 * @example
 * const target = await BenchTarget.start();
 * // deliver to `${target.url}/email`
 * await target.waitForAll(jobIds, { timeoutMs: 120_000 });
 */
export class BenchTarget {
  private readonly deliveries: Delivery[] = [];
  private readonly answered = new Map<string, number>();

  private constructor(
    private readonly server: Server,
    /** Base URL; each queue's deliveries arrive at `<url>/<queue>`. */
    readonly url: string,
  ) {}

  /** Starts the target on a free loopback port. */
  static async start(): Promise<BenchTarget> {
    let target: BenchTarget | undefined;
    const server = createServer((request, response) => {
      target?.receive(request, response).catch(() => {
        if (!response.headersSent) response.writeHead(500).end();
      });
    });
    // Deliveries come over many short-lived and kept-alive sockets at once.
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    target = new BenchTarget(server, `http://127.0.0.1:${port}/deliveries`);
    return target;
  }

  /** Every delivery so far, in arrival order. */
  all(): readonly Delivery[] {
    return this.deliveries;
  }

  /** How many distinct jobs of `ids` the target has answered. */
  answeredOf(ids: ReadonlySet<string>): number {
    let count = 0;
    for (const id of ids) if (this.answered.has(id)) count++;
    return count;
  }

  /** When the target answered job `id` first (ms since the epoch), if it has. */
  answeredAt(id: string): number | undefined {
    return this.answered.get(id);
  }

  /** Forgets what arrived so far, between scenarios. */
  reset(): void {
    this.deliveries.length = 0;
    this.answered.clear();
  }

  /**
   * Waits until the target has answered every job of `ids`, telling `onTick`
   * how many it has so far; resolves with when the last one was answered.
   *
   * @throws BenchError with code `timeout` when `timeoutMs` passes first
   */
  async waitForAll(ids: readonly string[], options: { timeoutMs: number; onTick?: (answered: number) => void }): Promise<number> {
    const wanted = new Set(ids);
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      const count = this.answeredOf(wanted);
      options.onTick?.(count);
      if (count === wanted.size) return Math.max(0, ...[...wanted].map((id) => this.answered.get(id) ?? 0));
      if (Date.now() > deadline) {
        throw new BenchError(BENCH_ERROR.timeout, `the target got ${count} of ${wanted.size} jobs within ${Math.round(options.timeoutMs / 1000)} s`);
      }
      await sleep(100);
    }
  }

  /** Stops the server. */
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async receive(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const start = Date.now();
    const body = parse(Buffer.concat(chunks).toString('utf8'));
    const queue = (request.url ?? '/').split('/').filter(Boolean).pop() ?? '';
    const delivery: Delivery = { queue, jobId: body.jobId, start, end: 0 };
    this.deliveries.push(delivery);
    if (body.delayMs > 0) await sleep(Math.min(body.delayMs, MAX_DELAY_MS));
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"received":true}');
    delivery.end = Date.now();
    if (!this.answered.has(body.jobId)) this.answered.set(body.jobId, delivery.end);
  }
}

function parse(text: string): { jobId: string; delayMs: number } {
  try {
    const body = JSON.parse(text) as { job_id?: unknown; data?: { delay_ms?: unknown } | null };
    const delay = body.data?.delay_ms;
    return { jobId: String(body.job_id ?? ''), delayMs: typeof delay === 'number' && delay > 0 ? delay : 0 };
  } catch {
    // Not a delivery of ours: answered, recorded without a job id.
    return { jobId: '', delayMs: 0 };
  }
}
