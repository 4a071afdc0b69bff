import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJob } from '../support/api-events';
import { fromCatalog } from '../support/definitions';
import { TestPipeline } from '../support/pipeline';
import { admin } from './support/admin-events';
import { AdminHarness, consumerFunction } from './support/admin-harness';

const QUEUE = 'webhook-delivery';

describe('pause and resume through the event source mappings', () => {
  const pipeline = new TestPipeline({ definitions: [fromCatalog(QUEUE), fromCatalog('email')] });
  const harness = new AdminHarness(pipeline);

  beforeAll(async () => {
    await pipeline.start();
    await harness.start();
    harness.startConsumers(QUEUE);
    harness.startConsumers('email');
  });
  afterAll(async () => {
    await pipeline.stop();
    await harness.stop();
  });

  const view = async (queue: string) => {
    const answer = await harness.call(admin.queues());
    return (answer.json.queues as Record<string, unknown>[]).find((entry) => entry.queue === queue);
  };

  it('shows every queue with its lanes, counts and consumer, none paused', async () => {
    // Act
    const answer = await harness.call(admin.queues());

    // Assess
    expect(answer.statusCode).toBe(200);
    const queues = answer.json.queues as Record<string, unknown>[];
    expect(queues.map((entry) => entry.queue)).toEqual([QUEUE, 'email']);
    expect(queues[0]).toMatchObject({
      paused: false,
      consumer: { function: consumerFunction(QUEUE), mappings: 4 },
      oldest_message_age_seconds: null,
      dlq: 0,
      dlq_oldest_age_seconds: null,
    });
    expect((queues[0]?.lanes as { lane: string }[]).map((lane) => lane.lane)).toEqual(['urgent', 'high', 'normal', 'low']);
    expect(answer.json.notes).toMatchObject({ oldest_message_age: expect.stringContaining('CloudWatch') });
  });

  it('pause leaves new jobs waiting untouched; resume drains them', async () => {
    // Act: pause, then post
    const paused = await harness.call(admin.pause(QUEUE));
    const ids: string[] = [];
    for (const priority of ['urgent', 'normal', 'low']) {
      ids.push((await pipeline.ingest(postJob(QUEUE, { data: { priority }, priority }))).json.job_id as string);
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const whilePaused = await Promise.all(ids.map((id) => pipeline.store.get(id)));
    const deliveredWhilePaused = ids.flatMap((id) => pipeline.target.of(id)).length;
    const pausedView = await view(QUEUE);
    const other = await view('email');
    const resumed = await harness.call(admin.resume(QUEUE));
    await Promise.all(ids.map((id) => pipeline.untilStatus(id, 'completed')));

    // Assess
    expect(paused.json).toMatchObject({ ok: true, queue: QUEUE, paused: true, function: consumerFunction(QUEUE) });
    expect((paused.json.mappings as { lane: string }[]).map((mapping) => mapping.lane).sort()).toEqual(['high', 'low', 'normal', 'urgent']);
    expect(whilePaused.map((job) => job?.status)).toEqual(['waiting', 'waiting', 'waiting']);
    expect(deliveredWhilePaused).toBe(0);
    expect(ids.flatMap((id) => pipeline.target.of(id))).toHaveLength(3);
    expect(pausedView).toMatchObject({ paused: true, waiting: 3 });
    expect(other).toMatchObject({ paused: false });
    expect(resumed.json).toMatchObject({ ok: true, paused: false });
    expect((await view(QUEUE))?.paused).toBe(false);
  });

  it('answers an unknown queue with 404 and changes nothing', async () => {
    // Act
    const answer = await harness.call(admin.pause('no-such-queue'));

    // Assess
    expect(answer.statusCode).toBe(404);
    expect(answer.json).toMatchObject({ ok: false, error: { code: 'unknown_queue' } });
    expect(harness.registry.list({}).every((mapping) => mapping.enabled)).toBe(true);
  });

  it('answers paused for a queue paused twice (Lambda answers Updating), and a mapping re-enabled by a deploy does not resume it', async () => {
    // Prepare
    await harness.call(admin.pause('email'));

    // Act: pause again, then enable the mappings behind the admin's back, as a deploy that replaces them does
    const again = await harness.call(admin.pause('email'));
    for (const mapping of harness.registry.list({ functionName: consumerFunction('email') })) await harness.registry.update(mapping.uuid, { enabled: true });
    const view = await view_('email');
    const resumed = await harness.call(admin.resume('email'));

    // Assess
    expect(again.json).toMatchObject({ ok: true, paused: true, mappings: [{ state: 'Updating' }] });
    expect(view).toMatchObject({ paused: true, consumer: { polling: 1 } });
    expect(resumed.json).toMatchObject({ ok: true, paused: false });
    expect((await view_('email'))?.paused).toBe(false);
  });

  const view_ = async (queue: string) => {
    const answer = await harness.call(admin.queues());
    return (answer.json.queues as Record<string, unknown>[]).find((entry) => entry.queue === queue);
  };
});
