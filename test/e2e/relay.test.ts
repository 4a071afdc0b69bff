import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobIdFor } from '../../functions/core/dedup';
import { AppServer, type AppRequest } from './support/app-server';
import { adminApi } from './support/e2e-context';

const FIXTURES = join(__dirname, '..', '..', '..', 'shared', 'fixtures', 'daraja');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

/** One request the user's app got, and the status it answered. */
interface Received extends AppRequest {
  readonly status: number;
}

/** A user's app: it answers with `status` and keeps every request. */
class UserApp {
  public status = 200;
  public readonly received: Received[] = [];
  private readonly server = new AppServer((request) => {
    const { status } = this;
    this.received.push({ ...request, status });
    return status;
  }, '/mpesa');

  public start(): Promise<string> {
    return this.server.start();
  }

  public stop(): Promise<void> {
    return this.server.stop();
  }

  /** Requests whose body is exactly `body`. */
  public deliveriesOf(body: string): Received[] {
    return this.received.filter((request) => request.body === body);
  }
}

/** Polls `read` until `done` holds, failing after `timeoutMs`. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The id of the job an inbound callback becomes (its natural id, deduplicated per endpoint). */
function inboundJobId(userId: string, endpointId: string, naturalId: string): string {
  return jobIdFor(`user:${userId}`, 'webhook-delivery', `${endpointId}:${naturalId}`);
}

describe('the webhook relay through the local cloud', () => {
  const admin = adminApi();
  const app = new UserApp();
  let appUrl = '';

  beforeAll(async () => {
    appUrl = await app.start();
  });
  afterAll(async () => {
    await app.stop();
  });

  const register = async (userId: string, extra: Record<string, unknown> = {}) => {
    const answer = await admin.request('POST', '/admin/endpoints', { body: { user_id: userId, url: appUrl, body: 'raw', ...extra } });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answer.body.endpoint as { endpoint_id: string; secret: string; inbound_url: string };
  };
  const endpointOf = async (id: string) => (await admin.request('GET', `/admin/endpoints/${id}`)).body.endpoint as Record<string, unknown>;
  const callback = (url: string, body: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const jobOf = async (id: string) => (await admin.request('GET', `/admin/jobs/${id}`)).body as Record<string, unknown>;

  it('delivers a Daraja callback raw and signed with the endpoint secret, once, and refuses a wrong token with 404', async () => {
    // Prepare
    const endpoint = await register('relay-user-1');
    const body = fixture('stk-success.json');

    // Act: Safaricom posts the callback twice, and a stranger guesses a token
    const first = await callback(endpoint.inbound_url, body);
    const again = await callback(endpoint.inbound_url, body);
    const wrong = await callback(`${endpoint.inbound_url.slice(0, -4)}AAAA`, body);

    // Assess: Daraja's acknowledgement both times, and one delivery of the exact bytes, verifiable by the user's app
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ ResultCode: 0, ResultDesc: 'Accepted' });
    expect(again.status).toBe(200);
    expect(wrong.status).toBe(404);
    const checkout = (JSON.parse(body) as { Body: { stkCallback: { CheckoutRequestID: string } } }).Body.stkCallback.CheckoutRequestID;
    const jobId = inboundJobId('relay-user-1', endpoint.endpoint_id, checkout);
    await until(() => jobOf(jobId), (job) => job.status === 'completed', 30_000, `inbound job ${jobId}`);
    const deliveries = app.deliveriesOf(body);
    expect(deliveries).toHaveLength(1);
    const headers = Object.fromEntries(
      ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => [name, String(deliveries[0]?.headers[name])]),
    );
    expect(() => new Webhook(endpoint.secret).verify(body, headers)).not.toThrow();
    expect(await callback(endpoint.inbound_url, body).then((response) => response.status)).toBe(200);
    expect(app.deliveriesOf(body)).toHaveLength(1);
  });

  it('opens the circuit after consecutive failures, holds jobs without spending attempts, and closes it on a good probe', async () => {
    // Prepare: the app is down; the breaker opens after 2 failures and cools down for 12 s (long enough that the
    // checks below fall inside it however slow the machine, short enough for a test)
    const endpoint = await register('relay-user-2', { circuit: { failure_threshold: 2, cooldown_seconds: 12 } });
    app.status = 503;
    const c2b = (id: string) => fixture('c2b-confirmation.json').replace(/"TransID"\s*:\s*"[^"]+"/, `"TransID": "${id}"`);
    const jobIdOf = (id: string) => inboundJobId('relay-user-2', endpoint.endpoint_id, id);

    // Act: two callbacks fail and open the circuit; a third comes while it is open
    for (const id of ['C2B-A', 'C2B-B']) expect((await callback(endpoint.inbound_url, c2b(id))).status).toBe(200);
    const opened = await until(() => endpointOf(endpoint.endpoint_id), (view) => (view.circuit as { state: string }).state === 'open', 30_000, 'circuit');
    // Every consumer instance sees the opening within its 2-second view of the endpoint (README "The circuit breaker").
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await callback(endpoint.inbound_url, c2b('C2B-C'))).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const whileOpen = await Promise.all(['C2B-A', 'C2B-B', 'C2B-C'].map((id) => jobOf(jobIdOf(id))));
    const deliveredWhileOpen = ['C2B-A', 'C2B-B', 'C2B-C'].map((id) => app.deliveriesOf(c2b(id)).length);
    app.status = 200;

    // Assess: a callback that came while the circuit was open reached the app only after the cool-down, spending
    // no attempt meanwhile (A and B, whose retries may have come inside the 2-second view, are only checked to
    // complete); then all complete and the circuit is closed
    expect(opened.last_failure).toMatchObject({ category: 'server', status: 503 });
    expect(deliveredWhileOpen[2]).toBe(0);
    expect(whileOpen[2]?.attempts).toBe(0);
    const finished = [];
    for (const id of ['C2B-A', 'C2B-B', 'C2B-C']) {
      finished.push(await until(() => jobOf(jobIdOf(id)), (view) => view.status === 'completed', 60_000, id));
    }
    expect(finished[2]?.attempts).toBe(1);
    const closed = await endpointOf(endpoint.endpoint_id);
    expect(closed.circuit).toMatchObject({ state: 'closed', consecutive_failures: 0 });
    expect((closed.counts as { circuit_opens: number }).circuit_opens).toBeGreaterThanOrEqual(1);
  });

  it('disables an endpoint that answers 410 Gone and fails its job as endpoint_disabled', async () => {
    // Prepare
    const endpoint = await register('relay-user-3');
    app.status = 410;
    const body = fixture('b2c-result.json');
    const conversation = (JSON.parse(body) as { Result: { ConversationID: string } }).Result.ConversationID;

    // Act
    expect((await callback(endpoint.inbound_url, body)).status).toBe(200);

    // Assess: the job failed for good, the endpoint is disabled, and later callbacks are not accepted for it
    const job = await until(
      () => jobOf(inboundJobId('relay-user-3', endpoint.endpoint_id, conversation)),
      (view) => view.status === 'failed',
      30_000,
      'gone job',
    );
    expect(job.error).toMatchObject({ category: 'endpoint_disabled' });
    expect(await endpointOf(endpoint.endpoint_id)).toMatchObject({ enabled: false, disabled_reason: 'gone' });
    expect((await callback(endpoint.inbound_url, fixture('stk-cancelled.json'))).status).toBe(503);
    app.status = 200;
  });
});
