import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiEvent, postJob } from '../support/api-events';
import { FAST_BACKOFF, fromCatalog } from '../support/definitions';
import { TestPipeline } from '../support/pipeline';

const get = (resource: string) => apiEvent({ method: 'GET', resource, path: resource });

describe('health and queue counts', () => {
  const pipeline = new TestPipeline({
    definitions: [fromCatalog('payment-reminders', { backoff: FAST_BACKOFF, attempts: 1 }), fromCatalog('webhook-delivery')],
  });

  beforeAll(async () => {
    await pipeline.start();
    pipeline.startConsumers('payment-reminders');
  });
  afterAll(() => pipeline.stop());

  it('answers liveness', async () => {
    const response = await pipeline.health(get('/health'));
    expect(response.statusCode).toBe(200);
    expect(response.json).toEqual({ ok: true, status: 'ok' });
  });

  it('counts completed, failed, dead-lettered and waiting jobs per queue, and says degraded while a DLQ holds messages', async () => {
    // Prepare: three jobs complete, one is refused by the target, two wait on a queue nobody consumes
    pipeline.target.answer((delivery) => ((delivery.body.data as { ok: boolean }).ok ? { status: 200 } : { status: 400 }));
    const ids: string[] = [];
    for (const ok of [true, true, true, false]) {
      ids.push((await pipeline.ingest(postJob('payment-reminders', { data: { ok } }))).json.job_id as string);
    }
    await pipeline.ingest(postJob('webhook-delivery', { data: 1, priority: 'high' }));
    await pipeline.ingest(postJob('webhook-delivery', { data: 2, priority: 'low' }));
    for (const id of ids.slice(0, 3)) await pipeline.untilStatus(id, 'completed');
    await pipeline.untilStatus(ids[3] ?? '', 'failed');

    // Act
    const response = await pipeline.until('the counters to catch up', async () => {
      const answer = await pipeline.health(get('/health/queue'));
      const queues = answer.json.queues as Record<string, Record<string, number>>;
      return queues['payment-reminders']?.completed === 3 && queues['payment-reminders']?.failed === 1 ? answer : undefined;
    });
    const status = await pipeline.health(get('/queue/status'));

    // Assess
    expect(response.json).toMatchObject({
      status: 'degraded',
      queues: {
        'payment-reminders': { completed: 3, failed: 1, dlq: 1, waiting: 0 },
        'webhook-delivery': { waiting: 2, completed: 0, failed: 0, dlq: 0 },
      },
    });
    expect(response.json).toMatchObject({ age_seconds: 0, computed_at: expect.any(String) });
    expect(status.json).toMatchObject({ ok: true, age_seconds: 0, queues: { 'payment-reminders': { total: 4 }, 'webhook-delivery': { total: 2 } } });
    const minutes = await pipeline.metrics.minutesSince('payment-reminders', new Date(Date.now() - 5 * 60_000));
    expect(minutes.reduce((sum, minute) => sum + minute.completed, 0)).toBe(3);
    expect(minutes.reduce((sum, minute) => sum + minute.timed_attempts, 0)).toBe(4);
  });

  it("counts a job delayed beyond SQS's 15 minutes as delayed, and a paused queue as paused", async () => {
    // Prepare: two hours off, so it waits in the job store for the sweeper, not in SQS
    await pipeline.ingest(postJob('webhook-delivery', { data: 3, delay: 2 * 60 * 60 * 1000 }));
    await pipeline.scheduledDeps().pauses.setPaused('webhook-delivery', true, new Date());

    // Act
    const answer = await pipeline.health(get('/health/queue'));

    // Assess
    expect(answer.json).toMatchObject({ queues: { 'webhook-delivery': { delayed: 1, paused: true }, 'payment-reminders': { paused: false } } });
  });
});
