import { Agent, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { LOCAL_REGION } from '../../local-aws';
import { listen, readBody } from './http-server';
import { MessageMoveTasks } from './message-move-tasks';
import { SqsApiError, sendSqsError, sendSqsResult } from './sqs-api-error';
import { queueUrlIn, receivedPayloadBytes, requestPayloadBytes } from './sqs-payload';
import { SqsUpstream } from './sqs-upstream';

/** Where the proxy listens and what it stands in front of. */
export interface SqsProxyOptions {
  port: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** The SQS emulator's endpoint, e.g. `http://127.0.0.1:4566`. */
  upstream: string;
  /** The region of queue ARNs whose region cannot be told. @default LOCAL_REGION */
  region?: string;
  /** Receives one line per request. @default - no logging */
  log?: (line: string) => void;
  /**
   * Fault injection (tests): whether to fail a call of the JSON protocol with
   * a 500 `InternalError` instead of forwarding it; `queueUrl` is the call's
   * `QueueUrl`. @default - every call is forwarded
   */
  fails?: (action: string, queueUrl: string | undefined) => boolean;
  /**
   * Told of each JSON-protocol call that reached SQS: its action, its queue's
   * URL, and the bytes of message payload it carried (sent, or received by a
   * `ReceiveMessage`), which SQS bills per started 64 KiB. @default - not metered
   */
  onRequest?: (action: string, queueUrl: string | undefined, payloadBytes: number) => void;
}

/** The running proxy. */
export interface SqsProxy {
  /** What SQS clients (and `AWS_ENDPOINT_URL_SQS`) should point at. */
  readonly endpoint: string;
  readonly port: number;
  /** Cancels running move tasks, then stops listening. */
  stop(): Promise<void>;
}

/** The actions the emulator lacks, answered here; everything else passes through. */
const OWN_ACTIONS = ['StartMessageMoveTask', 'ListMessageMoveTasks', 'CancelMessageMoveTask'] as const;
type OwnAction = (typeof OWN_ACTIONS)[number];

/**
 * An SQS endpoint in front of the emulator: every request is forwarded to it
 * unchanged (method, path, headers and body; JSON and query protocols alike)
 * and its answer returned unchanged, except the message move task actions of
 * the JSON protocol (`AmazonSQS.StartMessageMoveTask`, `ListMessageMoveTasks`,
 * `CancelMessageMoveTask`), which the proxy runs itself against the emulator.
 *
 * The `Host` header passes through too, and the emulator names a queue's URL
 * after the host its CreateQueue came in on: queues created through the proxy
 * get URLs that name the proxy, so SDK clients configured only by
 * `AWS_ENDPOINT_URL_SQS` (which send each call to its queue URL's host) keep
 * coming through it. Queues created directly on the emulator do not.
 *
 * @example
 * const proxy = await startSqsProxy({ port: 0, upstream: emulator.endpoint });
 * const sqs = new SQSClient({ ...localAwsConfig(proxy.endpoint) });
 */
export async function startSqsProxy(options: SqsProxyOptions): Promise<SqsProxy> {
  const log = options.log ?? (() => undefined);
  const upstreamUrl = new URL(options.upstream);
  const agent = new Agent({ keepAlive: true });
  const upstream = new SqsUpstream(options.upstream, options.region ?? LOCAL_REGION);
  const tasks = new MessageMoveTasks(upstream);

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const started = Date.now();
    const target = String(request.headers['x-amz-target'] ?? '');
    const action = target.startsWith('AmazonSQS.') ? target.slice('AmazonSQS.'.length) : '';
    const done = (status: number, what: string): void => log(`SQS ${what} ${status} ${Date.now() - started}ms`);
    if (request.method === 'POST' && isOwnAction(action)) {
      const status = await answer(action, request, response, tasks);
      options.onRequest?.(action, undefined, 0);
      return done(status, action);
    }
    if ((options.fails !== undefined || options.onRequest !== undefined) && request.method === 'POST' && action !== '') {
      // Read whole only when faults or metering apply, to see the call's queue and payload.
      const read = await readBody(request);
      const body = read === 'too-large' ? Buffer.alloc(0) : read;
      if (options.fails?.(action, queueUrlOf(body)) === true) {
        sendSqsError(response, new SqsApiError('InternalError', 'We encountered an internal error. Please try again. (injected fault)', 500));
        return done(500, `${action} (injected fault)`);
      }
      const receives = action === 'ReceiveMessage' && options.onRequest !== undefined;
      const { status, answer: received } = await forward(request, response, upstreamUrl, agent, body, receives);
      const payload = received === undefined ? requestPayloadBytes(action, body) : receivedPayloadBytes(received);
      options.onRequest?.(action, queueUrlIn(body), payload);
      return done(status, action);
    }
    const { status } = await forward(request, response, upstreamUrl, agent);
    done(status, action || `${request.method ?? 'GET'} ${request.url ?? '/'}`);
  };

  const server = await listen(handle, { port: options.port, host: options.host, name: 'the SQS proxy' });
  let stopping: Promise<void> | undefined;
  return {
    endpoint: server.url,
    port: server.port,
    stop: () =>
      (stopping ??= (async () => {
        await tasks.stop();
        await server.stop();
        agent.destroy();
        upstream.destroy();
      })()),
  };
}

function isOwnAction(action: string): action is OwnAction {
  return (OWN_ACTIONS as readonly string[]).includes(action);
}

async function answer(action: OwnAction, request: IncomingMessage, response: ServerResponse, tasks: MessageMoveTasks): Promise<number> {
  try {
    const body = await readBody(request, 256 * 1024);
    if (body === 'too-large') throw SqsApiError.invalidParameter('The request is too large.');
    const input = parseInput(body);
    const result = action === 'StartMessageMoveTask' ? await tasks.start(input) : action === 'ListMessageMoveTasks' ? await tasks.list(input) : await tasks.cancel(input);
    sendSqsResult(response, result);
    return 200;
  } catch (error) {
    const known = error instanceof SqsApiError ? error : new SqsApiError('InternalError', error instanceof Error ? error.message : String(error), 500);
    sendSqsError(response, known);
    return known.status;
  }
}

function parseInput(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new SqsApiError('SerializationException', 'The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SqsApiError('SerializationException', 'The request body is not a JSON object.');
  }
  return Object.fromEntries(Object.entries(parsed));
}

/** The `QueueUrl` of a JSON-protocol call's body, if it names one. */
function queueUrlOf(body: Buffer): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    const url = typeof parsed === 'object' && parsed !== null && 'QueueUrl' in parsed ? parsed.QueueUrl : undefined;
    return typeof url === 'string' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Streams the request (or its body, already read) to the emulator and its
 * answer back; resolves with the status sent and, when `keepAnswer`, the
 * answer's body too.
 */
function forward(request: IncomingMessage, response: ServerResponse, upstream: URL, agent: Agent, body?: Buffer, keepAnswer = false): Promise<{ status: number; answer?: Buffer }> {
  return new Promise((resolve) => {
    const outgoing = httpRequest(
      {
        protocol: upstream.protocol,
        hostname: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
        agent,
      },
      (incoming) => {
        const status = incoming.statusCode ?? 502;
        response.writeHead(status, incoming.headers);
        const chunks: Buffer[] = [];
        if (keepAnswer) incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.pipe(response);
        incoming.on('end', () => resolve(keepAnswer ? { status, answer: Buffer.concat(chunks) } : { status }));
        incoming.on('error', () => resolve({ status }));
      },
    );
    outgoing.on('error', (error) => {
      if (!response.headersSent) {
        sendSqsError(response, new SqsApiError('ServiceUnavailable', `The SQS emulator did not answer: ${error.message}`, 503));
      } else {
        response.destroy(error);
      }
      resolve({ status: 503 });
    });
    if (body === undefined) request.pipe(outgoing);
    else outgoing.end(body);
  });
}
