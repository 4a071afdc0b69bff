import { describe, expect, it } from 'vitest';
import { BatchProcessor } from '../../../functions/handlers/workflows/process-batch';
import { aJobMessage, aQueueDefinition, FIXED_NOW } from '../../helpers/factories';
import { anAwsRecord, consumerDeps } from './consumer-fakes';

/** A rate-limited standard queue, as payments is. */
const limited = aQueueDefinition({ name: 'payments', concurrency: 10, rateLimit: { max: 100, durationMs: 1000 }, attempts: 3, timeoutMs: 30_000 });

function batchOf(size: number) {
  return Array.from({ length: size }, (_, index) =>
    anAwsRecord({ definition: limited, message: aJobMessage({ jobId: `job-${index}`, runId: `run-${index}`, queue: limited.name }) }),
  );
}

describe('BatchProcessor on a rate-limited standard queue', () => {
  it('asks the limiter once for the whole batch and starts each job at its own slot', async () => {
    // Prepare: the limiter grants four slots 10 ms apart
    const { deps, store, limiter } = consumerDeps(limited);
    const first = FIXED_NOW.getTime() + 100;
    limiter.reserve.mockResolvedValue({ slots: [first, first + 10, first + 20, first + 30], nextFreeMs: first + 40, deferMs: 0 });

    // Act
    const response = await new BatchProcessor(deps).process({ Records: batchOf(4) });

    // Assess
    expect(limiter.reserve).toHaveBeenCalledTimes(1);
    expect(limiter.reserve.mock.calls[0]?.[2].wanted).toBe(4);
    expect(response.tally.completed).toBe(4);
    expect(store.claim).toHaveBeenCalledTimes(4);
  });

  it('defers the jobs past the last slot granted by the limiter\'s real wait, spending no attempt', async () => {
    // Prepare: two slots for three jobs; the next is 1.5 s away
    const { deps, store, queues, limiter } = consumerDeps(limited);
    const first = FIXED_NOW.getTime() + 100;
    limiter.reserve.mockResolvedValue({ slots: [first, first + 10], nextFreeMs: first + 1500, deferMs: 1500 });

    // Act
    const response = await new BatchProcessor(deps).process({ Records: batchOf(3) });

    // Assess: one re-sent as a fresh copy 2 s later
    expect(limiter.reserve).toHaveBeenCalledTimes(1);
    expect(store.claim).toHaveBeenCalledTimes(2);
    expect(response.tally).toMatchObject({ completed: 2, deferred: 1 });
    expect(queues.send).toHaveBeenCalledTimes(1);
    expect(queues.send.mock.calls[0]?.[1]).toMatchObject({ delaySeconds: 2 });
  });
});
