import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueClient } from '../../../functions/adapters/queue-client';
import { jobIdFor } from '../../../functions/core/dedup';
import type { Endpoint } from '../../../functions/core/endpoint';
import type { JobMessage } from '../../../functions/core/job';
import type { Processor } from '../../../functions/processors/processor';
import { apiEvent, postJob } from '../support/api-events';
import { FAST_BACKOFF, fromCatalog } from '../support/definitions';
import { sendsFailingWhile } from '../support/failing-sends';
import { TestPipeline } from '../support/pipeline';
import { ShiftedClock } from '../support/shifted-clock';

const FIXTURES = join(__dirname, '..', '..', '..', '..', 'shared', 'fixtures', 'daraja');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
const ACK = { ResultCode: 0, ResultDesc: 'Accepted' };

/** Safaricom's post to an endpoint's inbound URL: no API key, the body as sent. */
function callback(endpoint: Pick<Endpoint, 'userId' | 'inboundToken'>, body: string) {
  return apiEvent({
    method: 'POST',
    resource: '/webhook/{user_id}/{token}',
    path: `/webhook/${endpoint.userId}/${endpoint.inboundToken}`,
    pathParameters: { user_id: endpoint.userId, token: endpoint.inboundToken },
    body,
  });
}

const inboundJobId = (endpoint: Endpoint, naturalId: string) => jobIdFor(`user:${endpoint.userId}`, 'webhook-delivery', `${endpoint.endpointId}:${naturalId}`);

describe('inbound callbacks through the ingest, DynamoDB and SQS', () => {
  /** Every run of a webhook-delivery job, as the consumer handed it over. */
  const runs: JobMessage[] = [];
  const recordRuns: Processor = async (job) => {
    runs.push(job);
    return { delivered: true };
  };
  const clock = new ShiftedClock();
  let dropSends = false;
  const pipeline = new TestPipeline({
    definitions: [fromCatalog('webhook-delivery', { backoff: FAST_BACKOFF, timeoutMs: 1000 }), fromCatalog('order-routing', { backoff: FAST_BACKOFF })],
    processors: { 'webhook-delivery': recordRuns },
    clock,
    ingestQueues: (queues: QueueClient) => sendsFailingWhile(queues, () => dropSends),
  });
  const register = (userId: string) => pipeline.endpoints.create({ userId, url: 'https://shop.example.com/mpesa', body: 'raw', now: clock.now() });
  const runsOf = (jobId: string) => runs.filter((run) => run.jobId === jobId);

  beforeAll(async () => {
    await pipeline.start();
    pipeline.startConsumers('webhook-delivery');
  });
  afterAll(() => pipeline.stop());

  it('runs a repeated STK callback once: a twin live or completed is acknowledged and not delivered again', async () => {
    // Prepare
    const endpoint = await register('relay-user-1');
    const body = fixture('stk-success.json');
    const jobId = inboundJobId(endpoint, 'ws_CO_191220191020363925');

    // Act: Daraja posts twice at once, then once more after the first has completed
    const [first, second] = await Promise.all([pipeline.ingest(callback(endpoint, body)), pipeline.ingest(callback(endpoint, body))]);
    const done = await pipeline.untilStatus(jobId, 'completed');
    const late = await pipeline.ingest(callback(endpoint, body));
    await new Promise((resolve) => setTimeout(resolve, 1500));

    // Assess
    for (const answer of [first, second, late]) expect([answer.statusCode, answer.json]).toEqual([200, ACK]);
    expect(runsOf(jobId)).toHaveLength(1);
    expect(runsOf(jobId)[0]).toMatchObject({ raw: body, endpointId: endpoint.endpointId, name: 'daraja.stk_callback', priority: 'high', partner: 'user:relay-user-1' });
    expect(await pipeline.store.get(jobId)).toMatchObject({ status: 'completed', runId: done.runId, endpointId: endpoint.endpointId });
  });

  it('keeps the same natural id of two endpoints apart: each gets its callback', async () => {
    // Prepare
    const [one, other] = await Promise.all([register('relay-user-2'), register('relay-user-3')]);
    const body = fixture('c2b-confirmation.json');

    // Act
    await pipeline.ingest(callback(one, body));
    await pipeline.ingest(callback(other, body));

    // Assess
    for (const endpoint of [one, other]) {
      const jobId = inboundJobId(endpoint, 'RKTQDM7W6S');
      await pipeline.untilStatus(jobId, 'completed');
      expect(runsOf(jobId)).toHaveLength(1);
    }
  });

  it('runs a body it does not recognise each time it comes, in the normal lane', async () => {
    // Prepare
    const endpoint = await register('relay-user-4');
    const body = '{"event":"balance","value":1}';

    // Act
    await pipeline.ingest(callback(endpoint, body));
    await pipeline.ingest(callback(endpoint, body));

    // Assess
    const mine = await pipeline.until('both unrecognised callbacks to run', async () => {
      const found = runs.filter((run) => run.endpointId === endpoint.endpointId);
      return found.length === 2 ? found : undefined;
    });
    expect(mine.map((run) => [run.name, run.priority, run.raw])).toEqual([
      ['inbound', 'normal', body],
      ['inbound', 'normal', body],
    ]);
    expect(mine[0]?.jobId).not.toBe(mine[1]?.jobId);
  });

  it('refuses a wrong token with 404 and runs nothing', async () => {
    // Prepare
    const endpoint = await register('relay-user-5');
    const body = fixture('b2c-result.json');
    const forged = { userId: endpoint.userId, inboundToken: `${endpoint.endpointId}.${'A'.repeat(32)}` };

    // Act
    const answer = await pipeline.ingest(callback(forged, body));

    // Assess
    expect(answer.statusCode).toBe(404);
    expect(await pipeline.store.get(inboundJobId(endpoint, 'AG_20191219_00004e48cf7e3533f581'))).toBeUndefined();
  });

  it('sends the exact callback text again from the record when the first send was lost', async () => {
    // Prepare: the record is written, the ingest's send is lost
    const endpoint = await register('relay-user-6');
    const body = fixture('stk-cancelled.json');
    const jobId = inboundJobId(endpoint, 'ws_CO_191220191020363926');
    dropSends = true;
    const answer = await pipeline.ingest(callback(endpoint, body));
    dropSends = false;

    // Act: the reconciler finds the job never claimed and sends it from its record
    clock.advance(121_000);
    const reconciled = await pipeline.reconcile(120);
    await pipeline.untilStatus(jobId, 'completed');

    // Assess
    expect([answer.statusCode, answer.json]).toEqual([200, ACK]);
    expect(reconciled.sent).toBeGreaterThanOrEqual(1);
    expect(runsOf(jobId)).toHaveLength(1);
    expect(runsOf(jobId)[0]).toMatchObject({ raw: body, endpointId: endpoint.endpointId, priority: 'urgent' });
  });
});

describe('jobs naming an endpoint, resolved at ingest against the registry', () => {
  const pipeline = new TestPipeline({ definitions: [fromCatalog('webhook-delivery'), fromCatalog('order-routing')] });
  const register = (userId: string, partner: string | null = 'test-partner') =>
    pipeline.endpoints.create({ userId, url: 'https://shop.example.com/hooks', ...(partner === null ? {} : { partner }), now: new Date() });

  beforeAll(() => pipeline.start());
  afterAll(() => pipeline.stop());

  it("records the user's one enabled endpoint on the job, and refuses a disabled one or a user with two, naming them", async () => {
    // Prepare
    const endpoint = await register('api-user-1');

    // Act
    const byUser = await pipeline.ingest(postJob('webhook-delivery', { data: { n: 1 }, user_id: 'api-user-1' }));
    await pipeline.endpoints.update(endpoint.endpointId, { enabled: false }, new Date());
    const disabled = await pipeline.ingest(postJob('webhook-delivery', { data: { n: 2 }, endpoint_id: endpoint.endpointId }));
    const none = await pipeline.ingest(postJob('webhook-delivery', { data: { n: 3 }, user_id: 'api-user-1' }));
    await Promise.all([register('api-user-2'), register('api-user-2')]);
    const two = await pipeline.ingest(postJob('webhook-delivery', { data: { n: 4 }, user_id: 'api-user-2' }));

    // Assess
    expect(byUser.statusCode).toBe(202);
    expect(await pipeline.store.get(byUser.json.job_id as string)).toMatchObject({ endpointId: endpoint.endpointId });
    expect([disabled.statusCode, (disabled.json.error as { message: string }).message]).toEqual([
      400,
      expect.stringContaining(`endpoint ${endpoint.endpointId} is disabled (by an operator)`),
    ]);
    expect((none.json.error as { message: string }).message).toBe(
      'user api-user-1 has no enabled endpoint for partner test-partner; an operator registers one with POST /admin/endpoints and "partner": "test-partner", or enables theirs',
    );
    expect((two.json.error as { message: string }).message).toBe('user api-user-2 has 2 enabled endpoints; name endpoint_id');
  });

  it("answers a job naming another partner's endpoint, or one for inbound callbacks only, as if it did not exist", async () => {
    // Prepare
    const others = await register('api-user-3', 'other-partner');
    const inboundOnly = await register('api-user-4', null);

    // Act
    const answers = await Promise.all(
      [others, inboundOnly].map((endpoint) => pipeline.ingest(postJob('webhook-delivery', { data: {}, endpoint_id: endpoint.endpointId }))),
    );
    const byUser = await pipeline.ingest(postJob('webhook-delivery', { data: {}, user_id: 'api-user-3' }));

    // Assess
    for (const [index, endpoint] of [others, inboundOnly].entries()) {
      expect([answers[index]?.statusCode, (answers[index]?.json.error as { message: string }).message]).toEqual([
        400,
        `endpoint ${endpoint.endpointId} does not exist for partner test-partner; an operator registers one with POST /admin/endpoints and "partner": "test-partner"`,
      ]);
    }
    expect(byUser.statusCode).toBe(400);
  });

  it('refuses endpoint_id on a queue whose catalog entry has no endpoints', async () => {
    // Prepare
    const endpoint = await register('api-user-3');

    // Act
    const answer = await pipeline.ingest(postJob('order-routing', { data: {}, endpoint_id: endpoint.endpointId }));

    // Assess
    expect(answer.statusCode).toBe(400);
    expect(answer.json.error).toMatchObject({ details: [{ field: 'endpoint_id', message: 'not allowed on a queue without endpoints' }] });
  });
});
