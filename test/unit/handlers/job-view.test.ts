import { describe, expect, it } from 'vitest';
import { jobView } from '../../../functions/handlers/workflows/job-view';
import { aJobRecord } from '../../helpers/factories';

describe('jobView', () => {
  it('shows a job in snake_case without internal fields', () => {
    // Prepare
    const job = aJobRecord({
      status: 'failed',
      attempts: 2,
      error: { category: 'auth', message: 'target answered 401 Unauthorized' },
      history: [{ attempt: 2, at: '2026-01-01T00:00:00.000Z', outcome: 'failed', category: 'auth', message: 'target answered 401 Unauthorized', durationMs: 12 }],
    });

    // Act
    const view = jobView(job);

    // Assess
    expect(view).toMatchObject({
      ok: true,
      job_id: job.jobId,
      status: 'failed',
      attempts: 2,
      max_attempts: job.maxAttempts,
      error: { category: 'auth', message: 'target answered 401 Unauthorized' },
      history: [{ attempt: 2, outcome: 'failed', category: 'auth', duration_ms: 12 }],
    });
    expect(view).not.toHaveProperty('run_id');
    expect(view).not.toHaveProperty('runId');
    expect(view).not.toHaveProperty('lease_until');
    expect(view).not.toHaveProperty('correlation_id');
  });

  it("shows the job's partner, and no partner for a job from before partners were recorded", () => {
    // Prepare
    const { partner: _none, ...old } = aJobRecord();

    // Act
    const owned = jobView(aJobRecord({ partner: 'globex' }));
    const unowned = jobView(old);

    // Assess
    expect(owned).toMatchObject({ partner: 'globex' });
    expect(unowned).not.toHaveProperty('partner');
  });
});
