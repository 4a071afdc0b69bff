import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnvironment } from '../../helpers/emulators';
import { readDeadLetters } from '../support/dead-letters';
import { FAST_BACKOFF, fromCatalog } from '../support/definitions';
import { postJob } from '../support/api-events';
import { TestPipeline } from '../support/pipeline';
import { recordingQueues } from '../support/recording-queues';

describe('retries, backoff and the dead-letter queue', () => {
  const pipeline = new TestPipeline({
    definitions: [
      fromCatalog('webhook-delivery', { backoff: FAST_BACKOFF, timeoutMs: 1000 }),
      fromCatalog('order-routing', { backoff: FAST_BACKOFF, attempts: 3 }),
    ],
  });
  let queues: ReturnType<typeof recordingQueues>;

  beforeAll(async () => {
    await pipeline.start();
    queues = recordingQueues(pipeline.queueClient);
    pipeline.startConsumers('webhook-delivery', { overrides: { queues } });
    pipeline.startConsumers('order-routing', { overrides: { queues } });
  });
  afterAll(() => pipeline.stop());

  /** Answers every delivery of jobs whose data has `script` with that script's replies, in turn. */
  const scripted = (replies: Record<string, Array<{ status: number; headers?: Record<string, string>; delayMs?: number }>>) => {
    const seen = new Map<string, number>();
    pipeline.target.answer((delivery) => {
      const script = (delivery.body.data as { script?: string }).script ?? '';
      const list = replies[script] ?? [{ status: 200 }];
      const index = seen.get(delivery.body.job_id) ?? 0;
      seen.set(delivery.body.job_id, index + 1);
      return list[Math.min(index, list.length - 1)] ?? { status: 200 };
    });
  };

  it('retries with exponential backoff as the visibility, stops at attempts, and dead-letters with reason, category and count', async () => {
    // Prepare
    scripted({ down: [{ status: 503 }] });

    // Act
    const accepted = await pipeline.ingest(postJob('webhook-delivery', { data: { script: 'down' } }));
    const jobId = accepted.json.job_id as string;
    const failed = await pipeline.untilStatus(jobId, 'failed', 30_000);
    const letters = await readDeadLetters(testEnvironment().sqs, pipeline.queues['webhook-delivery']?.deadLetterUrl ?? '');

    // Assess: attempts 1 and 2 wait 1 s and 2 s; attempt 3 is the last
    const deliveries = pipeline.target.of(jobId);
    expect(deliveries.map((delivery) => delivery.body.attempt)).toEqual([1, 2, 3]);
    const gaps = deliveries.slice(1).map((delivery, index) => delivery.at - (deliveries[index]?.at ?? 0));
    expect(gaps[0]).toBeGreaterThanOrEqual(1000);
    expect(gaps[1]).toBeGreaterThanOrEqual(2000);
    const waits = queues.visibility.filter((change) => change.queueUrl.includes('webhook-delivery')).map((change) => change.seconds);
    expect(waits).toEqual([1, 2]);
    expect(failed).toMatchObject({ attempts: 3, error: { category: 'server' } });
    expect(failed.history.map((entry) => entry.outcome)).toEqual(['retrying', 'retrying', 'failed']);
    expect(failed.history.map((entry) => entry.retryInMs)).toEqual([1000, 2000, undefined]);
    const letter = letters.find((candidate) => candidate.body.jobId === jobId);
    expect(letter?.attributes).toMatchObject({ failure_category: 'server', attempts: '3', job_id: jobId, source_queue: 'webhook-delivery' });
    expect(letter?.attributes.failure_reason).toContain('503');
  });

  it.each([
    [401, 'auth'],
    [403, 'auth'],
    [400, 'client'],
  ])('dead-letters at the first failure when the target answers %i', async (status, category) => {
    // Prepare
    scripted({ [`refuse-${status}`]: [{ status }] });

    // Act
    const accepted = await pipeline.ingest(postJob('order-routing', { data: { script: `refuse-${status}` } }));
    const jobId = accepted.json.job_id as string;
    const failed = await pipeline.untilStatus(jobId, 'failed');

    // Assess
    expect(failed).toMatchObject({ attempts: 1, error: { category } });
    expect(pipeline.target.of(jobId)).toHaveLength(1);
    const letters = await readDeadLetters(testEnvironment().sqs, pipeline.queues['order-routing']?.deadLetterUrl ?? '');
    expect(letters.find((letter) => letter.body.jobId === jobId)?.attributes).toMatchObject({ failure_category: category, attempts: '1' });
  });

  it('waits out a 429 Retry-After as the visibility, spending just that attempt', async () => {
    // Prepare
    scripted({ busy: [{ status: 429, headers: { 'retry-after': '3' } }, { status: 200 }] });

    // Act
    const accepted = await pipeline.ingest(postJob('order-routing', { data: { script: 'busy' } }));
    const jobId = accepted.json.job_id as string;
    const done = await pipeline.untilStatus(jobId, 'completed');

    // Assess
    const deliveries = pipeline.target.of(jobId);
    expect(deliveries).toHaveLength(2);
    expect((deliveries[1]?.at ?? 0) - (deliveries[0]?.at ?? 0)).toBeGreaterThanOrEqual(3000);
    expect(done.attempts).toBe(2);
    expect(done.history[0]).toMatchObject({ attempt: 1, outcome: 'retrying', category: 'rate_limited', retryInMs: 3000 });
  });

  it('aborts a processor that runs past its timeout and counts a timeout failure', async () => {
    // Prepare: the first delivery hangs past the 1 s timeout
    scripted({ slow: [{ status: 200, delayMs: 5000 }, { status: 200 }] });

    // Act
    const accepted = await pipeline.ingest(postJob('webhook-delivery', { data: { script: 'slow' } }));
    const jobId = accepted.json.job_id as string;
    const done = await pipeline.untilStatus(jobId, 'completed');

    // Assess
    expect(done.history[0]).toMatchObject({ attempt: 1, outcome: 'retrying', category: 'timeout' });
    expect(done.history[0]?.durationMs).toBeLessThan(3000);
    expect(done.history[1]).toMatchObject({ attempt: 2, outcome: 'completed' });
  });
});
