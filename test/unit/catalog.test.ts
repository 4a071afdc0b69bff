import { describe, expect, it } from 'vitest';
import { catalog } from '../../lib/catalog';
import { parseCatalog } from '../../functions/core/queue-config';
import { laneConcurrency, maxReceiveCount } from '../../functions/core/lanes';

describe('the shipped catalog', () => {
  const definitions = parseCatalog(catalog);
  const byName = Object.fromEntries(definitions.map((definition) => [definition.name, definition]));

  it('holds every job type of the systems it replaces, each valid', () => {
    expect(definitions.map((definition) => definition.name).sort()).toEqual(
      [
        'credit-score-calculation', 'data-export', 'email', 'image-processing', 'manychat-sync', 'order-processing',
        'order-routing', 'payment-reminders', 'payments', 'qr-analytics', 'report-generation', 'webhook-delivery',
        'webhooks', 'whatsapp-messages',
      ].sort(),
    );
  });

  it.each([
    ['payments', { dedup: true, dedupKeyField: 'intentId', lanes: true, concurrency: 10, rateLimit: { max: 100, durationMs: 1000 }, attempts: 3, timeoutMs: 30_000 }],
    ['webhooks', { dedup: true, lanes: true, concurrency: 20, rateLimit: { max: 200, durationMs: 1000 }, attempts: 5, timeoutMs: 30_000 }],
    ['webhook-delivery', { lanes: true, concurrency: 10, attempts: 3, timeoutMs: 30_000 }],
    ['whatsapp-messages', { dedup: true, lanes: false, concurrency: 10, rateLimit: { max: 50, durationMs: 1000 }, attempts: 5 }],
    ['order-processing', { fifo: true, concurrency: 5, rateLimit: { max: 100, durationMs: 60_000 }, attempts: 3, timeoutMs: 120_000 }],
    ['order-routing', { concurrency: 3, attempts: 3, timeoutMs: 60_000 }],
    ['credit-score-calculation', { dedup: true, concurrency: 3, timeoutMs: 90_000 }],
    ['payment-reminders', { dedup: true, concurrency: 5, timeoutMs: 30_000 }],
    ['report-generation', { concurrency: 1, timeoutMs: 600_000 }],
    ['image-processing', { concurrency: 2, timeoutMs: 300_000 }],
  ])('%s has its documented settings', (name, expected) => {
    expect(byName[name]).toMatchObject(expected);
  });

  it('gives the seeds their backoffs: payments 2 s, webhooks 3 s, whatsapp 5 s, orders 5 s, all exponential', () => {
    expect(byName.payments?.backoff).toMatchObject({ type: 'exponential', delayMs: 2000 });
    expect(byName.webhooks?.backoff).toMatchObject({ type: 'exponential', delayMs: 3000 });
    expect(byName['whatsapp-messages']?.backoff).toMatchObject({ type: 'exponential', delayMs: 5000 });
    expect(byName['order-processing']?.backoff).toMatchObject({ type: 'exponential', delayMs: 5000 });
  });

  it('keeps completed jobs 24 h and failed jobs 7 days unless set', () => {
    for (const definition of definitions) expect(definition.retention).toEqual({ completedHours: 24, failedHours: 360 });
  });

  it('sets every redrive backstop above attempts, with room for report-generation’s throttled receives', () => {
    for (const definition of definitions) expect(maxReceiveCount(definition)).toBeGreaterThan(definition.attempts);
    expect(byName['report-generation']?.reason).toMatch(/reserved concurrency 1/);
    expect(maxReceiveCount(byName['report-generation'] ?? definitions[0]!)).toBeGreaterThanOrEqual(50);
  });

  it('weights laned queues towards higher lanes', () => {
    const lanes = laneConcurrency(byName['webhooks'] ?? definitions[0]!);
    expect(lanes.urgent).toBeGreaterThan(lanes.normal ?? 0);
    expect(lanes.high).toBeGreaterThanOrEqual(lanes.low ?? 0);
  });
});
