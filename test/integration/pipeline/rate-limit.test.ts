import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postBatch } from '../support/api-events';
import { fromCatalog } from '../support/definitions';
import { TestPipeline } from '../support/pipeline';
import { createHttpProcessor } from '../../../functions/processors/http-processor';
import type { Processor } from '../../../functions/processors/processor';
import { dataFor } from '../../helpers/job-data';

/** The most starts any window of `windowMs` holds (sliding, half-open). */
function busiestWindow(starts: readonly number[], windowMs: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let most = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last += 1) {
    while ((sorted[last] ?? 0) - (sorted[first] ?? 0) >= windowMs) first += 1;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

describe('rate limit', () => {
  const limit = { max: 5, durationMs: 1000 };
  const starts: number[] = [];
  const pipeline = new TestPipeline({ definitions: [fromCatalog('whatsapp-messages', { rateLimit: limit, concurrency: 10 })] });

  beforeAll(async () => {
    await pipeline.start();
    const http = createHttpProcessor({ targetUrl: pipeline.targetUrl, signingSecret: pipeline.secret, timeoutMs: 5000, allowLoopback: true });
    const recordingStart: Processor = (job, context) => {
      starts.push(Date.now());
      return http(job, context);
    };
    // Two consumer groups racing for one limiter, as two Lambda instances would
    pipeline.startConsumers('whatsapp-messages', { overrides: { processor: recordingStart } });
    pipeline.startConsumers('whatsapp-messages', { overrides: { processor: recordingStart } });
  });
  afterAll(() => pipeline.stop());

  it('never starts more than max jobs in any window of the duration, over more than 5 s', async () => {
    // Prepare
    const jobs = Array.from({ length: 32 }, (_, index) => ({ data: dataFor('whatsapp-messages', { n: index }) }));

    // Act
    await pipeline.ingest(postBatch('whatsapp-messages', jobs));
    await pipeline.until('32 deliveries', async () => pipeline.target.deliveries.length >= 32, 30_000);

    // Assess
    const span = Math.max(...starts) - Math.min(...starts);
    expect(span).toBeGreaterThanOrEqual(5000);
    expect(busiestWindow(starts, limit.durationMs)).toBeLessThanOrEqual(limit.max);
    expect(new Set(pipeline.target.deliveries.map((delivery) => delivery.body.job_id)).size).toBe(32);
  });
});
