import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DYNAMODB_FAULT, type DynamoDbFault, type FaultHooks } from '../../../local/cloud/fault-hooks';

/**
 * The fault hooks of the suite's local cloud over HTTP: the cloud runs in the
 * global setup's process and the cases in workers, so they switch faults with
 * these calls (all `POST`):
 *
 * | path | what |
 * |---|---|
 * | `/sqs-sends/<queue>/fail` \| `/restore` | sends to the queue's lanes fail with 500, or pass again |
 * | `/duplicates/<queue>/on` \| `/off` | each batch of the queue is handed to its consumer twice at once |
 * | `/dynamodb/errors?share=S&kinds=throttle,error-after-write` | a share S of the functions' DynamoDB requests fail (0 stops it) |
 * | `/dynamodb/freeze?ms=N` | DynamoDB Local is stopped (SIGSTOP) for N ms; answers once it runs again |
 * | `/crash/<function label>` | every busy instance of the function ends at once; answers `{ crashed }` |
 */
export class FaultControl {
  private server?: Server;

  constructor(private readonly hooks: FaultHooks) {}

  /** Starts listening on a free loopback port; returns the base URL. */
  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      this.route(request, response).catch((error: unknown) => reply(response, 500, { error: error instanceof Error ? error.message : String(error) }));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://control');
    const parts = url.pathname.split('/').filter(Boolean);
    if (request.method !== 'POST') return reply(response, 405, { error: 'POST only' });
    const [area, name, action] = parts;
    if (area === 'sqs-sends' && name && (action === 'fail' || action === 'restore')) {
      if (action === 'fail') this.hooks.failSendsTo(name);
      else this.hooks.restoreSends(name);
      return reply(response, 200, { queue: name, sends: action });
    }
    if (area === 'duplicates' && name && (action === 'on' || action === 'off')) {
      this.hooks.duplicateDeliveries(name, action === 'on');
      return reply(response, 200, { queue: name, duplicates: action });
    }
    if (area === 'dynamodb' && name === 'errors') {
      const share = Number(url.searchParams.get('share') ?? 0);
      const kinds = (url.searchParams.get('kinds') ?? `${DYNAMODB_FAULT.throttle},${DYNAMODB_FAULT.errorAfterWrite}`).split(',') as DynamoDbFault[];
      this.hooks.failDynamoDb(share, kinds);
      return reply(response, 200, { share, kinds });
    }
    if (area === 'dynamodb' && name === 'freeze') {
      const ms = Number(url.searchParams.get('ms') ?? 10_000);
      await this.hooks.freezeDynamoDb(ms);
      return reply(response, 200, { frozen_ms: ms });
    }
    if (area === 'crash' && name) return reply(response, 200, { crashed: this.hooks.crashBusyInstances(name) });
    return reply(response, 404, { error: `no fault control at ${url.pathname}` });
  }
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
