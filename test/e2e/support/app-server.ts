import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request an app got. */
export interface AppRequest {
  readonly body: string;
  readonly headers: IncomingHttpHeaders;
}

/**
 * A real HTTP server standing in for a user's app in end-to-end runs: each
 * request's body is read whole, then `answer` decides the status it gets.
 */
export class AppServer {
  private server?: Server;

  public constructor(
    private readonly answer: (request: AppRequest) => number | Promise<number>,
    private readonly path: string,
  ) {}

  /** Listens on a free loopback port; resolves to the app's URL. */
  public async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        void Promise.resolve(this.answer({ body: Buffer.concat(chunks).toString('utf8'), headers: request.headers })).then((status) =>
          response.writeHead(status, { 'content-type': 'application/json' }).end('{"ok":true}'),
        );
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${this.path}`;
  }

  public async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
