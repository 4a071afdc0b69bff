import { describe, expect, it } from 'vitest';
import { BatchAccount } from '../../../functions/handlers/workflows/batch-account';

const WHERE = { queue: 'payments', lane: 'normal', size: 3, slots: 3 };

describe('BatchAccount', () => {
  it('tallies outcomes, keeps run and wait times, and names each completed job once', () => {
    // Prepare
    const account = new BatchAccount();

    // Act
    account.add({ kind: 'delete', outcome: 'completed', durationMs: 12, queueWaitMs: 40, finished: { jobId: 'j1', attempt: 1, correlationId: 'c1' } });
    account.add({ kind: 'return', outcome: 'retrying', visibilitySeconds: 5, durationMs: 30, queueWaitMs: 45 });
    account.add({ kind: 'delete', outcome: 'completed', durationMs: 7, finished: { jobId: 'j3', attempt: 2 } });

    // Assess
    expect(account.tally).toEqual({ completed: 2, failed: 0, dropped: 0, retrying: 1, deferred: 0, held: 0, error: 0 });
    expect(account.processingMs).toEqual([12, 30, 7]);
    expect(account.queueWaitMs).toEqual([40, 45]);
    expect(account.logFields(WHERE)).toEqual({
      ...WHERE,
      completed: 2,
      retrying: 1,
      completed_jobs: [
        { job_id: 'j1', attempt: 1, duration_ms: 12, correlation_id: 'c1' },
        { job_id: 'j3', attempt: 2, duration_ms: 7, correlation_id: undefined },
      ],
    });
  });

  it('leaves the list out of a batch that completed nothing, and zero counts out of every batch', () => {
    // Prepare
    const account = new BatchAccount();

    // Act
    account.add({ kind: 'return', outcome: 'deferred', visibilitySeconds: 1 });

    // Assess
    expect(account.logFields(WHERE)).toStrictEqual({ ...WHERE, deferred: 1 });
  });

  it('lists only completed dispositions, whatever else they carry', () => {
    // Prepare: a dropped message that still says which job it was
    const account = new BatchAccount();

    // Act
    account.add({ kind: 'delete', outcome: 'dropped', finished: { jobId: 'j9', attempt: 1 } });

    // Assess
    expect(account.logFields(WHERE)).toStrictEqual({ ...WHERE, dropped: 1 });
  });
});
