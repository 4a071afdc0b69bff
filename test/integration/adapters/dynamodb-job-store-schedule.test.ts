import { beforeAll, describe, expect, it } from 'vitest';
import { itemSize } from '../../../functions/adapters/item-size';
import { FIXED_NOW, aJobMessage, aNewJob } from '../../helpers/factories';
import { jobStoreFixture, type JobStoreFixture } from './job-store-fixture';

let fixture: JobStoreFixture;
const at = (offsetMs: number) => new Date(FIXED_NOW.getTime() + offsetMs);
const LARGE = { blob: 'x'.repeat(5000), nested: { list: [1, 2, 3] } };
const SMALL = { intentId: 'intent-7' };

/** A job the sweeper sends when due. */
function sweptJob(jobId: string, data: unknown, dueAt: Date) {
  return aNewJob({
    message: aJobMessage({ jobId, runId: `run-${jobId}`, data, groupId: 'group-1' }),
    status: 'delayed',
    viaSweeper: true,
    dueAt,
    now: at(-10 * 60_000),
    payloadBytes: Buffer.byteLength(JSON.stringify(data)),
  });
}

/** A job the ingest sent itself. */
function sentJob(jobId: string, data: unknown, now: Date) {
  return aNewJob({
    message: aJobMessage({ jobId, runId: `run-${jobId}`, data }),
    now,
    dueAt: now,
    payloadBytes: Buffer.byteLength(JSON.stringify(data)),
  });
}

// One table for this file: the schedule index is table-wide, so its listings see only these jobs.
beforeAll(async () => {
  fixture = await jobStoreFixture('schedule');
  await Promise.all([
    fixture.store.create(sweptJob('large-due', LARGE, at(-2000))),
    fixture.store.create(sweptJob('small-due', SMALL, at(-1000))),
    fixture.store.create(sweptJob('not-yet', SMALL, at(60_000))),
    fixture.store.create(sentJob('sent-large', LARGE, at(-5000))),
    fixture.store.create(sentJob('sent-small', SMALL, at(-4000))),
  ]);
});

describe('the schedule index against DynamoDB Local', () => {
  it('keeps a large payload in its own item and the state item under one write unit', async () => {
    // Act
    const state = await fixture.rawItem('JOB#large-due', 'STATE');
    const payload = await fixture.rawItem('JOB#large-due', 'PAYLOAD#run-large-due');
    const small = await fixture.rawItem('JOB#small-due', 'STATE');

    // Assess
    expect(state).not.toHaveProperty('payload');
    expect(itemSize(state ?? {})).toBeLessThan(1024);
    expect(payload).toMatchObject({ payload: JSON.stringify(LARGE) });
    expect(payload?.expires_at).toEqual(expect.any(Number));
    // Small enough to be kept for the record's life (see KEPT_PAYLOAD_ROOM_BYTES): the sweeper reads it all the same.
    expect(small).toMatchObject({ kept_payload: JSON.stringify(SMALL) });
  });

  it('lists due delayed jobs oldest first, with their payloads, up to the limit', async () => {
    // Act
    const due = await fixture.store.listDue(FIXED_NOW, 10);
    const first = await fixture.store.listDue(FIXED_NOW, 1);

    // Assess
    expect(due.map((job) => job.message.jobId)).toEqual(['large-due', 'small-due']);
    expect(due[0]).toMatchObject({
      message: { jobId: 'large-due', runId: 'run-large-due', data: LARGE, groupId: 'group-1', priority: 'normal' },
      status: 'delayed',
      dueAt: at(-2000),
      lane: 'normal',
    });
    expect(due[1]?.message.data).toEqual(SMALL);
    expect(first.map((job) => job.message.jobId)).toEqual(['large-due']);
  });

  it('lists sent but unclaimed jobs before the bound, with their payloads', async () => {
    // Act
    const unclaimed = await fixture.store.listUnclaimed(at(-3000), 10);

    // Assess
    expect(unclaimed.map((job) => [job.message.jobId, job.message.data])).toEqual([
      ['sent-large', LARGE],
      ['sent-small', SMALL],
    ]);
    expect(unclaimed[0]).toMatchObject({ status: 'waiting', dueAt: at(-5000), delaySeconds: 0 });
  });

  it('moves an enqueued job from the due list to the unclaimed list, and a claim takes it off both (its entry stays, for the stuck detector)', async () => {
    // Act
    await fixture.store.markEnqueued('large-due', 'run-large-due', FIXED_NOW);
    const dueAfterSend = await fixture.store.listDue(FIXED_NOW, 10);
    const unclaimedAfterSend = await fixture.store.listUnclaimed(at(1), 10);
    await fixture.store.markEnqueued('large-due', 'run-large-due', at(5)); // the reconciler sent it again
    const unclaimedBeforeResend = await fixture.store.listUnclaimed(at(5), 10);
    await fixture.store.claim('large-due', 'run-large-due', at(6), 60_000);
    await fixture.store.claim('sent-small', 'run-sent-small', at(6), 60_000);
    const unclaimedAfterClaim = await fixture.store.listUnclaimed(at(7), 10);

    // Assess
    expect(dueAfterSend.map((job) => job.message.jobId)).toEqual(['small-due']);
    expect(unclaimedAfterSend.map((job) => job.message.jobId)).toEqual(['sent-large', 'sent-small', 'large-due']);
    expect(unclaimedAfterSend[2]).toMatchObject({ status: 'waiting', dueAt: at(-2000), message: { data: LARGE } });
    expect(unclaimedBeforeResend.map((job) => job.message.jobId)).toEqual(['sent-large', 'sent-small']);
    expect(unclaimedAfterClaim.map((job) => job.message.jobId)).toEqual(['sent-large']);
    await expect(fixture.store.markEnqueued('large-due', 'run-large-due', at(8))).rejects.toMatchObject({
      name: 'TransitionConflictError',
      context: { status: 'active' },
    });
    const claimed = await fixture.rawItem('JOB#sent-small', 'STATE');
    expect(claimed).not.toHaveProperty('payload');
    expect(claimed).toMatchObject({ status: 'active', sched_pk: expect.stringMatching(/^PENDING#/), sched_at: at(-4000).getTime() });
  });

  it('moves a job the sweeper sent but could not mark to the pending partition when it is claimed', async () => {
    // Act
    await fixture.store.claim('small-due', 'run-small-due', at(10), 60_000);
    const claimed = await fixture.rawItem('JOB#small-due', 'STATE');
    const due = await fixture.store.listDue(at(10), 10);

    // Assess: the stuck detector reads only the pending partition for active jobs
    expect(claimed).toMatchObject({ status: 'active', sched_pk: expect.stringMatching(/^PENDING#/), sched_at: at(-1000).getTime() });
    expect(due).toEqual([]);
  });
});
