import { describe, expect, it } from 'vitest';
import type { Logger } from '@aws-lambda-powertools/logger';
import { JobFailedError } from '../../../functions/core/errors';
import { BatchProcessor } from '../../../functions/handlers/workflows/process-batch';
import { aJobMessage, aQueueDefinition } from '../../helpers/factories';
import { aRecordingLogger, anAwsRecord, consumerDeps } from './consumer-fakes';

const definition = aQueueDefinition({ name: 'qr-analytics', attempts: 3, backoff: { type: 'exponential', delayMs: 2000, jitter: 0 } });

/** A record of one job of the queue, with its own correlation id. */
function aRecord(jobId: string, correlationId = `corr-${jobId}`) {
  return anAwsRecord({ definition, message: aJobMessage({ queue: definition.name, jobId, runId: `run-${jobId}`, correlationId }) });
}

/** The INFO lines of a recording, as [message, fields]. */
function infoLines(calls: unknown[][]): unknown[][] {
  return calls.filter(([level]) => level === 'info').map(([, message, fields]) => [message, fields]);
}

describe('BatchProcessor logs', () => {
  it('names every completed job of a batch in its one INFO line, with attempt, duration and correlation id', async () => {
    // Prepare
    const { logger, calls } = aRecordingLogger();
    const { deps } = consumerDeps(definition, { logger });

    // Act
    await new BatchProcessor(deps).process({ Records: [aRecord('j1'), aRecord('j2'), aRecord('j3', 'corr-shared')] });

    // Assess: one line for three jobs, each named with its own keys
    const lines = infoLines(calls);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toEqual([
      'batch done',
      {
        queue: 'qr-analytics',
        lane: 'default',
        size: 3,
        slots: 1,
        completed: 3,
        completed_jobs: ['j1', 'j2', 'j3'].map((jobId) => ({
          job_id: jobId,
          attempt: 1,
          duration_ms: expect.any(Number),
          correlation_id: jobId === 'j3' ? 'corr-shared' : `corr-${jobId}`,
        })),
      },
    ]);
  });

  it('keeps a retrying job\'s own line and lists only the completed ones', async () => {
    // Prepare: the second job fails with a retryable error
    const { logger, calls } = aRecordingLogger();
    const { deps, processor } = consumerDeps(definition, { logger });
    processor.mockResolvedValueOnce({ ok: true }).mockRejectedValueOnce(new JobFailedError('HTTP 503 from the target', 'server'));

    // Act
    await new BatchProcessor(deps).process({ Records: [aRecord('j1'), aRecord('j2')] });

    // Assess
    const lines = infoLines(calls);
    expect(lines.map(([message]) => message)).toEqual(['job retrying', 'batch done']);
    expect(lines[0]?.[1]).toMatchObject({ job_id: 'j2', correlation_id: 'corr-j2' });
    expect(lines[1]?.[1]).toMatchObject({ completed: 1, retrying: 1, completed_jobs: [expect.objectContaining({ job_id: 'j1' })] });
    expect(JSON.stringify(lines[1]?.[1])).not.toContain('"j2"');
  });

  it('still names the jobs that completed when the batch stops on an error', async () => {
    // Prepare: the first job completes; the second's claim fails and so does the log call that reports it
    const recording = aRecordingLogger();
    const logger = { ...recording.logger, error: () => { throw new Error('log sink gone'); } } as unknown as Logger;
    const { deps, store } = consumerDeps(definition, { logger });
    const claimAsUsual = store.claim.getMockImplementation();
    store.claim.mockImplementationOnce(claimAsUsual!).mockRejectedValueOnce(new Error('DynamoDB unreachable'));

    // Act
    const run = new BatchProcessor(deps).process({ Records: [aRecord('j1'), aRecord('j2')] });

    // Assess
    await expect(run).rejects.toThrow('log sink gone');
    expect(infoLines(recording.calls)).toEqual([
      ['batch stopped by an error', expect.objectContaining({ completed: 1, completed_jobs: [expect.objectContaining({ job_id: 'j1', correlation_id: 'corr-j1' })] })],
    ]);
  });
});
