import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResponseHead } from './http-response';

/** One delivery as the processor hands it to a transport. */
export interface TransportRequest {
  /** An http or https URL; the request is a POST to its path and query. */
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Aborts the exchange, connection, request and response body alike. */
  readonly signal: AbortSignal;
  /**
   * Resolves the URL's host name for the socket; the transport connects to
   * nothing this did not hand it. Not called for an IP literal host.
   */
  readonly lookup: LookupFunction;
}

/** A target's answer: status and headers at once, the body to be read or discarded. */
export interface TransportResponse extends ResponseHead {
  /** The body as it arrives; leaving its iteration early releases the rest. */
  readonly body: AsyncIterable<Uint8Array>;
  /** Drops the body unread and releases the connection. */
  discard(): void;
}

/**
 * Sends one delivery: resolves with the answer's head once it arrives, rejects
 * when no answer comes (refused connection, TLS failure, abort, or the error the
 * `lookup` gave). Never follows redirects. Injected by tests.
 */
export type HttpTransport = (request: TransportRequest) => Promise<TransportResponse>;

/** Idle kept-alive connections are closed after this: a target may close them first, and a reused dead one fails the delivery. */
const IDLE_SOCKET_TIMEOUT_MS = 4000;

/**
 * The transport deliveries use: `node:http` / `node:https` with a keep-alive
 * pool of its own, so connections are reused only by requests of the same
 * processor (and so of the same `lookup` and its allowances). TLS verifies the
 * certificate against the URL's host name, whatever address the lookup gave.
 *
 * @example
 * const send = createNodeTransport();
 * const response = await send({ url, headers, body, signal, lookup: guardedLookup(url) });
 */
export function createNodeTransport(): HttpTransport {
  const httpAgent = new HttpAgent({ keepAlive: true, timeout: IDLE_SOCKET_TIMEOUT_MS });
  const httpsAgent = new HttpsAgent({ keepAlive: true, timeout: IDLE_SOCKET_TIMEOUT_MS });
  return (request) =>
    new Promise<TransportResponse>((resolve, reject) => {
      const { url, signal } = request;
      const secure = url.protocol === 'https:';
      const send = secure ? httpsRequest : httpRequest;
      const outgoing = send(
        {
          protocol: url.protocol,
          hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
          port: url.port === '' ? undefined : Number(url.port),
          path: `${url.pathname}${url.search}`,
          method: 'POST',
          headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
          agent: secure ? httpsAgent : httpAgent,
          lookup: request.lookup,
          signal,
        },
        (response) => resolve(responseOf(response, signal)),
      );
      // Stays attached after the answer: an 'error' nobody listens to would end the process.
      outgoing.on('error', reject);
      outgoing.end(request.body);
    });
}

function responseOf(response: IncomingMessage, signal: AbortSignal): TransportResponse {
  // The body's reader sees its errors through iteration; this keeps one before the read from ending the process.
  response.on('error', () => undefined);
  const abort = (): void => {
    response.destroy(new Error('delivery aborted while reading the response'));
  };
  signal.addEventListener('abort', abort, { once: true });
  response.once('close', () => signal.removeEventListener('abort', abort));
  return {
    status: response.statusCode ?? 0,
    headers: {
      get: (name) => {
        const value = response.headers[name.toLowerCase()];
        if (value === undefined) return null;
        return Array.isArray(value) ? value.join(', ') : value;
      },
    },
    body: response,
    discard: () => {
      response.destroy();
    },
  };
}
