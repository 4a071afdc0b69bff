import { Webhook } from 'standardwebhooks';
import { describe, expect, it, vi } from 'vitest';
import type { Endpoint } from '../../../functions/core/endpoint';
import { JobFailedError } from '../../../functions/core/errors';
import { createEndpointProcessor, type EndpointDirectory } from '../../../functions/processors/endpoint-processor';
import type { HttpTransport, TransportRequest, TransportResponse } from '../../../functions/processors/http-transport';
import { generateSigningSecret } from '../../../functions/processors/webhook-signature';
import { aJobMessage } from '../../helpers/factories';
import { anEndpoint } from '../admin/endpoint-fakes';
import { aProcessorContext } from './processor-context';

const QUEUE_SECRET = generateSigningSecret();
const CURRENT = generateSigningSecret();
const PREVIOUS = generateSigningSecret();
const EXPIRED = generateSigningSecret();
const ENDPOINT_ID = 'ep_aaaaaaaaaaaaaaaaaaaa';
/** Now, as the processor's clock says: receivers check a signature's timestamp against their own clock. */
const NOW = new Date();

/** An endpoint of the user's app on a loopback port, signing with a current secret and one rotated out a while ago. */
function anAppEndpoint(overrides: Partial<Endpoint> = {}): Endpoint {
  return anEndpoint({
    endpointId: ENDPOINT_ID,
    url: 'http://127.0.0.1:9090/daraja?key=s3cret',
    headers: { Authorization: 'Bearer app-token' },
    secrets: [
      { secret: CURRENT },
      { secret: PREVIOUS, expiresAt: new Date(NOW.getTime() + 3_600_000).toISOString() },
      { secret: EXPIRED, expiresAt: new Date(NOW.getTime() - 1).toISOString() },
    ],
    ...overrides,
  });
}

/** A directory that serves `cached` from its cache and `fresh` on a consistent read, and records outcomes. */
function aDirectory(cached: Endpoint | undefined, fresh: Endpoint | undefined = cached) {
  const endpoint = vi.fn<EndpointDirectory['endpoint']>(async (_id, read) => (read?.fresh === true ? fresh : cached));
  const delivered = vi.fn<EndpointDirectory['delivered']>(async () => undefined);
  return { endpoint, delivered } satisfies EndpointDirectory;
}

function aResponse(status: number, body = ''): TransportResponse {
  return {
    status,
    headers: { get: (name: string) => (name === 'content-type' ? 'application/json' : null) },
    body: (async function* () {
      if (body !== '') yield Buffer.from(body);
    })(),
    discard: vi.fn(),
  };
}

/** A processor on a fake transport that answers `status`; loopback is allowed, as the local profile does. */
function aProcessor(directory: EndpointDirectory, status = 200, options: { allowLoopback?: boolean } = {}) {
  const send = vi.fn<HttpTransport>(async () => aResponse(status, status === 200 ? '{"ok":true}' : ''));
  const processor = createEndpointProcessor({
    targetUrl: 'http://127.0.0.1:8080/fixed',
    signingSecret: QUEUE_SECRET,
    timeoutMs: 1000,
    allowLoopback: options.allowLoopback ?? true,
    transport: send,
    clock: () => NOW,
    endpoints: directory,
  });
  return { processor, send };
}

function sentRequest(send: ReturnType<typeof vi.fn<HttpTransport>>): TransportRequest {
  const request = send.mock.calls[0]?.[0];
  if (request === undefined) throw new Error('nothing was sent');
  return request;
}

describe('createEndpointProcessor', () => {
  it('delivers a job that names no endpoint to the queue’s fixed target, signed with the queue’s secret', async () => {
    // Prepare
    const directory = aDirectory(anAppEndpoint());
    const { processor, send } = aProcessor(directory);

    // Act
    await processor(aJobMessage(), aProcessorContext());

    // Assess
    const request = sentRequest(send);
    expect(String(request.url)).toBe('http://127.0.0.1:8080/fixed');
    expect(() => new Webhook(QUEUE_SECRET).verify(request.body, { ...request.headers })).not.toThrow();
    expect(directory.endpoint).not.toHaveBeenCalled();
    expect(directory.delivered).not.toHaveBeenCalled();
  });

  it('delivers to the endpoint’s URL with its headers, signed by each secret that still signs, current first', async () => {
    // Prepare
    const directory = aDirectory(anAppEndpoint());
    const { processor, send } = aProcessor(directory);

    // Act
    const result = await processor(aJobMessage({ endpointId: ENDPOINT_ID, data: { amount: 1000 } }), aProcessorContext());

    // Assess
    expect(result).toEqual({ status: 200, body: { ok: true } });
    const request = sentRequest(send);
    expect(String(request.url)).toBe('http://127.0.0.1:9090/daraja?key=s3cret');
    expect(request.headers).toMatchObject({ authorization: 'Bearer app-token', 'content-type': 'application/json' });
    expect(JSON.parse(request.body)).toMatchObject({ data: { amount: 1000 } });
    const signatures = request.headers['webhook-signature']?.split(' ') ?? [];
    expect(signatures).toHaveLength(2);
    for (const secret of [CURRENT, PREVIOUS]) expect(() => new Webhook(secret).verify(request.body, { ...request.headers })).not.toThrow();
    expect(() => new Webhook(EXPIRED).verify(request.body, { ...request.headers })).toThrow();
    expect(() => new Webhook(QUEUE_SECRET).verify(request.body, { ...request.headers })).toThrow();
    expect(directory.delivered).toHaveBeenCalledWith(expect.objectContaining({ endpointId: ENDPOINT_ID }), { ok: true }, expect.anything());
  });

  it('sends a raw endpoint the job’s original bytes, byte for byte, signed', async () => {
    // Prepare
    const raw = '{"Body":{"stkCallback":{"MerchantRequestID":"29115-34620561-1","ResultCode":0,"Amount":1.00}}}\n';
    const directory = aDirectory(anAppEndpoint({ body: 'raw' }));
    const { processor, send } = aProcessor(directory);

    // Act
    await processor(aJobMessage({ endpointId: ENDPOINT_ID, data: JSON.parse(raw) as unknown, raw }), aProcessorContext());

    // Assess
    const request = sentRequest(send);
    expect(Buffer.from(request.body, 'utf8').equals(Buffer.from(raw, 'utf8'))).toBe(true);
    expect(() => new Webhook(CURRENT).verify(request.body, { ...request.headers })).not.toThrow();
  });

  it('disables an endpoint that answers 410 Gone and fails the job as endpoint_disabled', async () => {
    // Prepare
    const directory = aDirectory(anAppEndpoint());
    const { processor } = aProcessor(directory, 410);

    // Act
    const processing = processor(aJobMessage({ endpointId: ENDPOINT_ID }), aProcessorContext());

    // Assess
    await expect(processing).rejects.toThrow(JobFailedError);
    await expect(processing).rejects.toMatchObject({ category: 'endpoint_disabled', message: `endpoint ${ENDPOINT_ID} answered 410 Gone and is now disabled` });
    expect(directory.delivered).toHaveBeenCalledWith(
      expect.objectContaining({ endpointId: ENDPOINT_ID }),
      { ok: false, gone: true, failure: { at: NOW.toISOString(), category: 'client', message: 'target answered 410 Gone', status: 410 } },
      expect.anything(),
    );
  });

  it('reports any other failure to the breaker and fails with the delivery’s own category', async () => {
    // Prepare
    const directory = aDirectory(anAppEndpoint());
    const { processor } = aProcessor(directory, 503);

    // Act
    const processing = processor(aJobMessage({ endpointId: ENDPOINT_ID }), aProcessorContext());

    // Assess
    await expect(processing).rejects.toMatchObject({ category: 'server' });
    expect(directory.delivered).toHaveBeenCalledWith(
      expect.anything(),
      { ok: false, gone: false, failure: expect.objectContaining({ category: 'server', status: 503 }) },
      expect.anything(),
    );
  });

  it.each([
    ['disabled by an operator', anAppEndpoint({ enabled: false, disabledReason: 'operator' }), 'is disabled by an operator'],
    ['disabled for a 410', anAppEndpoint({ enabled: false, disabledReason: 'gone' }), 'is disabled: it answered 410 Gone'],
    ['removed', undefined, 'no longer exists'],
  ])('fails a job whose endpoint is %s as endpoint_disabled, naming it, without a call', async (_case, endpoint, why) => {
    // Prepare
    const directory = aDirectory(endpoint);
    const { processor, send } = aProcessor(directory);

    // Act
    const processing = processor(aJobMessage({ endpointId: ENDPOINT_ID }), aProcessorContext());

    // Assess: read again, consistently, before the job fails for it.
    await expect(processing).rejects.toMatchObject({ category: 'endpoint_disabled', message: `endpoint ${ENDPOINT_ID} ${why}` });
    expect(send).not.toHaveBeenCalled();
    expect(directory.endpoint).toHaveBeenLastCalledWith(ENDPOINT_ID, { fresh: true });
    expect(directory.delivered).not.toHaveBeenCalled();
  });

  it('delivers when the cached copy is disabled but the endpoint has since been enabled', async () => {
    // Prepare
    const directory = aDirectory(anAppEndpoint({ enabled: false, disabledReason: 'operator' }), anAppEndpoint());
    const { processor, send } = aProcessor(directory);

    // Act
    await processor(aJobMessage({ endpointId: ENDPOINT_ID }), aProcessorContext());

    // Assess
    expect(send).toHaveBeenCalledOnce();
  });

  it('guards the endpoint’s address on delivery too: a loopback URL is refused unless allowed', async () => {
    // Prepare
    const directory = aDirectory(anAppEndpoint());
    const { processor, send } = aProcessor(directory, 200, { allowLoopback: false });

    // Act
    const processing = processor(aJobMessage({ endpointId: ENDPOINT_ID }), aProcessorContext());

    // Assess: refused, not retried, and counted against the endpoint without moving its breaker.
    await expect(processing).rejects.toMatchObject({ category: 'non_retryable', context: { addressClass: 'loopback' } });
    expect(send).not.toHaveBeenCalled();
    expect(directory.delivered).toHaveBeenCalledWith(expect.anything(), expect.objectContaining({ ok: false, gone: false }), expect.anything());
  });
});
