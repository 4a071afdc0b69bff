import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteJob, postJob } from '../support/api-events';
import { FAST_BACKOFF, fromCatalog } from '../support/definitions';
import { TestPipeline } from '../support/pipeline';
import { ShiftedClock } from '../support/shifted-clock';
import { admin } from './support/admin-events';
import { AdminHarness } from './support/admin-harness';

const QUEUE = 'order-routing';
const OTHER = 'image-processing';
const HOUR_MS = 3_600_000;

describe('metrics and clean', () => {
  const pipeline = new TestPipeline({
    definitions: [fromCatalog(QUEUE, { attempts: 2, backoff: FAST_BACKOFF }), fromCatalog(OTHER, { attempts: 1 })],
  });
  const clock = new ShiftedClock();
  const harness = new AdminHarness(pipeline, { clock });
  const ids: Record<'ok' | 'bad' | 'flaky' | 'cancelled' | 'other', string[]> = { ok: [], bad: [], flaky: [], cancelled: [], other: [] };

  beforeAll(async () => {
    await pipeline.start();
    await harness.start();
    const seen = new Set<string>();
    pipeline.target.answer((delivery) => {
      const script = (delivery.body.data as { script?: string }).script;
      if (script === 'bad') return { status: 400 };
      if (script === 'flaky' && !seen.has(delivery.body.job_id)) {
        seen.add(delivery.body.job_id);
        return { status: 503 };
      }
      return { status: 200, body: { ok: true } };
    });
    harness.startConsumers(QUEUE);
    harness.startConsumers(OTHER);
    const post = async (queue: string, script: string, extra: Record<string, unknown> = {}) =>
      (await pipeline.ingest(postJob(queue, { data: { script }, ...extra }))).json.job_id as string;
    for (const script of ['ok', 'ok', 'ok', 'bad', 'bad', 'flaky'] as const) ids[script].push(await post(QUEUE, script));
    ids.other.push(await post(OTHER, 'ok'));
    ids.cancelled.push(await post(QUEUE, 'ok', { delay: 2 * HOUR_MS }));
    await pipeline.status(deleteJob(ids.cancelled[0] ?? ''));
    await Promise.all([
      ...[...ids.ok, ...ids.flaky, ...ids.other].map((id) => pipeline.untilStatus(id, 'completed')),
      ...ids.bad.map((id) => pipeline.untilStatus(id, 'failed')),
    ]);
  });
  afterAll(async () => {
    await pipeline.stop();
    await harness.stop();
  });

  it('shows the per-minute counts the run produced', async () => {
    // Act: a batch's counters are written after its records are final, so read until the last batch's have landed
    const answer = await pipeline.until('the last batch\'s counters', async () => {
      const read = await harness.call(admin.metrics(QUEUE, '10'));
      return (read.json.totals as { completed?: number } | undefined)?.completed === 4 ? read : undefined;
    });

    // Assess
    expect(answer.statusCode).toBe(200);
    expect(answer.json).toMatchObject({ ok: true, queue: QUEUE, minutes: 10 });
    expect(answer.json.series).toHaveLength(10);
    expect(answer.json.totals).toMatchObject({ completed: 4, failed: 2, dead_lettered: 2, retried: 1 });
    expect((answer.json.totals as { mean_processing_ms: number }).mean_processing_ms).toBeGreaterThanOrEqual(0);
    const queues = (await harness.call(admin.queues())).json.queues as Record<string, unknown>[];
    expect(queues.find((entry) => entry.queue === QUEUE)).toMatchObject({ completed_24h: 4, failed: 2, failed_24h: 2, retried_24h: 1, dlq: 2 });
  });

  it('cleans exactly the records asked for: the state, the queue, the age', async () => {
    // Act
    const tooYoung = await harness.call(admin.clean(QUEUE, { state: 'completed', older_than_hours: 1 }));
    clock.advance(2 * HOUR_MS);
    const completed = await harness.call(admin.clean(QUEUE, { state: 'completed', older_than_hours: 1 }));
    const afterCompleted = await Promise.all([...ids.bad, ...ids.cancelled, ...ids.other].map((id) => pipeline.store.get(id)));
    const failed = await harness.call(admin.clean(QUEUE, { state: 'failed', older_than_hours: 1 }));
    const cancelled = await harness.call(admin.clean(QUEUE, { state: 'cancelled', older_than_hours: 1 }));

    // Assess
    expect(tooYoung.json).toMatchObject({ ok: true, deleted: 0 });
    expect(completed.json).toMatchObject({ ok: true, queue: QUEUE, state: 'completed', older_than_hours: 1, deleted: 4 });
    expect(afterCompleted.map((job) => job?.status)).toEqual(['failed', 'failed', 'cancelled', 'completed']);
    expect(failed.json).toMatchObject({ deleted: 2 });
    expect(cancelled.json).toMatchObject({ deleted: 1 });
    const left = await Promise.all([...ids.ok, ...ids.bad, ...ids.flaky, ...ids.cancelled].map((id) => pipeline.store.get(id)));
    expect(left.every((job) => job === undefined)).toBe(true);
    expect((await pipeline.store.get(ids.other[0] ?? ''))?.status).toBe('completed');
  });

  it('refuses a bad state or age and deletes nothing', async () => {
    // Act
    const answers = await Promise.all([
      harness.call(admin.clean(OTHER, { state: 'waiting', older_than_hours: 0 })),
      harness.call(admin.clean(OTHER, { state: 'completed', older_than_hours: -1 })),
      harness.call(admin.clean(OTHER, { state: 'completed' })),
    ]);

    // Assess
    expect(answers.map((answer) => answer.statusCode)).toEqual([400, 400, 400]);
    expect((await pipeline.store.get(ids.other[0] ?? ''))?.status).toBe('completed');
  });
});
