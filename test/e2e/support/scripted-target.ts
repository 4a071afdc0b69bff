import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One delivery the target got. */
export interface TargetDelivery {
  readonly at: number;
  readonly queue: string;
  readonly jobId: string;
  readonly attempt: number;
  readonly verified: boolean;
  /** The status the target answered, once it has. */
  status?: number;
  /** Whether the answer reached the caller (false when the caller was gone first, e.g. a killed consumer). */
  answered?: boolean;
  /** When the answer was written. */
  answeredAt?: number;
}

/**
 * How a job asks the target to answer, in its own `data`: `respond` lists the
 * status of each attempt in turn (the last one repeats), and `retry_after` adds
 * a `Retry-After` header to a 429 or 503.
 */
interface Script {
  readonly respond?: number[];
  readonly retry_after?: number;
  /** How long to hold each attempt's answer, in ms, in turn (the last one repeats). */
  readonly hold_ms?: number[];
  /** The job's tag: an outage set `?only=<tag>` fails only the jobs that carry it. */
  readonly tag?: string;
}

/** A queue made to fail: at once (`down`), or every other `periodMs` (`flap`), with `status`. */
interface Outage {
  readonly status: number;
  readonly periodMs?: number;
  /** When the outage began; a flap's clock starts at the queue's first delivery after it was set. */
  readonly since?: number;
  /** Only jobs whose data carries this `tag` fail; unset, every job of the queue does. */
  readonly only?: string;
}

/**
 * A real HTTP server standing in for the partners' apps in end-to-end runs. It
 * takes each queue's deliveries at `<url>/<queue>` (the stack's `defaultTarget`
 * appends the queue name), verifies their Standard Webhooks signature with that
 * queue's secret, and answers as the job's data scripts it. Queues can be made
 * to fail and recover with `POST /_control/<queue>/down|up` (`down?status=503`
 * for another status than 400; `down?only=<tag>` to fail only the jobs whose
 * data has that `tag`, so a test's outage leaves other files' jobs on the queue
 * alone; `flap?period_ms=N&status=503` to fail and recover every N ms,
 * starting down at the queue's next delivery); `GET /_deliveries` lists what arrived and
 * how it was answered, so tests in other processes can read it.
 */
export class ScriptedTarget {
  private readonly deliveries: TargetDelivery[] = [];
  private readonly down = new Map<string, Outage>();
  private secrets: Readonly<Record<string, string>> = {};
  private server?: Server;

  public async start(): Promise<string> {
    this.server = createServer((request, response) => void this.route(request, response));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  public setSigningSecrets(secrets: Readonly<Record<string, string>>): void {
    this.secrets = secrets;
  }

  public async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', 'http://target');
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    };
    if (request.method === 'GET' && url.pathname === '/_deliveries') {
      const jobId = url.searchParams.get('job_id');
      reply(200, this.deliveries.filter((delivery) => jobId === null || delivery.jobId === jobId));
      return;
    }
    const control = /^\/_control\/([a-z0-9-]+)\/(down|up|flap)$/.exec(url.pathname);
    if (request.method === 'POST' && control?.[1] && control[2]) {
      const status = Number(url.searchParams.get('status') ?? 400);
      const periodMs = Number(url.searchParams.get('period_ms') ?? 1000);
      const only = url.searchParams.get('only') ?? undefined;
      if (control[2] === 'down') this.down.set(control[1], { status, since: Date.now(), ...(only === undefined ? {} : { only }) });
      else if (control[2] === 'flap') this.down.set(control[1], { status, periodMs });
      else this.down.delete(control[1]);
      reply(200, { queue: control[1], state: control[2] });
      return;
    }
    const queue = url.pathname.split('/').filter(Boolean).pop() ?? '';
    const body = JSON.parse(text) as { job_id: string; attempt: number; data: Script | null };
    let verified = false;
    try {
      new Webhook(this.secrets[queue] ?? 'whsec_').verify(text, request.headers as Record<string, string>);
      verified = true;
    } catch {
      verified = false;
    }
    const delivery: TargetDelivery = { at: Date.now(), queue, jobId: body.job_id, attempt: body.attempt, verified };
    this.deliveries.push(delivery);
    const script = body.data ?? {};
    const holds = Array.isArray(script.hold_ms) ? script.hold_ms : [];
    const holdMs = holds[Math.min(body.attempt - 1, holds.length - 1)] ?? 0;
    if (holdMs > 0) await new Promise((resolve) => setTimeout(resolve, holdMs));
    // The answer counts as given only if it reached the caller: a consumer killed meanwhile never reads it.
    response.once('close', () => {
      if (response.writableFinished) return;
      delivery.answered = false;
      delivery.answeredAt = Date.now();
    });
    response.once('finish', () => {
      delivery.answered = true;
      delivery.answeredAt = Date.now();
    });
    if (request.socket.destroyed) {
      delivery.status = 0;
      delivery.answered = false;
      response.destroy();
      return;
    }
    const outage = this.outageOf(queue);
    if (outage !== undefined && (outage.only === undefined || outage.only === script.tag)) {
      delivery.status = outage.status;
      reply(outage.status, { error: 'the app refuses this job for now' });
      return;
    }
    const statuses = Array.isArray(script.respond) && script.respond.length > 0 ? script.respond : [200];
    const status = statuses[Math.min(body.attempt - 1, statuses.length - 1)] ?? 200;
    delivery.status = status;
    const retryAfter: Record<string, string> =
      script.retry_after !== undefined && (status === 429 || status === 503) ? { 'retry-after': String(script.retry_after) } : {};
    reply(status, status < 300 ? { received: true, attempt: body.attempt } : { error: `scripted ${status}` }, retryAfter);
  }

  /**
   * The outage a queue is in now, if any: a flapping one is down in its even
   * periods, counted from the first delivery it met (so that one is refused
   * however long the jobs took to arrive).
   */
  private outageOf(queue: string): Outage | undefined {
    const outage = this.down.get(queue);
    if (outage === undefined || outage.periodMs === undefined) return outage;
    const since = outage.since ?? Date.now();
    if (outage.since === undefined) this.down.set(queue, { ...outage, since });
    return Math.floor((Date.now() - since) / outage.periodMs) % 2 === 0 ? outage : undefined;
  }
}
