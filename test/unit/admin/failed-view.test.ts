import { describe, expect, it } from 'vitest';
import type { FailedJob } from '../../../functions/adapters/job-admin-store';
import { failedJobView } from '../../../functions/handlers/workflows/admin/failed-view';
import { A_JOB_ID, A_RUN_ID, FIXED_NOW, FIXED_NOW_ISO } from '../../helpers/factories';

function aFailedJob(overrides: Partial<FailedJob> = {}): FailedJob {
  return {
    jobId: A_JOB_ID,
    runId: A_RUN_ID,
    name: 'stk_push',
    priority: 'normal',
    lane: 'normal',
    attempts: 3,
    maxAttempts: 3,
    error: { category: 'server', message: 'HTTP 503' },
    failedAt: FIXED_NOW,
    createdAt: FIXED_NOW_ISO,
    payloadBytes: 38,
    ...overrides,
  };
}

describe('failedJobView', () => {
  it("shows operators the job's partner, and null for a job from before partners were recorded", () => {
    // Act
    const owned = failedJobView(aFailedJob({ partner: 'globex' }));
    const unowned = failedJobView(aFailedJob());

    // Assess
    expect(owned).toMatchObject({ job_id: A_JOB_ID, partner: 'globex', reason: 'HTTP 503' });
    expect(unowned.partner).toBeNull();
  });
});
