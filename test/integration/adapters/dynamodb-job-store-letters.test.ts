import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLAIM_REFUSAL } from '../../../functions/adapters/job-store';
import { TransitionConflictError } from '../../../functions/core/errors';
import { A_PARTNER, FIXED_NOW, aJobMessage, aNewJob, anAttemptRecord } from '../../helpers/factories';
import { jobStoreFixture, type JobStoreFixture } from './job-store-fixture';

let fixture: JobStoreFixture;
const LEASE_MS = 60_000;
const at = (offsetMs: number) => new Date(FIXED_NOW.getTime() + offsetMs);
const expiresAt = at(86_400_000);
const error = { category: 'server' as const, message: 'HTTP 503' };

function freshJob() {
  return aNewJob({ message: aJobMessage({ jobId: `job-${randomUUID()}`, runId: `run-${randomUUID()}`, groupId: 'order-1' }), maxAttempts: 3 });
}

/** A job that ran once and failed for good at `failedAt`, its letter pending. */
async function failedJob(failedAt: Date) {
  const job = freshJob();
  const { jobId, runId } = job.message;
  await fixture.store.create(job);
  await fixture.store.claim(jobId, runId, at(1), LEASE_MS);
  await fixture.store.fail({ jobId, runId, attempt: 1 }, { now: failedAt, error, entry: anAttemptRecord({ outcome: 'failed' }), expiresAt, letterPending: true });
  return job;
}

beforeAll(async () => {
  fixture = await jobStoreFixture('letters');
});

describe('the retry_at fence, against DynamoDB Local', () => {
  it('refuses a claim of a retrying job before its retry is due, and allows it after', async () => {
    // Prepare
    const job = freshJob();
    const { jobId, runId } = job.message;
    await fixture.store.create(job);
    await fixture.store.claim(jobId, runId, at(0), LEASE_MS);
    await fixture.store.retry({ jobId, runId, attempt: 1 }, { now: at(100), error, entry: anAttemptRecord({ outcome: 'retrying' }), retryAt: at(5000) });

    // Act
    const early = await fixture.store.claim(jobId, runId, at(4000), LEASE_MS);
    const due = await fixture.store.claim(jobId, runId, at(5000), LEASE_MS);

    // Assess
    expect(early).toMatchObject({ claimed: false, reason: CLAIM_REFUSAL.notDue, job: { retryAt: at(5000).toISOString() } });
    expect(due).toMatchObject({ claimed: true, job: { attempts: 2, status: 'active' } });
    expect(due.claimed && due.job.retryAt).toBeFalsy();
  });
});

describe('dead letters, against DynamoDB Local', () => {
  it('keeps a failed record saying its letter is pending until the letter is confirmed', async () => {
    // Prepare
    const failedAt = at(2000);
    const { message } = await failedJob(failedAt);

    // Act
    const copy = await fixture.store.claim(message.jobId, message.runId, at(3000), LEASE_MS);
    await fixture.store.markLettered(message.jobId, message.runId, failedAt);
    const later = await fixture.store.claim(message.jobId, message.runId, at(4000), LEASE_MS);

    // Assess
    expect(copy).toMatchObject({ claimed: false, reason: CLAIM_REFUSAL.letterDue, job: { failedAt: failedAt.toISOString(), letterPending: true } });
    expect(later).toMatchObject({ claimed: false, reason: CLAIM_REFUSAL.final });
  });

  it('reopens a failed record for a redriven letter of that very failure, once', async () => {
    // Prepare
    const failedAt = at(2000);
    const { message } = await failedJob(failedAt);
    await fixture.store.markLettered(message.jobId, message.runId, failedAt);
    const letter = { failedAt, message, lane: 'default' as const, maxAttempts: 3 };
    const failedRun = await fixture.rawItem(`JOB#${message.jobId}`, 'STATE');

    // Act
    const reopened = await fixture.store.claim(message.jobId, message.runId, at(10_000), LEASE_MS, { letter });
    const second = await fixture.store.claim(message.jobId, message.runId, at(10_001), LEASE_MS, { letter });

    // Assess: attempts start over, the history stays, the record leaves the failed index for the schedule index
    expect(reopened).toMatchObject({ claimed: true, reopened: 'reopened', job: { status: 'active', attempts: 1, history: [{ outcome: 'failed' }] } });
    expect(second).toMatchObject({ claimed: false, reason: CLAIM_REFUSAL.held });
    const raw = await fixture.rawItem(`JOB#${message.jobId}`, 'STATE');
    expect(raw).not.toHaveProperty('failed_pk');
    expect(raw).toMatchObject({ sched_pk: expect.stringMatching(/^PENDING#/), sched_at: at(10_000).getTime() });
    expect(raw).not.toHaveProperty('expires_at');
    expect(raw).not.toHaveProperty('error');
    // A progress token of its own, so the target of the redriven attempt can report progress; the failed run's no longer works
    expect(raw?.progress_token).toEqual(expect.any(String));
    expect(raw?.progress_token).not.toBe(failedRun?.progress_token);
    expect(reopened).toMatchObject({ job: { progressToken: raw?.progress_token } });
  });

  it('refuses an old letter of an earlier failure, and a plain copy', async () => {
    // Prepare
    const { message } = await failedJob(at(2000));

    // Act
    const old = await fixture.store.claim(message.jobId, message.runId, at(10_000), LEASE_MS, { letter: { failedAt: at(1000), message, lane: 'default', maxAttempts: 3 } });
    const plain = await fixture.store.claim(message.jobId, message.runId, at(10_000), LEASE_MS);

    // Assess
    expect(old).toMatchObject({ claimed: false, reason: CLAIM_REFUSAL.letterDue });
    expect(plain).toMatchObject({ claimed: false, reason: CLAIM_REFUSAL.letterDue });
  });

  it('puts a job an operator put back into the schedule index when its redriven message is claimed', async () => {
    // Prepare: failed (out of the schedule index), then reset for a redrive, which does not put it back
    const { message } = await failedJob(at(2000));
    await fixture.store.resetForRedrive(message.jobId, at(3000));
    const reset = await fixture.rawItem(`JOB#${message.jobId}`, 'STATE');

    // Act
    const claimed = await fixture.store.claim(message.jobId, message.runId, at(4000), LEASE_MS);

    // Assess
    expect(reset).not.toHaveProperty('sched_pk');
    expect(claimed).toMatchObject({ claimed: true, job: { status: 'active', attempts: 1 } });
    expect(await fixture.rawItem(`JOB#${message.jobId}`, 'STATE')).toMatchObject({ sched_pk: expect.stringMatching(/^PENDING#/), sched_at: at(4000).getTime() });
  });

  it('rebuilds a record that is gone from the letter', async () => {
    // Prepare: no record at all (expired or cleaned)
    const message = aJobMessage({ jobId: `job-${randomUUID()}`, runId: `run-${randomUUID()}`, groupId: 'order-9' });

    // Act
    const rebuilt = await fixture.store.claim(message.jobId, message.runId, at(0), LEASE_MS, { letter: { failedAt: at(-1000), message, lane: 'normal', maxAttempts: 4 } });
    const stored = await fixture.store.get(message.jobId);

    // Assess
    expect(rebuilt).toMatchObject({ claimed: true, reopened: 'rebuilt' });
    expect(stored).toMatchObject({ status: 'active', attempts: 1, maxAttempts: 4, groupId: 'order-9', partner: A_PARTNER, correlationId: 'corr-1' });
    // In the schedule index, where the stuck detector finds it should its holder vanish.
    expect(await fixture.rawItem(`JOB#${message.jobId}`, 'STATE')).toMatchObject({ sched_pk: expect.stringMatching(/^PENDING#/), sched_at: at(0).getTime(), progress_token: expect.any(String) });
    expect(rebuilt).toMatchObject({ job: { progressToken: expect.any(String) } });
  });

  it('abandons a waiting job into the failed index, and refuses a completed one', async () => {
    // Prepare
    const waiting = freshJob();
    await fixture.store.create(waiting);
    const done = freshJob();
    await fixture.store.create(done);
    await fixture.store.claim(done.message.jobId, done.message.runId, at(0), LEASE_MS);
    await fixture.store.complete({ jobId: done.message.jobId, runId: done.message.runId, attempt: 1 }, { now: at(1), result: {}, entry: anAttemptRecord(), expiresAt });

    // Act
    const abandoned = await fixture.store.abandon(waiting.message.jobId, waiting.message.runId, { now: at(5), error, expiresAt });
    const refused = await fixture.store.abandon(done.message.jobId, done.message.runId, { now: at(5), error, expiresAt }).catch((caught: unknown) => caught);

    // Assess
    expect(abandoned).toMatchObject({ status: 'failed', letterPending: true, failedAt: at(5).toISOString() });
    expect(await fixture.rawItem(`JOB#${waiting.message.jobId}`, 'STATE')).toMatchObject({ failed_pk: waiting.message.queue, failed_at: at(5).getTime() });
    expect(refused).toBeInstanceOf(TransitionConflictError);
  });
});
