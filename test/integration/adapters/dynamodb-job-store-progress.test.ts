import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXED_NOW, aJobMessage, aNewJob, anAttemptRecord } from '../../helpers/factories';
import { jobStoreFixture, type JobStoreFixture } from './job-store-fixture';

let fixture: JobStoreFixture;
const LEASE_MS = 60_000;
const at = (offsetMs: number) => new Date(FIXED_NOW.getTime() + offsetMs);
const expiresAt = at(86_400_000);

function freshJob(data: unknown = { order: 'o-1' }) {
  return aNewJob({ message: aJobMessage({ jobId: `job-${randomUUID()}`, runId: `run-${randomUUID()}`, data }) });
}

beforeAll(async () => {
  fixture = await jobStoreFixture('progress');
});

describe('progress tokens and kept data in DynamoDB Local', () => {
  it('sets a token at each claim, takes progress with it while active, and refuses it once the attempt ends', async () => {
    // Prepare
    const job = freshJob();
    const { jobId, runId } = job.message;
    await fixture.store.create(job);

    // Act
    const first = await fixture.store.claim(jobId, runId, at(1), LEASE_MS);
    const firstToken = first.claimed ? first.job.progressToken ?? '' : '';
    const accepted = await fixture.store.reportProgress(jobId, firstToken, 30);
    const wrong = await fixture.store.reportProgress(jobId, 'wrong-token', 31);
    await fixture.store.retry({ jobId, runId, attempt: 1 }, { now: at(2), error: { category: 'server', message: 'HTTP 503' }, entry: anAttemptRecord({ outcome: 'retrying' }) });
    const afterRetry = await fixture.store.reportProgress(jobId, firstToken, 32);
    const second = await fixture.store.claim(jobId, runId, at(3), LEASE_MS);
    const secondToken = second.claimed ? second.job.progressToken ?? '' : '';
    const oldTokenOnNewAttempt = await fixture.store.reportProgress(jobId, firstToken, 33);
    const acceptedAgain = await fixture.store.reportProgress(jobId, secondToken, { step: 'b' });
    await fixture.store.complete({ jobId, runId, attempt: 2 }, { now: at(4), result: { ok: true }, entry: anAttemptRecord({ attempt: 2 }), expiresAt });
    const afterCompletion = await fixture.store.reportProgress(jobId, secondToken, 100);

    // Assess
    expect(firstToken).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(secondToken).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(secondToken).not.toBe(firstToken);
    expect([accepted, wrong, afterRetry, oldTokenOnNewAttempt, acceptedAgain, afterCompletion]).toEqual(['recorded', 'not_found', 'not_found', 'not_found', 'recorded', 'final']);
    const record = await fixture.store.get(jobId);
    expect(record).toMatchObject({ status: 'completed', progress: { step: 'b' } });
    expect(record?.progressToken).toBeUndefined();
    expect(await fixture.store.reportProgress(`job-${randomUUID()}`, secondToken, 1)).toBe('not_found');
  });

  it('costs one write unit per progress report, and keeping a small payload adds no write unit to the claim or the completion', async () => {
    // Prepare
    const job = freshJob({ order: 'o-2', amount: 1000 });
    const { jobId, runId } = job.message;
    fixture.resetCalls();

    // Act
    await fixture.store.create(job);
    const claim = await fixture.store.claim(jobId, runId, at(1), LEASE_MS);
    await fixture.store.reportProgress(jobId, claim.claimed ? claim.job.progressToken ?? '' : '', 50);
    await fixture.store.complete({ jobId, runId, attempt: 1 }, { now: at(2), result: { status: 200, body: { ok: true } }, entry: anAttemptRecord(), expiresAt });

    // Assess
    expect(fixture.writes.map((write) => write.table)).toEqual([1, 1, 1, 1]);
    expect(await fixture.store.readData(jobId, runId)).toEqual({ available: true, data: { order: 'o-2', amount: 1000 } });
  });
});
