import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbJobCensus } from '../../../functions/adapters/job-census';
import { FIXED_NOW, aJobMessage, aNewJob, anAttemptRecord } from '../../helpers/factories';
import { jobStoreFixture, type JobStoreFixture } from './job-store-fixture';

let fixture: JobStoreFixture;
let census: DynamoDbJobCensus;
const LEASE_MS = 60_000;
const at = (offsetMs: number) => new Date(FIXED_NOW.getTime() + offsetMs);
const expiresAt = at(86_400_000);
const error = { category: 'server' as const, message: 'HTTP 503' };

function aJob(queue: string, overrides: Parameters<typeof aNewJob>[0] = {}) {
  return aNewJob({ message: aJobMessage({ queue, jobId: `job-${randomUUID()}`, runId: `run-${randomUUID()}` }), ...overrides });
}

/** A job of `queue` that ran once and failed for good. */
async function failedJob(queue: string) {
  const job = aJob(queue);
  const { jobId, runId } = job.message;
  await fixture.store.create(job);
  await fixture.store.claim(jobId, runId, at(1), LEASE_MS);
  await fixture.store.fail({ jobId, runId, attempt: 1 }, { now: at(2), error, entry: anAttemptRecord({ outcome: 'failed' }), expiresAt, letterPending: true });
  return job;
}

/** A job of `queue` the sweeper sends in an hour. */
function delayedJob(queue: string) {
  return aJob(queue, { status: 'delayed', viaSweeper: true, dueAt: at(3_600_000) });
}

beforeAll(async () => {
  fixture = await jobStoreFixture('census');
  census = new DynamoDbJobCensus({ client: fixture.client, tableName: fixture.tableName });
});

describe('DynamoDbJobCensus against DynamoDB Local', () => {
  it('counts the failed jobs of a queue as they are now: a redriven one no longer, a completed or waiting one never', async () => {
    // Prepare: three failed payments jobs, one of them then put back by a redrive; one failed email job; a waiting and a completed payments job
    const [, , redriven] = [await failedJob('payments'), await failedJob('payments'), await failedJob('payments')];
    await failedJob('email');
    await fixture.store.create(aJob('payments'));
    const done = aJob('payments');
    await fixture.store.create(done);
    await fixture.store.claim(done.message.jobId, done.message.runId, at(1), LEASE_MS);
    await fixture.store.complete({ jobId: done.message.jobId, runId: done.message.runId, attempt: 1 }, { now: at(2), result: {}, entry: anAttemptRecord(), expiresAt });
    await fixture.store.resetForRedrive(redriven.message.jobId, at(3));

    // Act
    const [payments, email, none] = await Promise.all([census.failedNow('payments'), census.failedNow('email'), census.failedNow('reports')]);

    // Assess
    expect({ payments, email, none }).toEqual({ payments: 2, email: 1, none: 0 });
  });

  it('counts the jobs waiting in the store for the sweeper, by queue, and not the jobs sent to SQS', async () => {
    // Prepare: spread over shards by their random ids
    for (let index = 0; index < 7; index++) await fixture.store.create(delayedJob('reports'));
    await fixture.store.create(delayedJob('payments'));
    await fixture.store.create(aJob('reports'));

    // Act
    const delayed = await census.delayedInStore();

    // Assess
    expect(Object.fromEntries(delayed)).toEqual({ reports: 7, payments: 1 });
  });
});
