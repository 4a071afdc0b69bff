import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One delivery the target received. */
export interface Delivery {
  readonly at: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: { job_id: string; queue: string; name: string; attempt: number; data: unknown; correlation_id?: string };
  /** Whether the Standard Webhooks signature verified with the queue's secret. */
  readonly verified: boolean;
}

/** How the target answers one delivery. */
export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Wait this long before answering. */
  readonly delayMs?: number;
}

/**
 * A real HTTP server standing in for a partner's app: it records every
 * delivery, verifies its signature with the `standardwebhooks` package, and
 * answers as the test scripts it (by default `200 { received: true }`).
 */
export class TargetServer {
  public readonly deliveries: Delivery[] = [];
  private server?: Server;
  private replies: (delivery: Delivery) => Reply = () => ({ status: 200, body: { received: true } });

  public constructor(private readonly secret: string) {}

  /** Starts on a free loopback port. */
  public async start(): Promise<string> {
    this.server = createServer((request, response) => void this.receive(request, response));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/hook`;
  }

  /** Sets how deliveries are answered from now on. */
  public answer(replies: (delivery: Delivery) => Reply): void {
    this.replies = replies;
  }

  /** Deliveries of one job. */
  public of(jobId: string): Delivery[] {
    return this.deliveries.filter((delivery) => delivery.body.job_id === jobId);
  }

  public async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async receive(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let verified = true;
    try {
      new Webhook(this.secret).verify(text, request.headers as Record<string, string>);
    } catch {
      verified = false;
    }
    const delivery: Delivery = { at: Date.now(), headers: request.headers, body: JSON.parse(text) as Delivery['body'], verified };
    this.deliveries.push(delivery);
    const reply = this.replies(delivery);
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (response.destroyed) return;
    response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    response.end(JSON.stringify(reply.body ?? {}));
  }
}
