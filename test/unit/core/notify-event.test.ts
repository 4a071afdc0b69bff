import { describe, expect, it } from 'vitest';
import { notifyEventOf } from '../../../functions/core/notify-event';
import { A_JOB_ID, A_PARTNER, A_RUN_ID, aJobRecord } from '../../helpers/factories';

const NOTIFY = { endpointId: 'ep_abcdefghijklmnopqrst' };

describe('notifyEventOf', () => {
  it('makes a job.completed event with the result, attempts and finish time', () => {
    // Prepare
    const job = aJobRecord({ status: 'completed', attempts: 2, result: { status: 200 }, updatedAt: '2026-01-01T00:01:00.000Z', notify: NOTIFY, partner: A_PARTNER });

    // Act
    const event = notifyEventOf(job);

    // Assess
    expect(event).toEqual({
      endpointId: NOTIFY.endpointId,
      name: 'job.completed',
      partner: A_PARTNER,
      dedupKey: `notify:${A_JOB_ID}:${A_RUN_ID}:completed`,
      data: {
        type: 'job.completed',
        job_id: A_JOB_ID,
        queue: job.queue,
        name: job.name,
        status: 'completed',
        result: { status: 200 },
        attempts: 2,
        finished_at: '2026-01-01T00:01:00.000Z',
      },
    });
  });

  it('makes a job.failed event with the error and no result', () => {
    // Prepare
    const job = aJobRecord({ status: 'failed', attempts: 3, error: { category: 'client', message: 'HTTP 400' }, result: { ignored: true }, notify: NOTIFY, partner: A_PARTNER });

    // Act
    const event = notifyEventOf(job);

    // Assess
    expect(event?.name).toBe('job.failed');
    expect(event?.dedupKey).toBe(`notify:${A_JOB_ID}:${A_RUN_ID}:failed`);
    expect(event?.data).toMatchObject({ type: 'job.failed', status: 'failed', error: { category: 'client', message: 'HTTP 400' }, attempts: 3 });
    expect(event?.data).not.toHaveProperty('result');
  });

  it('makes none for a job without notify, without a partner, or not completed or failed', () => {
    // Assess
    expect(notifyEventOf(aJobRecord({ status: 'completed', partner: A_PARTNER }))).toBeUndefined();
    expect(notifyEventOf(aJobRecord({ status: 'completed', notify: NOTIFY, partner: undefined }))).toBeUndefined();
    expect(notifyEventOf(aJobRecord({ status: 'cancelled', notify: NOTIFY, partner: A_PARTNER }))).toBeUndefined();
    expect(notifyEventOf(aJobRecord({ status: 'active', notify: NOTIFY, partner: A_PARTNER }))).toBeUndefined();
  });
});
