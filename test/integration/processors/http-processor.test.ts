import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { JobFailedError, JobTimeoutError } from '../../../functions/core/errors';
import { isRetryableCategory } from '../../../functions/core/failure';
import { createHttpProcessor, type HttpProcessorOptions } from '../../../functions/processors/http-processor';
import { MAX_TEXT_RESULT_BYTES } from '../../../functions/processors/http-response';
import type { TargetLookup } from '../../../functions/processors/target-guard';
import { generateSigningSecret } from '../../../functions/processors/webhook-signature';
import { A_JOB_ID, A_RUN_ID, aJobMessage } from '../../helpers/factories';
import { aProcessorContext } from '../../unit/processors/processor-context';
import { TEST_TLS_CERT, TEST_TLS_KEY } from './tls-fixture';

/** A name under the reserved `.test` TLD: the system resolver cannot answer it, only an injected one. */
const TEST_HOST = 'hooks.pipeline.test';

/** A resolver that answers every name with loopback, and counts how often it is asked. */
const resolvingToLoopback = () => vi.fn<TargetLookup>(async () => [{ address: '127.0.0.1', family: 4 }]);

/** One request as the target saw it. */
interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  /** Settles when the exchange ends: `true` if the client went away before the response finished. */
  readonly aborted: Promise<boolean>;
}

type Respond = (request: IncomingMessage, response: ServerResponse) => void;

let server: Server;
let baseUrl: string;
let respond: Respond;
let received: Received[];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const aborted = once(response, 'close').then(() => !response.writableFinished);
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        aborted,
      });
      respond(request, response);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

beforeEach(() => {
  received = [];
  respond = (_request, response) => response.writeHead(204).end();
});

const secret = generateSigningSecret();

function aProcessor(overrides: Partial<HttpProcessorOptions> = {}) {
  return createHttpProcessor({
    targetUrl: `${baseUrl}/hooks?token=t0ken`,
    signingSecret: secret,
    timeoutMs: 5000,
    allowLoopback: true,
    ...overrides,
  });
}

/** What the processor threw, for assertions on its fields. */
async function failureOf(run: Promise<unknown>): Promise<JobFailedError> {
  const error = await run.then(
    () => expect.unreachable('the delivery should have failed'),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(JobFailedError);
  return error as JobFailedError;
}

describe('http processor against a real target', () => {
  it('delivers a signed request the standardwebhooks verifier accepts', async () => {
    // Prepare
    respond = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"accepted":true}');
    };
    const job = aJobMessage({ data: { intentId: 'intent-42', amount: 1000 } });

    // Act
    const result = await aProcessor()(job, aProcessorContext({ attempt: 2 }));

    // Assess
    expect(result).toEqual({ status: 200, body: { accepted: true } });
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/hooks?token=t0ken');
    expect(request?.headers).toMatchObject({
      'content-type': 'application/json',
      'webhook-id': A_RUN_ID,
      'x-job-attempt': '2',
      'x-correlation-id': 'corr-1',
    });
    const headers = {
      'webhook-id': String(request?.headers['webhook-id']),
      'webhook-timestamp': String(request?.headers['webhook-timestamp']),
      'webhook-signature': String(request?.headers['webhook-signature']),
    };
    expect(new Webhook(secret).verify(request?.body ?? '', headers)).toEqual({
      job_id: A_JOB_ID,
      queue: 'payments',
      name: 'stk_push',
      attempt: 2,
      data: { intentId: 'intent-42', amount: 1000 },
      correlation_id: 'corr-1',
    });
  });

  it('keeps a text answer as text', async () => {
    // Prepare
    respond = (_request, response) => response.writeHead(202, { 'content-type': 'text/plain' }).end('queued');

    // Act
    const result = await aProcessor()(aJobMessage(), aProcessorContext());

    // Assess
    expect(result).toEqual({ status: 202, body: 'queued' });
  });

  it('reads no more than it must of an endless answer', async () => {
    // Prepare
    respond = (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => response.write('x'.repeat(16 * 1024)), 1);
      response.on('close', () => clearInterval(timer));
    };

    // Act
    const result = await aProcessor()(aJobMessage(), aProcessorContext());

    // Assess
    expect(result).toEqual({ status: 200, body: 'x'.repeat(MAX_TEXT_RESULT_BYTES) });
    await expect(received[0]?.aborted).resolves.toBe(true);
  });

  it.each([
    [401, 'auth'],
    [403, 'auth'],
    [400, 'client'],
    [404, 'client'],
  ] as const)('fails for good on %i (%s)', async (status, category) => {
    // Prepare
    respond = (_request, response) => response.writeHead(status, { 'content-type': 'application/json' }).end('{"error":"no"}');

    // Act
    const failure = await failureOf(aProcessor()(aJobMessage(), aProcessorContext()));

    // Assess
    expect(failure.category).toBe(category);
    expect(isRetryableCategory(failure.category)).toBe(false);
    expect(failure.message).toMatch(new RegExp(`^target answered ${status} `));
  });

  it.each([500, 502, 408])('fails for a retry on %i (server)', async (status) => {
    // Prepare
    respond = (_request, response) => response.writeHead(status).end();

    // Act
    const failure = await failureOf(aProcessor()(aJobMessage(), aProcessorContext()));

    // Assess
    expect(failure.category).toBe('server');
    expect(isRetryableCategory(failure.category)).toBe(true);
  });

  it('honours Retry-After on a 429', async () => {
    // Prepare
    respond = (_request, response) => response.writeHead(429, { 'retry-after': '3' }).end();

    // Act
    const failure = await failureOf(aProcessor()(aJobMessage(), aProcessorContext()));

    // Assess
    expect(failure.category).toBe('rate_limited');
    expect(failure.retryAfterMs).toBe(3000);
    expect(failure.message).toBe('target answered 429 Too Many Requests');
  });

  it('does not follow a redirect', async () => {
    // Prepare
    respond = (request, response) => {
      if (request.url?.startsWith('/hooks') === true) response.writeHead(307, { location: `${baseUrl}/elsewhere` }).end();
      else response.writeHead(200).end();
    };

    // Act
    const failure = await failureOf(aProcessor()(aJobMessage(), aProcessorContext()));

    // Assess
    expect(failure.category).toBe('client');
    expect(received.map((request) => request.url)).toEqual(['/hooks?token=t0ken']);
  });

  it('gives up on a slow target at its timeout and hangs up', async () => {
    // Prepare: the target never answers.
    respond = () => undefined;
    const started = performance.now();

    // Act
    const failure = await failureOf(aProcessor({ timeoutMs: 300 })(aJobMessage(), aProcessorContext()));

    // Assess
    expect(failure).toBeInstanceOf(JobTimeoutError);
    expect(failure.category).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(3000);
    await expect(received[0]?.aborted).resolves.toBe(true);
  });

  it('fails as network when nothing listens on the port', async () => {
    // Prepare: a port that was free a moment ago.
    const probe = createServer();
    probe.listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as AddressInfo;
    probe.close();
    await once(probe, 'close');

    // Act
    const failure = await failureOf(aProcessor({ targetUrl: `http://127.0.0.1:${port}/hooks` })(aJobMessage(), aProcessorContext()));

    // Assess
    expect(failure.category).toBe('network');
    expect(failure.message).toBe(`could not reach target 127.0.0.1:${port} (ECONNREFUSED)`);
  });

  it('refuses the loopback target unless allowed, without sending anything', async () => {
    // Act
    const failure = await failureOf(aProcessor({ allowLoopback: false })(aJobMessage(), aProcessorContext()));

    // Assess
    expect(failure.category).toBe('non_retryable');
    expect(failure.message).toMatch(/^delivery target 127\.0\.0\.1:\d+ resolves to 127\.0\.0\.1, a loopback address; refused$/);
    expect(received).toEqual([]);
  });

  it('connects a host name to the address its guarded lookup handed over, looked up once', async () => {
    // Prepare
    const lookup = resolvingToLoopback();
    const port = (server.address() as AddressInfo).port;

    // Act
    const result = await aProcessor({ targetUrl: `http://${TEST_HOST}:${port}/hooks`, lookup })(aJobMessage(), aProcessorContext());

    // Assess: delivered, though only the injected resolver knows the name.
    expect(result).toEqual({ status: 204, body: undefined });
    expect(lookup).toHaveBeenCalledOnce();
    expect(lookup).toHaveBeenCalledWith(TEST_HOST, { all: true });
    expect(received.map((request) => request.headers.host)).toEqual([`${TEST_HOST}:${port}`]);
  });

  it('refuses a host name that resolves to loopback unless allowed, without sending anything', async () => {
    // Prepare
    const lookup = resolvingToLoopback();
    const port = (server.address() as AddressInfo).port;

    // Act
    const failure = await failureOf(
      aProcessor({ targetUrl: `http://${TEST_HOST}:${port}/hooks?token=t0ken`, lookup, allowLoopback: false })(aJobMessage(), aProcessorContext()),
    );

    // Assess
    expect(failure.category).toBe('non_retryable');
    expect(failure.message).toBe(`delivery target ${TEST_HOST}:${port} resolves to 127.0.0.1, a loopback address; refused`);
    expect(lookup).toHaveBeenCalledOnce();
    expect(received).toEqual([]);
  });
});

describe('http processor against a TLS target', () => {
  let tlsServer: ReturnType<typeof createTlsServer>;
  let tlsPort: number;
  let serverNames: (string | false | null)[];

  beforeAll(async () => {
    tlsServer = createTlsServer({ key: TEST_TLS_KEY, cert: TEST_TLS_CERT }, (_request, response) => response.writeHead(204).end());
    tlsServer.on('secureConnection', (socket: TLSSocket) => serverNames.push(socket.servername));
    // A client that refuses the certificate ends the handshake; the server's error is expected.
    tlsServer.on('tlsClientError', () => undefined);
    tlsServer.listen(0, '127.0.0.1');
    await once(tlsServer, 'listening');
    tlsPort = (tlsServer.address() as AddressInfo).port;
  });

  afterAll(async () => {
    tlsServer.closeAllConnections();
    tlsServer.close();
    await once(tlsServer, 'close');
  });

  beforeEach(() => {
    serverNames = [];
  });

  it('verifies the certificate against the host name, not the address it connects to', async () => {
    // Prepare: the target's certificate is self-signed, so a verifying client must refuse it.
    const lookup = resolvingToLoopback();
    const names: (string | undefined)[] = [];
    tlsServer.once('tlsClientError', (_error, socket: TLSSocket) => names.push(socket.servername || undefined));

    // Act
    const failure = await failureOf(
      aProcessor({ targetUrl: `https://${TEST_HOST}:${tlsPort}/hooks`, lookup })(aJobMessage(), aProcessorContext()),
    );

    // Assess: refused for the certificate, and the handshake named the host (SNI), not 127.0.0.1.
    expect(failure.category).toBe('network');
    expect(failure.message).toBe(`could not reach target ${TEST_HOST}:${tlsPort} (DEPTH_ZERO_SELF_SIGNED_CERT)`);
    expect(lookup).toHaveBeenCalledOnce();
    await vi.waitFor(() => expect(names).toEqual([TEST_HOST]));
    expect(serverNames).toEqual([]);
  });
});
