import { describe, expect, it, vi } from 'vitest';
import { ConfigError, JobFailedError, JobTimeoutError } from '../../../functions/core/errors';
import { createHttpProcessor, DEFAULT_USER_AGENT, type HttpProcessorOptions } from '../../../functions/processors/http-processor';
import { generateSigningSecret } from '../../../functions/processors/webhook-signature';
import { aJobMessage, FIXED_NOW } from '../../helpers/factories';
import { aProcessorContext } from './processor-context';

const TARGET = 'http://127.0.0.1:8080/hooks?token=s3cret';

/** A processor on a fake fetch; loopback is allowed so no resolver is involved. */
function aProcessor(send: typeof fetch, overrides: Partial<HttpProcessorOptions> = {}) {
  return createHttpProcessor({
    targetUrl: TARGET,
    signingSecret: generateSigningSecret(),
    timeoutMs: 1000,
    allowLoopback: true,
    fetch: send,
    clock: () => FIXED_NOW,
    ...overrides,
  });
}

/** A fetch that never answers and rejects with the signal's reason once it fires, as undici does. */
const aHangingFetch = () =>
  vi.fn<typeof fetch>(
    (_input, init) =>
      new Promise((_, reject) => {
        const signal = init?.signal;
        if (signal?.aborted === true) reject(signal.reason);
        signal?.addEventListener('abort', () => reject(signal.reason));
      }),
  );

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
    const create = (): unknown => aProcessor(vi.fn<typeof fetch>(), overrides);

    // Assess
    expect(create).toThrow(ConfigError);
    expect(create).toThrow(message);
  });

  it('POSTs the signed job to the target without following redirects', async () => {
    // Prepare
    const send = vi.fn<typeof fetch>(async () => new Response('{"ok":true}', { headers: { 'content-type': 'application/json' } }));

    // Act
    const result = await aProcessor(send)(aJobMessage(), aProcessorContext({ attempt: 2 }));

    // Assess
    expect(result).toEqual({ status: 200, body: { ok: true } });
    const [url, init] = send.mock.calls[0] ?? [];
    expect(String(url)).toBe(TARGET);
    expect(init).toMatchObject({ method: 'POST', redirect: 'manual' });
    expect(init?.headers).toMatchObject({ 'user-agent': DEFAULT_USER_AGENT, 'x-job-attempt': '2' });
    expect(init?.signal).toBeInstanceOf(AbortSignal);
  });

  it('logs host, status and duration, never the payload or the query', async () => {
    // Prepare
    const send = vi.fn<typeof fetch>(async () => new Response('secret reply'));
    const context = aProcessorContext();

    // Act
    await aProcessor(send)(aJobMessage({ data: { phone: '+254700000001' } }), context);

    // Assess
    expect(context.logger.lines).toEqual([
      { level: 'info', message: 'webhook delivered', extra: { host: '127.0.0.1:8080', status: 200, durationMs: expect.any(Number) } },
    ]);
    expect(JSON.stringify(context.logger.lines)).not.toMatch(/254700000001|s3cret|secret reply/);
  });

  it('rethrows the reason the consumer aborted with', async () => {
    // Prepare
    const controller = new AbortController();
    const reason = new JobTimeoutError(500);
    const send = aHangingFetch();
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
    const send = aHangingFetch();
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
    const send = vi.fn<typeof fetch>();
    const reason = new JobTimeoutError(500);

    // Act
    const processing = aProcessor(send)(aJobMessage(), aProcessorContext({ signal: AbortSignal.abort(reason) }));

    // Assess
    await expect(processing).rejects.toBe(reason);
    expect(send).not.toHaveBeenCalled();
  });

  it('fails as a timeout with its own limit when the target is too slow', async () => {
    // Act
    const processing = aProcessor(aHangingFetch(), { timeoutMs: 50 })(aJobMessage(), aProcessorContext());

    // Assess
    await expect(processing).rejects.toThrow(JobTimeoutError);
    await expect(processing).rejects.toMatchObject({ message: 'job ran past its 50 ms timeout', category: 'timeout' });
  });

  it('fails as network, naming the system code, when fetch cannot connect', async () => {
    // Prepare
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8080'), { code: 'ECONNREFUSED' });
    const send = vi.fn<typeof fetch>(async () => {
      throw new TypeError('fetch failed', { cause: refused });
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
    const send = vi.fn<typeof fetch>(async () => {
      throw new TypeError('fetch failed', { cause: new AggregateError([refused]) });
    });

    // Act
    const processing = aProcessor(send)(aJobMessage(), aProcessorContext());

    // Assess
    await expect(processing).rejects.toMatchObject({ category: 'network', context: { code: 'ECONNREFUSED' } });
  });

  it('fails as client on a redirect and releases its body', async () => {
    // Prepare
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      cancel() {
        cancelled = true;
      },
    });
    const send = vi.fn<typeof fetch>(async () => new Response(body, { status: 302, headers: { location: 'http://10.0.0.1/' } }));

    // Act
    const processing = aProcessor(send)(aJobMessage(), aProcessorContext());

    // Assess
    await expect(processing).rejects.toMatchObject({ category: 'client', message: expect.stringMatching(/^target answered 302 Found/) });
    expect(cancelled).toBe(true);
  });

  it('completes with a 2xx even when its body cannot be read', async () => {
    // Prepare
    const broken = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error('socket hang up'));
      },
    });
    const send = vi.fn<typeof fetch>(async () => new Response(broken, { status: 202 }));
    const context = aProcessorContext();

    // Act
    const result = await aProcessor(send)(aJobMessage(), context);

    // Assess
    expect(result).toEqual({ status: 202, body: undefined });
    expect(context.logger.lines.map((line) => line.message)).toEqual(['webhook response body unreadable', 'webhook delivered']);
  });

  it('refuses a loopback target unless allowed, without calling it', async () => {
    // Prepare
    const send = vi.fn<typeof fetch>();

    // Act
    const processing = aProcessor(send, { allowLoopback: false })(aJobMessage(), aProcessorContext());

    // Assess
    await expect(processing).rejects.toMatchObject({ category: 'non_retryable', context: { addressClass: 'loopback' } });
    expect(send).not.toHaveBeenCalled();
  });
});
