import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiEvent } from '../support/api-events';
import { fromCatalog } from '../support/definitions';
import { TestPipeline } from '../support/pipeline';

/** Seed 000's `POST /api/payments/intent/queue`, with the test partner's key. */
const queueIntent = (body: unknown) =>
  apiEvent({ method: 'POST', resource: '/api/payments/intent/queue', path: '/api/payments/intent/queue', body: JSON.stringify(body) });

describe("seed 000's routes", () => {
  // Nobody consumes payments here, so a queued intent stays a live twin.
  const pipeline = new TestPipeline({ definitions: [fromCatalog('payments')] });

  beforeAll(() => pipeline.start());
  afterAll(() => pipeline.stop());

  it('queues a payment intent once: 202 for the first, 200 with the same job id for a live twin', async () => {
    // Prepare
    const intent = { intent_id: `intent-${Date.now()}`, payload: { action: 'stk_push', amount: 1000, phone_number: '+254712345678' }, priority: 10 };

    // Act
    const first = await pipeline.ingest(queueIntent(intent));
    const twin = await pipeline.ingest(queueIntent(intent));

    // Assess
    expect(first.statusCode).toBe(202);
    expect(first.json).toMatchObject({ ok: true, success: true, intent_id: intent.intent_id, status: 'queued', queued_at: expect.any(String) });
    expect(twin.statusCode).toBe(200);
    expect(twin.json).toMatchObject({ success: true, intent_id: intent.intent_id, job_id: first.json.job_id, status: 'waiting' });
    const record = await pipeline.store.get(first.json.job_id as string);
    expect(record).toMatchObject({ queue: 'payments', priority: 'high', dedupKey: intent.intent_id, partner: 'test-partner' });
  });

  it('answers GET /api/queue/status in the seed’s shape: five counts and their total per queue, and a timestamp', async () => {
    // Act
    const status = await pipeline.health(apiEvent({ method: 'GET', resource: '/api/queue/status', path: '/api/queue/status' }));

    // Assess
    expect(status.statusCode).toBe(200);
    expect(Object.keys(status.json).sort()).toEqual(['age_seconds', 'computed_at', 'ok', 'queues', 'timestamp']);
    const payments = (status.json.queues as Record<string, Record<string, number>>).payments;
    expect(Object.keys(payments ?? {}).sort()).toEqual(['active', 'completed', 'delayed', 'failed', 'total', 'waiting']);
    expect(payments?.total).toBe((payments?.waiting ?? 0) + (payments?.active ?? 0) + (payments?.completed ?? 0) + (payments?.failed ?? 0) + (payments?.delayed ?? 0));
  });
});
