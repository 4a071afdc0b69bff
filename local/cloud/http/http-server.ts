import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { LocalCloudError } from '../../errors';

/** A local HTTP endpoint that is listening. */
export interface RunningServer {
  /** `http://<host>:<port>`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and drops open connections (keep-alive ones too). */
  stop(): Promise<void>;
}

/** A request handler; an error it throws becomes a 500 with no body. */
export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/**
 * Serves `handler` on `host:port` (port 0 for any free one). A port already in
 * use fails with an error that names it, so starting the local cloud twice
 * says why instead of a bare EADDRINUSE.
 *
 * @example
 * const server = await listen(async (req, res) => { res.end('ok'); }, { port: 0 });
 */
export function listen(handler: RequestHandler, options: { port: number; host?: string; name?: string }): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((request, response) => {
    handler(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const what = options.name ?? 'a local endpoint';
      const message =
        error.code === 'EADDRINUSE'
          ? `${what} cannot listen on ${host}:${options.port}: the port is in use (is the local cloud already running?)`
          : `${what} cannot listen on ${host}:${options.port}: ${error.message}`;
      reject(new LocalCloudError(message, { cause: error, context: { host, port: options.port } }));
    });
    server.listen(options.port, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : options.port;
      let stopping: Promise<void> | undefined;
      resolve({
        url: `http://${host}:${port}`,
        port,
        stop: () =>
          (stopping ??= new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          })),
      });
    });
  });
}

/**
 * The whole request body, or `'too-large'` once it passes `limit` bytes (the
 * rest is drained and dropped, so the caller can still answer).
 */
export function readBody(request: IncomingMessage, limit = Number.POSITIVE_INFINITY): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** Writes a JSON body with its content type and length. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  contentType = 'application/json',
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    'Content-Type': contentType,
    'Content-Length': String(Buffer.byteLength(text)),
  });
  response.end(text);
}

/** Splits a request target into its raw (still encoded) path and raw query string. */
export function splitTarget(target: string | undefined): { path: string; rawQuery: string } {
  const value = target ?? '/';
  const at = value.indexOf('?');
  return at < 0 ? { path: value, rawQuery: '' } : { path: value.slice(0, at), rawQuery: value.slice(at + 1) };
}

/**
 * Query parameters with every value, percent-decoded. A `+` stays a `+`: SigV4
 * signers encode spaces as `%20`, and a verifier must decode as they encode.
 */
export function parseQuery(rawQuery: string): Record<string, string[]> {
  // A Map, then fromEntries: a key such as `__proto__` stays a plain key.
  const query = new Map<string, string[]>();
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    const key = decodeComponent(at < 0 ? pair : pair.slice(0, at));
    const value = at < 0 ? '' : decodeComponent(pair.slice(at + 1));
    query.set(key, [...(query.get(key) ?? []), value]);
  }
  return Object.fromEntries(query);
}

/** Percent-decodes, keeping the text as it is when it holds a malformed escape. */
export function decodeComponent(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
