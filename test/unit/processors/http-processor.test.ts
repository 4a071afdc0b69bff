import type { LookupAddress } from 'node:dns';
import { describe, expect, it, vi } from 'vitest';
import { ConfigError, JobFailedError, JobTimeoutError, NonRetryableError } from '../../../functions/core/errors';
import { createHttpProcessor, DEFAULT_USER_AGENT, type HttpProcessorOptions } from '../../../functions/processors/http-processor';
import type { HttpTransport, TransportRequest, TransportResponse } from '../../../functions/processors/http-transport';
import type { TargetLookup } from '../../../functions/processors/target-guard';
import { generateSigningSecret } from '../../../functions/processors/webhook-signature';
import { aJobMessage, FIXED_NOW } from '../../helpers/factories';
import { aProcessorContext } from './processor-context';

const TARGET = 'http://127.0.0.1:8080/hooks?token=s3cret';

/** A processor on a fake transport; loopback is allowed so no resolver is involved. */
function aProcessor(send: HttpTransport, overrides: Partial<HttpProcessorOptions> = {}) {
  return createHttpProcessor({
    targetUrl: TARGET,
    signingSecret: generateSigningSecret(),
    timeoutMs: 1000,
    allowLoopback: true,
    transport: send,
    clock: () => FIXED_NOW,
    ...overrides,
  });
}

/** An answer with a status, a body given as chunks, and headers. */
function aResponse(status: number, chunks: AsyncIterable<Uint8Array> | string = '', headers: Record<string, string> = {}) {
  const body =
    typeof chunks === 'string'
      ? (async function* () {
          if (chunks !== '') yield Buffer.from(chunks);
        })()
      : chunks;
  return {
    status,
    headers: { get: (name: string) => headers[name.toLowerCase()] ?? null },
    body,
    discard: vi.fn(),
  } satisfies TransportResponse;
}

/** A transport that never answers and rejects once the signal fires, as node:http does. */
const aHangingTransport = () =>
  vi.fn<HttpTransport>(
    ({ signal }) =>
      new Promise((_, reject) => {
        const abort = (): void => reject(Object.assign(new Error('The operation was aborted'), { name: 'AbortError', cause: signal.reason }));
        if (signal.aborted) abort();
        signal.addEventListener('abort', abort);
      }),
  );

/**
 * A transport that does what a socket does with a host name: asks the request's
 * lookup for every address, and connects to what it is handed (recorded here).
 */
function aConnectingTransport() {
  const connectedTo: LookupAddress[][] = [];
  const send = vi.fn<HttpTransport>(async ({ url, lookup }: TransportRequest) => {
    const addresses = await new Promise<LookupAddress[]>((resolve, reject) => {
      lookup(url.hostname, { all: true }, (error, address) => (error ? reject(error) : resolve(address as LookupAddress[])));
    });
    connectedTo.push(addresses);
    return aResponse(204);
  });
  return { send, connectedTo };
}

describe('createHttpProcessor', () => {
  it.each([
    ['an invalid URL', { targetUrl: 'not a url' }, /not a valid absolute URL/],
    ['another scheme', { targetUrl: 'ftp://hooks.example.com/in' }, /must be http or https, got ftp/],
    ['credentials in the URL', { targetUrl: 'https://user:pw@hooks.example.com/' }, /must not hold credentials/],
    ['a zero timeout', { timeoutMs: 0 }, /positive number of milliseconds, got 0/],
    ['an infinite timeout', { timeoutMs: Number.POSITIVE_INFINITY }, /positive number/],
    ['an empty secret', { signingSecret: 'whsec_' }, /holds no key/],
  ])('refuses %s at creation', (_case, overrides, message) => {
    // Act
    const create = (): unknown => aProcessor(vi.fn<HttpTransport>(), overrides);

    // Assess
    expect(create).toThrow(ConfigError);
    expect(create).toThrow(message);
  });

  it('sends the signed job to the target with a signal and the guarded lookup', async () => {
    // Prepare
    const send = vi.fn<HttpTransport>(async () => aResponse(200, '{"ok":true}', { 'content-type': 'application/json' }));

    // Act
    const result = await aProcessor(send)(aJobMessage(), aProcessorContext({ attempt: 2 }));

    // Assess
    expect(result).toEqual({ status: 200, body: { ok: true } });
    const [request] = send.mock.calls[0] ?? [];
    expect(String(request?.url)).toBe(TARGET);
    expect(request?.headers).toMatchObject({ 'user-agent': DEFAULT_USER_AGENT, 'x-job-attempt': '2' });
    expect(JSON.parse(request?.body ?? '{}')).toMatchObject({ attempt: 2 });
    expect(request?.signal).toBeInstanceOf(AbortSignal);
    expect(request?.lookup).toBeTypeOf('function');
  });

  it('logs host, status and duration at DEBUG, never the payload or the query', async () => {
    // Prepare
    const send = vi.fn<HttpTransport>(async () => aResponse(200, 'secret reply'));
    const context = aProcessorContext();

    // Act
    await aProcessor(send)(aJobMessage({ data: { phone: '+254700000001' } }), context);

    // Assess
    expect(context.logger.lines).toEqual([
      { level: 'debug', message: 'webhook delivered', extra: { host: '127.0.0.1:8080', status: 200, duration_ms: expect.any(Number) } },
    ]);
    expect(JSON.stringify(context.logger.lines)).not.toMatch(/254700000001|s3cret|secret reply/);
  });

  it('rethrows the reason the consumer aborted with', async () => {
    // Prepare
    const controller = new AbortController();
    const reason = new JobTimeoutError(500);
    const send = aHangingTransport();
    const processing = aProcessor(send)(aJobMessage(), aProcessorContext({ signal: controller.signal }));
    await vi.waitFor(() => expect(send).toHaveBeenCalled());

    // Act
    controller.abort(reason);

    // Assess
    await expect(processing).rejects.toBe(reason);
  });

  it('fails as a timeout when the consumer aborts without a categorised reason', async () => {
    // Prepare
    const controller = new AbortController();
    const send = aHangingTransport();
    const processing = aProcessor(send)(aJobMessage(), aProcessorContext({ signal: controller.signal }));
    await vi.waitFor(() => expect(send).toHaveBeenCalled());

    // Act
    controller.abort();

    // Assess
    await expect(processing).rejects.toThrow(JobTimeoutError);
    await expect(processing).rejects.toMatchObject({ category: 'timeout', context: { abortedBy: 'job' } });
  });

  it('does not call the target when the signal has already fired', async () => {
    // Prepare
    const send = vi.fn<HttpTransport>();
    const reason = new JobTimeoutError(500);

    // Act
    const processing = aProcessor(send)(aJobMessage(), aProcessorContext({ signal: AbortSignal.abort(reason) }));

    // Assess
    await expect(processing).rejects.toBe(reason);
    expect(send).not.toHaveBeenCalled();
  });

  it('fails as a timeout with its own limit when the target is too slow', async () => {
    // Act
    const processing = aProcessor(aHangingTransport(), { timeoutMs: 50 })(aJobMessage(), aProcessorContext());

    // Assess
    await expect(processing).rejects.toThrow(JobTimeoutError);
    await expect(processing).rejects.toMatchObject({ message: 'job ran past its 50 ms timeout', category: 'timeout' });
  });

  it('fails as network, naming the system code, when it cannot connect', async () => {
    // Prepare
    const send = vi.fn<HttpTransport>(async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8080'), { code: 'ECONNREFUSED' });
    });
    const context = aProcessorContext();

    // Act
    const processing = aProcessor(send)(aJobMessage(), context);

    // Assess
    await expect(processing).rejects.toThrow(JobFailedError);
    await expect(processing).rejects.toMatchObject({
      category: 'network',
      message: 'could not reach target 127.0.0.1:8080 (ECONNREFUSED)',
      context: { host: '127.0.0.1:8080', code: 'ECONNREFUSED' },
    });
    expect(context.logger.lines).toEqual([
      { level: 'warn', message: 'webhook delivery failed', extra: expect.objectContaining({ category: 'network' }) },
    ]);
  });

  it('finds the code of a failure on several addresses', async () => {
    // Prepare
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:8080'), { code: 'ECONNREFUSED' });
    const send = vi.fn<HttpTransport>(async () => {
      throw new AggregateError([refused]);
    });

    // Act
    const processing = aProcessor(send)(aJobMessage(), aProcessorContext());

    // Assess
    await expect(processing).rejects.toMatchObject({ category: 'network', context: { code: 'ECONNREFUSED' } });
  });

  it('fails as client on a redirect and releases its body', async () => {
    // Prepare
    const response = aResponse(302, '', { location: 'http://10.0.0.1/' });
    const send = vi.fn<HttpTransport>(async () => response);

    // Act
    const processing = aProcessor(send)(aJobMessage(), aProcessorContext());

    // Assess
    await expect(processing).rejects.toMatchObject({ category: 'client', message: expect.stringMatching(/^target answered 302 Found/) });
    expect(response.discard).toHaveBeenCalledOnce();
  });

  it('reads Retry-After from a 429', async () => {
    // Prepare
    const send = vi.fn<HttpTransport>(async () => aResponse(429, 'slow down', { 'retry-after': '7' }));

    // Act
    const processing = aProcessor(send)(aJobMessage(), aProcessorContext());

    // Assess
    await expect(processing).rejects.toMatchObject({ category: 'rate_limited', retryAfterMs: 7000 });
  });

  it('completes with a 2xx even when its body cannot be read', async () => {
    // Prepare
    const broken = (async function* (): AsyncGenerator<Uint8Array> {
      yield Buffer.from('par');
      throw new Error('socket hang up');
    })();
    const send = vi.fn<HttpTransport>(async () => aResponse(202, broken));
    const context = aProcessorContext();

    // Act
    const result = await aProcessor(send)(aJobMessage(), context);

    // Assess
    expect(result).toEqual({ status: 202, body: undefined });
    expect(context.logger.lines.map((line) => line.message)).toEqual(['webhook response body unreadable', 'webhook delivered']);
  });

  it('refuses a loopback literal target unless allowed, without calling it', async () => {
    // Prepare
    const send = vi.fn<HttpTransport>();

    // Act
    const processing = aProcessor(send, { allowLoopback: false })(aJobMessage(), aProcessorContext());

    // Assess
    await expect(processing).rejects.toMatchObject({ category: 'non_retryable', context: { addressClass: 'loopback' } });
    expect(send).not.toHaveBeenCalled();
  });

  it('resolves a host name once per delivery, where it connects, and connects only to what passed', async () => {
    // Prepare: the name answers a public address, then (rebound) a private one.
    const resolve = vi
      .fn<TargetLookup>()
      .mockResolvedValueOnce([{ address: '203.0.113.10', family: 4 }])
      .mockResolvedValueOnce([{ address: '10.0.0.7', family: 4 }]);
    const { send, connectedTo } = aConnectingTransport();
    const processor = aProcessor(send, { targetUrl: 'https://hooks.example.com/in?token=s3cret', allowLoopback: false, lookup: resolve });

    // Act
    const first = await processor(aJobMessage(), aProcessorContext());
    const context = aProcessorContext();
    const second = processor(aJobMessage(), context);

    // Assess: one lookup per delivery; the check's answer is the connection's answer.
    expect(first).toEqual({ status: 204, body: undefined });
    await expect(second).rejects.toThrow(NonRetryableError);
    await expect(second).rejects.toMatchObject({
      message: 'delivery target hooks.example.com resolves to 10.0.0.7, a private address; refused',
    });
    expect(resolve).toHaveBeenCalledTimes(2);
    expect(connectedTo).toEqual([[{ address: '203.0.113.10', family: 4 }]]);
    expect(context.logger.lines).toEqual([
      { level: 'warn', message: 'webhook delivery failed', extra: expect.objectContaining({ host: 'hooks.example.com', category: 'non_retryable' }) },
    ]);
  });
});
