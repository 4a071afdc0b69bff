import { describe, expect, it } from 'vitest';
import { JobFailedError } from '../../../functions/core/errors';
import { settleAttempt } from '../../../functions/handlers/workflows/settle-attempt';
import { aJobMessage, aJobRecord, aQueueDefinition } from '../../helpers/factories';
import { aRecordingLogger, anAwsRecord, consumerDeps, defaultLane } from './consumer-fakes';


/** One claimed job of `payments` on its first of three attempts, with its message as received. */
function aClaimedJob() {
  const definition = aQueueDefinition();
  const message = aJobMessage({ queue: definition.name });
  const record = anAwsRecord({ definition, message });
  const job = aJobRecord({ jobId: message.jobId, runId: message.runId, queue: definition.name, status: 'active', attempts: 1, maxAttempts: 3 });
  return { definition, received: { record, message, received: { receiveCount: 1 } }, job };
}

describe('settleAttempt logs', () => {
  it('writes no line for a completed job and hands the batch what its line names: job id, attempt, duration and correlation id', async () => {
    // Prepare
    const { definition, received, job } = aClaimedJob();
    const { logger, calls } = aRecordingLogger();
    const { deps } = consumerDeps(definition, { logger });

    // Act
    const disposition = await settleAttempt(deps, defaultLane(definition), received, job, { ok: true, value: { status: 200 }, durationMs: 12 });

    // Assess
    expect(calls).toEqual([]);
    expect(disposition).toEqual({
      kind: 'delete',
      outcome: 'completed',
      durationMs: 12,
      finished: { jobId: job.jobId, attempt: 1, correlationId: received.message.correlationId },
    });
  });

  it('says why a job is retrying, with its category, attempts and wait', async () => {
    // Prepare
    const { definition, received, job } = aClaimedJob();
    const { logger, calls } = aRecordingLogger();
    const { deps } = consumerDeps(definition, { logger });
    const error = new JobFailedError('HTTP 503 from the target', 'server', { retryAfterMs: 4000 });

    // Act
    await settleAttempt(deps, defaultLane(definition), received, job, { ok: false, error, durationMs: 30 });

    // Assess
    expect(calls).toContainEqual([
      'info',
      'job retrying',
      {
        job_id: job.jobId,
        queue: 'payments',
        attempt: 1,
        max_attempts: 3,
        duration_ms: 30,
        correlation_id: received.message.correlationId,
        category: 'server',
        reason: 'HTTP 503 from the target',
        retry_in_ms: 4000,
      },
    ]);
  });
});
