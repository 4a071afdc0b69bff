import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { itemSize } from '../../../functions/adapters/item-size';
import { CLAIM_REFUSAL } from '../../../functions/adapters/job-store';
import { JobNotFoundError, TransitionConflictError } from '../../../functions/core/errors';
import { MAX_HISTORY_ENTRIES } from '../../../functions/core/job';
import { A_PARTNER, FIXED_NOW, OTHER_PARTNER, aJobMessage, aNewJob, anAttemptRecord } from '../../helpers/factories';
import { jobStoreFixture, type JobStoreFixture } from './job-store-fixture';

let fixture: JobStoreFixture;
const LEASE_MS = 60_000;
const at = (offsetMs: number) => new Date(FIXED_NOW.getTime() + offsetMs);
const expiresAt = at(86_400_000);

/** A new job with ids of its own, so tests sharing the table never meet. */
function freshJob(overrides: Parameters<typeof aNewJob>[0] = {}) {
  const jobId = `job-${randomUUID()}`;
  const runId = `run-${randomUUID()}`;
  return aNewJob({ message: aJobMessage({ jobId, runId }), ...overrides });
}

beforeAll(async () => {
  fixture = await jobStoreFixture();
});

describe('DynamoDbJobStore against DynamoDB Local', () => {
  it('returns the live twin for a duplicate, and lets a new run replace a completed one', async () => {
    // Prepare
    const first = freshJob();
    const { jobId, runId } = first.message;
    await fixture.store.create(first);

    // Act
    const duplicate = await fixture.store.create({ ...first, message: { ...first.message, runId: 'run-second' } });
    await fixture.store.claim(jobId, runId, at(1), LEASE_MS);
    await fixture.store.complete({ jobId, runId, attempt: 1 }, { now: at(2), result: { ok: true }, entry: anAttemptRecord(), expiresAt });
    const rerun = await fixture.store.create({ ...first, message: { ...first.message, runId: 'run-third' }, now: at(3) });

    // Assess
    expect(duplicate).toMatchObject({ created: false, existing: { jobId, runId, status: 'waiting' } });
    expect(rerun).toMatchObject({ created: true, job: { runId: 'run-third', status: 'waiting', attempts: 0, history: [] } });
    const stored = await fixture.rawItem(`JOB#${jobId}`, 'STATE');
    expect(stored).not.toHaveProperty('expires_at');
    expect(stored).not.toHaveProperty('result');
  });

  it('lets exactly one of two concurrent claims win', async () => {
    // Prepare
    const job = freshJob();
    await fixture.store.create(job);

    // Act
    const outcomes = await Promise.all([
      fixture.store.claim(job.message.jobId, job.message.runId, at(1), LEASE_MS),
      fixture.store.claim(job.message.jobId, job.message.runId, at(1), LEASE_MS),
    ]);

    // Assess
    expect(outcomes.filter((outcome) => outcome.claimed)).toHaveLength(1);
    expect(outcomes.find((outcome) => !outcome.claimed)).toMatchObject({ reason: CLAIM_REFUSAL.held, job: { attempts: 1 } });
  });

  it('refuses a claim after completion as final, and a claim of another run as stale', async () => {
    // Prepare
    const job = freshJob();
    const { jobId, runId } = job.message;
    await fixture.store.create(job);
    await fixture.store.claim(jobId, runId, at(1), LEASE_MS);
    await fixture.store.complete({ jobId, runId, attempt: 1 }, { now: at(2), result: 1, entry: anAttemptRecord(), expiresAt });

    // Act
    const again = await fixture.store.claim(jobId, runId, at(3), LEASE_MS);
    const stale = await fixture.store.claim(jobId, 'run-old', at(3), LEASE_MS);
    const missing = await fixture.store.claim(`job-${randomUUID()}`, runId, at(3), LEASE_MS);

    // Assess
    expect(again).toMatchObject({ claimed: false, reason: CLAIM_REFUSAL.final, job: { status: 'completed' } });
    expect(stale).toMatchObject({ claimed: false, reason: CLAIM_REFUSAL.staleRun });
    expect(missing).toEqual({ claimed: false, reason: CLAIM_REFUSAL.missing });
  });

  it('reclaims a job whose lease lapsed, and refuses it as exhausted once attempts run out', async () => {
    // Prepare
    const job = freshJob({ maxAttempts: 2 });
    const { jobId, runId } = job.message;
    await fixture.store.create(job);
    await fixture.store.claim(jobId, runId, at(0), 1000);

    // Act
    const held = await fixture.store.claim(jobId, runId, at(500), 1000);
    const reclaimed = await fixture.store.claim(jobId, runId, at(2000), 1000);
    const exhausted = await fixture.store.claim(jobId, runId, at(5000), 1000);
    const failed = await fixture.store.fail(
      { jobId, runId, attempt: 2 },
      { now: at(5001), error: { category: 'timeout', message: 'holder never came back' }, expiresAt },
    );

    // Assess
    expect(held).toMatchObject({ claimed: false, reason: CLAIM_REFUSAL.held });
    expect(reclaimed).toMatchObject({ claimed: true, job: { status: 'active', attempts: 2, leaseUntil: at(3000).toISOString() } });
    expect(exhausted).toMatchObject({ claimed: false, reason: CLAIM_REFUSAL.exhausted, job: { attempts: 2 } });
    expect(failed).toMatchObject({ status: 'failed', error: { category: 'timeout' }, history: [] });
    const stored = await fixture.rawItem(`JOB#${jobId}`, 'STATE');
    expect(stored).toMatchObject({ expires_at: Math.floor(expiresAt.getTime() / 1000) });
    expect(stored).not.toHaveProperty('lease_until_ms');
  });

  it('fails a job left retrying with no attempts left, but not one that still has attempts', async () => {
    // Prepare
    const job = freshJob({ maxAttempts: 2 });
    const { jobId, runId } = job.message;
    const error = { category: 'server', message: 'HTTP 503' } as const;
    await fixture.store.create(job);
    await fixture.store.claim(jobId, runId, at(0), LEASE_MS);
    await fixture.store.retry({ jobId, runId, attempt: 1 }, { now: at(1), error, entry: anAttemptRecord({ outcome: 'retrying' }) });

    // Act
    await expect(fixture.store.fail({ jobId, runId, attempt: 1 }, { now: at(2), error, expiresAt })).rejects.toBeInstanceOf(
      TransitionConflictError,
    );
    await fixture.store.claim(jobId, runId, at(3), LEASE_MS);
    await fixture.store.retry({ jobId, runId, attempt: 2 }, { now: at(4), error, entry: anAttemptRecord({ attempt: 2, outcome: 'retrying' }) });
    const refusal = await fixture.store.claim(jobId, runId, at(5), LEASE_MS);
    const failed = await fixture.store.fail({ jobId, runId, attempt: 2 }, { now: at(6), error, expiresAt });

    // Assess
    expect(refusal).toMatchObject({ claimed: false, reason: CLAIM_REFUSAL.exhausted });
    expect(failed).toMatchObject({ status: 'failed', attempts: 2 });
    expect(failed.history.map((entry) => entry.attempt)).toEqual([1, 2]);
  });

  it('turns a finish by a stale attempt into TransitionConflictError with the current status', async () => {
    // Prepare
    const job = freshJob();
    const { jobId, runId } = job.message;
    await fixture.store.create(job);
    await fixture.store.claim(jobId, runId, at(0), 1000);
    await fixture.store.claim(jobId, runId, at(2000), LEASE_MS);

    // Act
    const late = await fixture.store
      .complete({ jobId, runId, attempt: 1 }, { now: at(2001), result: 1, entry: anAttemptRecord(), expiresAt })
      .catch((error: unknown) => error);

    // Assess
    expect(late).toBeInstanceOf(TransitionConflictError);
    expect(late).toMatchObject({ context: { status: 'active', attempts: 2 } });
  });

  it('cancels only waiting or delayed jobs', async () => {
    // Prepare
    const waiting = freshJob();
    const delayed = freshJob({ status: 'delayed', dueAt: at(3_600_000), viaSweeper: true });
    const active = freshJob();
    await Promise.all([waiting, delayed, active].map((job) => fixture.store.create(job)));
    await fixture.store.claim(active.message.jobId, active.message.runId, at(1), LEASE_MS);

    // Act
    const cancelled = await fixture.store.cancel(waiting.message.jobId, A_PARTNER, at(2), expiresAt);
    const cancelledDelayed = await fixture.store.cancel(delayed.message.jobId, A_PARTNER, at(2), expiresAt);

    // Assess
    expect(cancelled.status).toBe('cancelled');
    expect(cancelledDelayed.status).toBe('cancelled');
    await expect(fixture.store.cancel(waiting.message.jobId, A_PARTNER, at(3), expiresAt)).rejects.toMatchObject({
      name: 'TransitionConflictError',
      context: { status: 'cancelled' },
    });
    await expect(fixture.store.cancel(active.message.jobId, A_PARTNER, at(3), expiresAt)).rejects.toMatchObject({
      name: 'TransitionConflictError',
      context: { status: 'active' },
    });
    await expect(fixture.store.cancel(`job-${randomUUID()}`, A_PARTNER, at(3), expiresAt)).rejects.toBeInstanceOf(JobNotFoundError);
    const stored = await fixture.rawItem(`JOB#${delayed.message.jobId}`, 'STATE');
    expect(stored).not.toHaveProperty('sched_pk');
    expect(stored).not.toHaveProperty('payload');
  });

  it("refuses to cancel another partner's job as if it did not exist, and leaves it waiting", async () => {
    // Prepare
    const theirs = freshJob();
    await fixture.store.create(theirs);

    // Act
    const refusal = await fixture.store.cancel(theirs.message.jobId, OTHER_PARTNER, at(2), expiresAt).catch((error: unknown) => error);

    // Assess
    expect(refusal).toBeInstanceOf(JobNotFoundError);
    expect(await fixture.store.get(theirs.message.jobId)).toMatchObject({ status: 'waiting', partner: A_PARTNER });
    expect(await fixture.rawItem(`JOB#${theirs.message.jobId}`, 'STATE')).toMatchObject({ partner: A_PARTNER });
  });

  it('keeps only the latest history entries however many attempts there were', async () => {
    // Prepare
    const attempts = MAX_HISTORY_ENTRIES + 3;
    const job = freshJob({ maxAttempts: attempts });
    const { jobId, runId } = job.message;
    const error = { category: 'network', message: 'ECONNRESET' } as const;
    await fixture.store.create(job);

    // Act
    for (let attempt = 1; attempt < attempts; attempt += 1) {
      await fixture.store.claim(jobId, runId, at(attempt * 10), LEASE_MS);
      await fixture.store.retry({ jobId, runId, attempt }, { now: at(attempt * 10 + 1), error, entry: anAttemptRecord({ attempt, outcome: 'retrying' }) });
    }
    await fixture.store.claim(jobId, runId, at(1000), LEASE_MS);
    const done = await fixture.store.complete(
      { jobId, runId, attempt: attempts },
      { now: at(1001), result: 'ok', entry: anAttemptRecord({ attempt: attempts }), expiresAt },
    );

    // Assess
    expect(done.history).toHaveLength(MAX_HISTORY_ENTRIES);
    expect(done.history.map((entry) => entry.attempt)).toEqual(
      Array.from({ length: MAX_HISTORY_ENTRIES }, (_, i) => attempts - MAX_HISTORY_ENTRIES + 1 + i),
    );
    expect(done).toMatchObject({ status: 'completed', result: 'ok' });
    expect(done).not.toHaveProperty('error');
  });

  it('writes the schedule index twice in a job’s life: its entry at create, and its removal at completion', async () => {
    // Prepare
    const job = freshJob();
    const { jobId, runId } = job.message;
    fixture.resetCalls();

    // Act
    await fixture.store.create(job);
    await fixture.store.claim(jobId, runId, at(1), LEASE_MS);
    const whileActive = await fixture.rawItem(`JOB#${jobId}`, 'STATE');
    await fixture.store.retry({ jobId, runId, attempt: 1 }, { now: at(2), error: { category: 'server', message: 'HTTP 503' }, entry: anAttemptRecord({ outcome: 'retrying' }) });
    await fixture.store.claim(jobId, runId, at(3), LEASE_MS);
    await fixture.store.complete({ jobId, runId, attempt: 2 }, { now: at(4), result: { ok: true }, entry: anAttemptRecord({ attempt: 2 }), expiresAt });

    // Assess: the claims and the retry keep the entry untouched, so they write the state item alone
    expect(fixture.writes).toEqual([
      { command: 'PutItemCommand', table: 1, indexes: { schedule: 1 } },
      { command: 'UpdateItemCommand', table: 1, indexes: {} },
      { command: 'UpdateItemCommand', table: 1, indexes: {} },
      { command: 'UpdateItemCommand', table: 1, indexes: {} },
      { command: 'UpdateItemCommand', table: 1, indexes: { schedule: 1 } },
    ]);
    expect(whileActive).toMatchObject({ status: 'active', sched_pk: expect.stringMatching(/^PENDING#/), sched_at: FIXED_NOW.getTime() });
    const completed = await fixture.rawItem(`JOB#${jobId}`, 'STATE');
    expect(completed).not.toHaveProperty('sched_pk');
  });

  it('spends one request on each transition and on each refusal, explained without a read', async () => {
    // Prepare
    const job = freshJob({ message: aJobMessage({ jobId: `job-${randomUUID()}`, data: { blob: 'x'.repeat(4000) } }), payloadBytes: 4013 });
    const { jobId, runId } = job.message;

    // Act / Assess
    fixture.resetCalls();
    await fixture.store.create(job);
    expect(fixture.calls).toEqual(['PutItemCommand', 'PutItemCommand']);
    fixture.resetCalls();
    await fixture.store.claim(jobId, runId, at(1), LEASE_MS);
    expect(fixture.calls).toEqual(['UpdateItemCommand']);
    fixture.resetCalls();
    const refused = await fixture.store.claim(jobId, runId, at(2), LEASE_MS);
    expect(refused).toMatchObject({ claimed: false, reason: CLAIM_REFUSAL.held });
    expect(fixture.calls).toEqual(['UpdateItemCommand']);
    fixture.resetCalls();
    await fixture.store.complete({ jobId, runId, attempt: 1 }, { now: at(3), result: { ok: true }, entry: anAttemptRecord(), expiresAt });
    expect(fixture.calls).toEqual(['UpdateItemCommand']);
    const stored = await fixture.rawItem(`JOB#${jobId}`, 'STATE');
    expect(itemSize(stored ?? {})).toBeLessThan(1024);
  });
});
