import { describe, expect, it } from 'vitest';
import { JobFailedError } from '../../../functions/core/errors';
import type { JobBackoff } from '../../../functions/core/job';
import { settleAttempt } from '../../../functions/handlers/workflows/settle-attempt';
import { FIXED_NOW, aJobMessage, aJobRecord, aQueueDefinition } from '../../helpers/factories';
import { anAwsRecord, consumerDeps, defaultLane } from './consumer-fakes';

/** `payments` backs off exponentially from 2 s with half the wait random. */
const definition = aQueueDefinition({ backoff: { type: 'exponential', delayMs: 2000, jitter: 0.5 } });

/** Settles a failed attempt `attempt` of a job with the given backoff of its own; resolves to the visibility it was returned with, in seconds. */
async function retryWait(attempt: number, backoff: JobBackoff | undefined, random: number): Promise<number | undefined> {
  const message = aJobMessage({ queue: definition.name });
  const received = { record: anAwsRecord({ definition, message }), message, received: { receiveCount: attempt } };
  const job = aJobRecord({ jobId: message.jobId, status: 'active', attempts: attempt, maxAttempts: 5, ...(backoff === undefined ? {} : { backoff }) });
  const { deps, queues, store } = consumerDeps(definition, { random: () => random });
  await settleAttempt(deps, defaultLane(definition), received, job, { ok: false, error: new JobFailedError('HTTP 503', 'server'), durationMs: 10 });
  expect(store.retry).toHaveBeenCalledTimes(1);
  return queues.changeVisibility.mock.calls[0]?.[1][0]?.seconds;
}

describe('settleAttempt with a job’s own backoff', () => {
  it.each([
    ['the queue’s exponential backoff when the job has none', undefined, 3, 8],
    ['the job’s fixed wait, whatever the attempt', { type: 'fixed', delayMs: 5000 } as const, 3, 5],
    ['the job’s exponential backoff from its own first wait', { type: 'exponential', delayMs: 1000 } as const, 3, 4],
  ])('waits out %s', async (_label, backoff, attempt, seconds) => {
    // Act: no jitter drawn (random 1 keeps the whole wait)
    const wait = await retryWait(attempt, backoff, 0.999_999);

    // Assess
    expect(wait).toBe(seconds);
  });

  it('still applies the queue’s jitter to the job’s own wait', async () => {
    // Act: the smallest draw takes half the wait off (jitter 0.5)
    const wait = await retryWait(1, { type: 'fixed', delayMs: 10_000 }, 0);

    // Assess
    expect(wait).toBe(5);
  });

  it.each([
    ['30 s', 30_000],
    ['1 s (the shortest a retry has)', 1000],
  ])('fences the record until just before the job’s own wait of %s is over', async (_label, waitMs) => {
    // Prepare
    const message = aJobMessage({ queue: definition.name });
    const received = { record: anAwsRecord({ definition, message }), message, received: { receiveCount: 1 } };
    const job = aJobRecord({ jobId: message.jobId, status: 'active', attempts: 1, maxAttempts: 5, backoff: { type: 'fixed', delayMs: waitMs } });
    const { deps, store } = consumerDeps(definition, { random: () => 0.999_999 });

    // Act
    await settleAttempt(deps, defaultLane(definition), received, job, { ok: false, error: new JobFailedError('HTTP 503', 'server'), durationMs: 10 });

    // Assess: an early copy is refused for all but the last tenth of a second (clock drift between consumers)
    const [, outcome] = store.retry.mock.calls[0] ?? [];
    expect(outcome?.entry.retryInMs).toBe(waitMs);
    expect(outcome?.retryAt?.getTime()).toBeGreaterThanOrEqual(FIXED_NOW.getTime() + waitMs - 100);
    expect(outcome?.retryAt?.getTime()).toBeLessThan(FIXED_NOW.getTime() + waitMs);
  });
});
