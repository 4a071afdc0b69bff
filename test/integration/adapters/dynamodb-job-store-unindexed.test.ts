import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { pendingPartition, scheduleShard } from '../../../functions/adapters/job-keys';
import type { NewJob } from '../../../functions/adapters/job-store';
import type { JobMessage } from '../../../functions/core/job';
import { JOBS_TABLE } from '../../../functions/core/table-schema';
import { FIXED_NOW, aJobMessage, aNewJob, anAttemptRecord } from '../../helpers/factories';
import { jobStoreFixture, type JobStoreFixture } from './job-store-fixture';

let fixture: JobStoreFixture;
const LEASE_MS = 60_000;
const DATA = { intentId: 'intent-unindexed', amount: 250 };
const SCHED_PK = JOBS_TABLE.scheduleIndex.partitionKey;
const SCHED_AT = JOBS_TABLE.scheduleIndex.sortKey;
const at = (offsetMs: number) => new Date(FIXED_NOW.getTime() + offsetMs);

/** A plain job's message as the ingest sends it: a fresh id and run, marked unindexed. */
function plainMessage(): JobMessage {
  return aJobMessage({ jobId: `job-${randomUUID()}`, runId: `run-${randomUUID()}`, data: DATA, unindexed: true });
}

/** The ingest's record of a plain job, accepted at {@link FIXED_NOW}: no schedule entry. */
function unindexedJob(message: JobMessage): NewJob {
  return aNewJob({ message, payloadBytes: Buffer.byteLength(JSON.stringify(DATA)), unindexed: true });
}

const stateOf = (jobId: string) => fixture.rawItem(`JOB#${jobId}`, 'STATE');

/** The job ids the reconciler's listing finds among jobs last sent before `dueBefore`. */
async function unclaimedIds(dueBefore: Date): Promise<string[]> {
  return (await fixture.store.listUnclaimed(dueBefore, 100)).map((job) => job.message.jobId);
}

beforeAll(async () => {
  fixture = await jobStoreFixture('unindexed');
});

describe('an unindexed job record, against DynamoDB Local', () => {
  it('is created with no schedule entry, at one write unit and none for the index', async () => {
    // Prepare: the same job recorded with its entry, for contrast
    const plain = plainMessage();
    const indexed = plainMessage();
    fixture.resetCalls();
    await fixture.store.create({ ...unindexedJob(indexed), unindexed: false });
    const indexedWrites = [...fixture.writes];
    fixture.resetCalls();

    // Act
    const outcome = await fixture.store.create(unindexedJob(plain));

    // Assess
    expect(outcome).toMatchObject({ created: true, job: { status: 'waiting', attempts: 0 } });
    expect(fixture.writes).toEqual([{ command: 'PutItemCommand', table: 1, indexes: {} }]);
    expect(indexedWrites).toEqual([{ command: 'PutItemCommand', table: 1, indexes: { [JOBS_TABLE.scheduleIndex.name]: 1 } }]);
    expect(await stateOf(plain.jobId)).not.toHaveProperty(SCHED_PK);
    expect(await stateOf(plain.jobId)).not.toHaveProperty(SCHED_AT);
    expect(await stateOf(indexed.jobId)).toMatchObject({ [SCHED_PK]: pendingPartition(scheduleShard(indexed.jobId)) });
  });

  it('stays without an entry through a first-receive claim, and gets one stamped at a later receive’s claim', async () => {
    // Prepare
    const message = plainMessage();
    await fixture.store.create(unindexedJob(message));

    // Act
    const first = await fixture.store.claim(message.jobId, message.runId, at(1000), LEASE_MS, { firstReceiveUnindexed: true });
    const afterFirst = await stateOf(message.jobId);
    // The first holder vanished: its lease ran out and SQS delivers the message again
    const later = await fixture.store.claim(message.jobId, message.runId, at(LEASE_MS + 2000), LEASE_MS);
    const afterLater = await stateOf(message.jobId);

    // Assess
    expect(first).toMatchObject({ claimed: true, job: { status: 'active', attempts: 1 } });
    expect(afterFirst).not.toHaveProperty(SCHED_PK);
    expect(afterFirst).not.toHaveProperty(SCHED_AT);
    expect(later).toMatchObject({ claimed: true, job: { status: 'active', attempts: 2 } });
    expect(afterLater).toMatchObject({ [SCHED_PK]: pendingPartition(scheduleShard(message.jobId)), [SCHED_AT]: at(LEASE_MS + 2000).getTime() });
  });

  it('gets its pending entry from markEnqueued, so the reconciler’s listing finds it', async () => {
    // Prepare: the ingest's send failed after the record was written
    const message = plainMessage();
    await fixture.store.create(unindexedJob(message));
    const listedBefore = await unclaimedIds(at(3_600_000));

    // Act
    await fixture.store.markEnqueued(message.jobId, message.runId, at(5000));

    // Assess
    expect(listedBefore).not.toContain(message.jobId);
    expect(await stateOf(message.jobId)).toMatchObject({
      status: 'waiting',
      [SCHED_PK]: pendingPartition(scheduleShard(message.jobId)),
      [SCHED_AT]: at(5000).getTime(),
    });
    expect(await unclaimedIds(at(5001))).toContain(message.jobId);
  });

  it('answers created when the SDK retries its own write whose answer was lost', async () => {
    // Prepare: the first put is applied, then its answer is lost as a 500, which the SDK retries
    const message = plainMessage();
    let puts = 0;
    const middleware = 'loseFirstPutAnswer';
    fixture.client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName !== 'PutItemCommand') return result;
        puts += 1;
        if (puts > 1) return result;
        throw Object.assign(new Error('the answer was lost'), { name: 'InternalServerError', $fault: 'server', $metadata: { httpStatusCode: 500 } });
      },
      { step: 'deserialize', name: middleware },
    );

    // Act
    const outcome = await fixture.store.create(unindexedJob(message)).finally(() => fixture.client.middlewareStack.remove(middleware));

    // Assess
    expect(puts).toBe(2);
    expect(outcome).toMatchObject({ created: true, job: { jobId: message.jobId, runId: message.runId, status: 'waiting' } });
    expect(await stateOf(message.jobId)).toMatchObject({ run_id: message.runId, status: 'waiting', attempts: 0 });
    expect(await stateOf(message.jobId)).not.toHaveProperty(SCHED_PK);
  });

  it('refuses a create of the same id with another run, even when the record is completed', async () => {
    // Prepare: the job ran to completion
    const message = plainMessage();
    await fixture.store.create(unindexedJob(message));
    await fixture.store.claim(message.jobId, message.runId, at(1000), LEASE_MS, { firstReceiveUnindexed: true });
    const ref = { jobId: message.jobId, runId: message.runId, attempt: 1 };
    await fixture.store.complete(ref, { now: at(2000), result: { ok: true }, entry: anAttemptRecord(), expiresAt: at(86_400_000) });
    const other = { ...message, runId: `run-${randomUUID()}` };

    // Act
    const outcome = await fixture.store.create({ ...unindexedJob(other), now: at(3000) });

    // Assess
    expect(outcome).toMatchObject({ created: false, existing: { jobId: message.jobId, runId: message.runId, status: 'completed' } });
    expect(await fixture.store.get(message.jobId)).toMatchObject({ runId: message.runId, status: 'completed', result: { ok: true } });
  });
});

describe('unindexed job records created together, against DynamoDB Local', () => {
  it('writes 60 records in three batch puts, at one write unit each, exactly as the single create writes them', async () => {
    // Prepare: the single create's record of the same job, for contrast
    const messages = Array.from({ length: 60 }, () => plainMessage());
    const twin = plainMessage();
    await fixture.store.create(unindexedJob(twin));
    fixture.resetCalls();

    // Act
    const failures = await fixture.store.createUnindexed(messages.map((message) => unindexedJob(message)));

    // Assess
    expect(failures).toEqual(messages.map(() => undefined));
    expect(fixture.calls).toEqual(['BatchWriteItemCommand', 'BatchWriteItemCommand', 'BatchWriteItemCommand']);
    expect(fixture.writes.reduce((sum, write) => sum + write.table, 0)).toBe(60);
    expect(fixture.writes.flatMap((write) => Object.keys(write.indexes))).toEqual([]);
    const { job_id: _id, run_id: _run, pk: _pk, ...singleRest } = (await stateOf(twin.jobId)) ?? {};
    for (const message of [messages[0], messages[59]]) {
      const { job_id: jobId, run_id: runId, pk, ...rest } = (await stateOf(message?.jobId ?? '')) ?? {};
      expect({ jobId, runId, pk }).toEqual({ jobId: message?.jobId, runId: message?.runId, pk: `JOB#${message?.jobId}` });
      expect(rest).toEqual(singleRest);
    }
  });

  it('creates a job whose payload needs its own item with the single create, beside the batch of the others', async () => {
    // Prepare
    const large = { blob: 'x'.repeat(5000) };
    const big = aJobMessage({ jobId: `job-${randomUUID()}`, runId: `run-${randomUUID()}`, data: large, unindexed: true });
    const small = [plainMessage(), plainMessage()];
    fixture.resetCalls();

    // Act
    const failures = await fixture.store.createUnindexed([
      unindexedJob(small[0] as JobMessage),
      aNewJob({ message: big, payloadBytes: Buffer.byteLength(JSON.stringify(large)), unindexed: true }),
      unindexedJob(small[1] as JobMessage),
    ]);

    // Assess
    expect(failures).toEqual([undefined, undefined, undefined]);
    expect([...fixture.calls].sort()).toEqual(['BatchWriteItemCommand', 'PutItemCommand', 'PutItemCommand']);
    expect(await fixture.rawItem(`JOB#${big.jobId}`, `PAYLOAD#${big.runId}`)).toMatchObject({ payload: JSON.stringify(large) });
    expect(await fixture.store.get(big.jobId)).toMatchObject({ status: 'waiting' });
  });

  it('gives records a consumer claims, completes and the reconciler can find as any other', async () => {
    // Prepare
    const [claimed, unsent] = [plainMessage(), plainMessage()];
    await fixture.store.createUnindexed([unindexedJob(claimed), unindexedJob(unsent)]);

    // Act
    const claim = await fixture.store.claim(claimed.jobId, claimed.runId, at(1000), LEASE_MS, { firstReceiveUnindexed: true });
    await fixture.store.complete({ jobId: claimed.jobId, runId: claimed.runId, attempt: 1 }, { now: at(2000), result: { ok: true }, entry: anAttemptRecord(), expiresAt: at(86_400_000) });
    await fixture.store.markEnqueued(unsent.jobId, unsent.runId, at(3000));

    // Assess
    expect(claim).toMatchObject({ claimed: true, job: { status: 'active', attempts: 1 } });
    expect(await fixture.store.get(claimed.jobId)).toMatchObject({ status: 'completed', result: { ok: true } });
    expect(await unclaimedIds(at(3001))).toContain(unsent.jobId);
  });

  it('refuses jobs that are not unindexed, writing nothing', async () => {
    // Prepare
    const keyed = aNewJob({ message: aJobMessage({ jobId: `job-${randomUUID()}` }), dedupKey: 'intent-1' });
    fixture.resetCalls();

    // Act
    const attempt = fixture.store.createUnindexed([unindexedJob(plainMessage()), keyed]);

    // Assess
    await expect(attempt).rejects.toThrow('unindexed jobs only');
    expect(fixture.calls).toEqual([]);
  });
});
