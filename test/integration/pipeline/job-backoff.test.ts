import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJob } from '../support/api-events';
import { FAST_BACKOFF, fromCatalog } from '../support/definitions';
import { TestPipeline } from '../support/pipeline';
import { recordingQueues } from '../support/recording-queues';

describe("a job's own backoff (seeds 002 and 003)", () => {
  const pipeline = new TestPipeline({ definitions: [fromCatalog('order-routing', { backoff: FAST_BACKOFF, attempts: 3 })] });
  let queues: ReturnType<typeof recordingQueues>;

  beforeAll(async () => {
    await pipeline.start();
    queues = recordingQueues(pipeline.queueClient);
    pipeline.startConsumers('order-routing', { overrides: { queues } });
  });
  afterAll(() => pipeline.stop());

  it("waits its own fixed delay between attempts instead of the queue's exponential one, and keeps it on the record", async () => {
    // Prepare: the target fails twice, then takes the job
    const seen = new Map<string, number>();
    pipeline.target.answer((delivery) => {
      const count = (seen.get(delivery.body.job_id) ?? 0) + 1;
      seen.set(delivery.body.job_id, count);
      return { status: count <= 2 ? 503 : 200 };
    });

    // Act
    const accepted = await pipeline.ingest(postJob('order-routing', { data: { order: 'o-1' }, backoff: { type: 'fixed', delay: 2000 } }));
    const jobId = accepted.json.job_id as string;
    const done = await pipeline.untilStatus(jobId, 'completed', 30_000);

    // Assess: the queue's backoff would have waited 1 s, then 2 s
    expect(accepted.statusCode).toBe(202);
    const waits = queues.visibility.filter((change) => change.queueUrl.includes('order-routing')).map((change) => change.seconds);
    expect(waits).toEqual([2, 2]);
    expect(done.history.map((entry) => entry.retryInMs)).toEqual([2000, 2000, undefined]);
    expect(done.backoff).toEqual({ type: 'fixed', delayMs: 2000 });
    expect(pipeline.target.of(jobId)).toHaveLength(3);
  });
});
