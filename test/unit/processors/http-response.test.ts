import { describe, expect, it } from 'vitest';
import { JobFailedError } from '../../../functions/core/errors';
import {
  failureOfResponse,
  MAX_TEXT_RESULT_BYTES,
  readBodyLimited,
  resultOfBody,
} from '../../../functions/processors/http-response';
import { FIXED_NOW } from '../../helpers/factories';

const aResponse = (status: number, headers: Record<string, string> = {}): Response =>
  new Response(null, { status, headers });

const streamOf = (...chunks: string[]): ReadableStream<Uint8Array> =>
  new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });

describe('failureOfResponse', () => {
  it.each([
    [400, 'client'],
    [401, 'auth'],
    [403, 'auth'],
    [404, 'client'],
    [409, 'client'],
    [422, 'client'],
    [408, 'server'],
    [429, 'rate_limited'],
    [500, 'server'],
    [502, 'server'],
    [503, 'server'],
    [504, 'server'],
    [302, 'client'],
  ] as const)('classifies %i as %s', (status, category) => {
    // Act
    const failure = failureOfResponse(aResponse(status), 'hooks.example.com', FIXED_NOW);

    // Assess
    expect(failure).toBeInstanceOf(JobFailedError);
    expect(failure.category).toBe(category);
    expect(failure.context).toEqual({ host: 'hooks.example.com', status });
  });

  it('names the status and its standard reason', () => {
    // Act
    const failure = failureOfResponse(aResponse(503), 'hooks.example.com', FIXED_NOW);

    // Assess
    expect(failure.message).toBe('target answered 503 Service Unavailable');
  });

  it('says that a redirect was not followed', () => {
    // Act
    const failure = failureOfResponse(aResponse(307, { location: 'http://10.0.0.1/' }), 'hooks.example.com', FIXED_NOW);

    // Assess
    expect(failure.message).toBe('target answered 307 Temporary Redirect (redirects are not followed)');
  });

  it.each([429, 503])('takes the wait a %i asks for from Retry-After', (status) => {
    // Act
    const failure = failureOfResponse(aResponse(status, { 'retry-after': '3' }), 'hooks.example.com', FIXED_NOW);

    // Assess
    expect(failure.retryAfterMs).toBe(3000);
  });

  it('reads a Retry-After date against the given time', () => {
    // Prepare
    const retryAt = new Date(FIXED_NOW.getTime() + 45_000).toUTCString();

    // Act
    const failure = failureOfResponse(aResponse(429, { 'retry-after': retryAt }), 'hooks.example.com', FIXED_NOW);

    // Assess
    expect(failure.retryAfterMs).toBe(45_000);
  });

  it.each([
    [500, { 'retry-after': '3' }],
    [429, {}],
    [429, { 'retry-after': 'later' }],
  ] as const)('leaves the wait to the queue for %i with %j', (status, headers) => {
    // Act
    const failure = failureOfResponse(aResponse(status, headers), 'hooks.example.com', FIXED_NOW);

    // Assess
    expect(failure.retryAfterMs).toBeUndefined();
  });
});

describe('readBodyLimited', () => {
  it('reads a body under the limit whole', async () => {
    // Act
    const read = await readBodyLimited(streamOf('{"ok":', 'true}'), 64);

    // Assess
    expect(read.bytes.toString()).toBe('{"ok":true}');
    expect(read.truncated).toBe(false);
  });

  it('stops at the limit and cancels the rest of the stream', async () => {
    // Prepare
    let pulls = 0;
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls += 1;
        controller.enqueue(new Uint8Array(10).fill(0x61));
      },
      cancel() {
        cancelled = true;
      },
    });

    // Act
    const read = await readBodyLimited(endless, 25);

    // Assess
    expect(read.bytes.toString()).toBe('a'.repeat(25));
    expect(read.truncated).toBe(true);
    expect(cancelled).toBe(true);
    expect(pulls).toBeLessThan(6);
  });

  it('reads no body as empty', async () => {
    // Act
    const read = await readBodyLimited(null);

    // Assess
    expect(read).toEqual({ bytes: Buffer.alloc(0), truncated: false });
  });
});

describe('resultOfBody', () => {
  it.each(['application/json', 'application/json; charset=utf-8', 'application/problem+json', 'Application/JSON'])(
    'parses a %s body',
    (contentType) => {
      // Act
      const result = resultOfBody(contentType, Buffer.from('{"received":true}'), false);

      // Assess
      expect(result).toEqual({ received: true });
    },
  );

  it('keeps other bodies as text', () => {
    // Act
    const result = resultOfBody('text/plain', Buffer.from('{"looks":"like json"}'), false);

    // Assess
    expect(result).toBe('{"looks":"like json"}');
  });

  it('keeps a JSON-labelled body that does not parse as text', () => {
    // Act
    const result = resultOfBody('application/json', Buffer.from('OK'), false);

    // Assess
    expect(result).toBe('OK');
  });

  it('keeps a truncated JSON body as text, cut to 1 KB', () => {
    // Prepare
    const bytes = Buffer.from(JSON.stringify({ filler: 'x'.repeat(5000) }));

    // Act
    const result = resultOfBody('application/json', bytes, true);

    // Assess
    expect(result).toBe(bytes.subarray(0, MAX_TEXT_RESULT_BYTES).toString());
  });

  it('cuts text before a character the 1 KB limit would split', () => {
    // Prepare: 1023 ASCII bytes, then a 2-byte character across the limit.
    const bytes = Buffer.from(`${'a'.repeat(MAX_TEXT_RESULT_BYTES - 1)}é and more`);

    // Act
    const result = resultOfBody('text/plain', bytes, false);

    // Assess
    expect(result).toBe('a'.repeat(MAX_TEXT_RESULT_BYTES - 1));
  });

  it('gives nothing for an empty body', () => {
    // Act
    const result = resultOfBody('application/json', Buffer.alloc(0), false);

    // Assess
    expect(result).toBeUndefined();
  });
});
