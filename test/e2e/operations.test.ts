import { describe, expect, it } from 'vitest';
import { runOps } from '../../ops/program';
import type { OpsIo } from '../../ops/io';
import { adminApi, jobStatus, partnerCall, postJob, setTarget, untilStatus } from './support/e2e-context';

/** The ops CLI's output, captured. */
function capturedIo(): OpsIo & { readonly text: () => string } {
  let out = '';
  const write = (line: string): void => {
    out += `${line}\n`;
  };
  return {
    out: write,
    err: write,
    progress: write,
    endProgress: () => undefined,
    interactive: false,
    ask: async () => '',
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    text: () => out,
  };
}

describe('operations through the local cloud', () => {
  const admin = adminApi();
  const queue = 'image-processing';
  // The outages below fail only this file's jobs: another file's job on the queue may run meanwhile.
  const tag = 'operations';

  it('lists 20 failed jobs, redrives all of them back to complete, moves 3 chosen ids, purges only when confirmed, cleans and counts', async () => {
    // Prepare: the app refuses every job of this file, so 20 jobs land in the DLQ (other files share the cloud: counts are compared before and after)
    const totalsOf = async () =>
      (await admin.request('GET', `/admin/queues/${queue}/metrics`, { query: { minutes: '60' } })).body.totals as { completed: number; failed: number };
    const before = await totalsOf();
    await setTarget(queue, 'down', { only: tag });
    const ids = await Promise.all(Array.from({ length: 20 }, (_, index) => postJob(queue, { data: { image: index, tag } })));
    for (const id of ids) await untilStatus(id, 'failed', 45_000);

    // Act / Assess: failed lists them with their reasons, a page at a time
    const firstPage = await admin.request('GET', `/admin/queues/${queue}/failed`, { query: { limit: '15' } });
    const secondPage = await admin.request('GET', `/admin/queues/${queue}/failed`, { query: { limit: '15', cursor: String(firstPage.body.next_cursor) } });
    const listed = [...(firstPage.body.jobs as { job_id: string; category: string; reason: string }[]), ...(secondPage.body.jobs as { job_id: string }[])];
    expect(new Set(listed.map((job) => job.job_id))).toEqual(new Set(ids));
    expect((firstPage.body.jobs as { category: string; reason: string }[])[0]).toMatchObject({ category: 'client', reason: expect.stringContaining('400') });

    // A selective redrive of 3 ids moves exactly those (still failing, they come back)
    const chosen = ids.slice(0, 3);
    const selective = await admin.request('POST', `/admin/queues/${queue}/redrive`, { body: { job_ids: chosen } });
    expect(selective.status).toBe(200);
    expect((selective.body.moved as { job_id: string }[]).map((moved) => moved.job_id).sort()).toEqual([...chosen].sort());
    for (const id of chosen) await untilStatus(id, 'failed', 45_000);

    // The app is fixed; redrive --all from the CLI brings every one back, and all 20 complete
    await setTarget(queue, 'up');
    const io = capturedIo();
    const code = await runOps(['redrive', queue, '--all'], io, async () => admin);
    expect(code, io.text()).toBe(0);
    for (const id of ids) await untilStatus(id, 'completed', 60_000);

    // The CLI reads one job (any partner's) and the seeds' status view
    const jobIo = capturedIo();
    expect(await runOps(['job', ids[0] ?? ''], jobIo, async () => admin), jobIo.text()).toBe(0);
    expect(jobIo.text()).toMatch(/^status\s+completed$/m);
    expect(jobIo.text()).toMatch(/^partner\s+\S+$/m);
    const statusIo = capturedIo();
    expect(await runOps(['status'], statusIo, async () => admin), statusIo.text()).toBe(0);
    expect(statusIo.text()).toMatch(new RegExp(`^${queue}\\s+\\d+`, 'm'));
    expect(statusIo.text()).toMatch(/^counts as of /m);

    // Metrics show what the run produced: 20 completions, 20 + 3 failures (another file completes at most
    // one job of its own on this queue meanwhile, and fails none)
    const after = await totalsOf();
    expect(after.completed - before.completed).toBeGreaterThanOrEqual(20);
    expect(after.completed - before.completed).toBeLessThanOrEqual(21);
    expect(after.failed - before.failed).toBe(23);

    // Purge only with confirmation
    await setTarget(queue, 'down', { only: tag });
    const doomed = await postJob(queue, { data: { image: 'doomed', tag } });
    await untilStatus(doomed, 'failed');
    const unconfirmed = await admin.request('DELETE', `/admin/queues/${queue}/dlq`);
    const purged = await admin.request('DELETE', `/admin/queues/${queue}/dlq`, { query: { confirm: queue } });
    await setTarget(queue, 'up');
    expect(unconfirmed.status).toBe(400);
    expect(purged.status).toBe(200);
    expect(purged.body).toMatchObject({ purged: true, marked: 1 });
    const empty = await admin.request('POST', `/admin/queues/${queue}/redrive`, { body: { all: true } });
    expect(empty.status).toBe(409);

    // Clean removes exactly the records asked for: completed ones go, the failed (purged) one stays
    const cleaned = await admin.request('POST', `/admin/queues/${queue}/clean`, { body: { state: 'completed', older_than_hours: 0 } });
    expect(cleaned.body.deleted).toBeGreaterThanOrEqual(20);
    for (const id of ids) expect((await partnerCall(`/jobs/${id}`)).status).toBe(404);
    expect(await jobStatus(doomed)).toMatchObject({ status: 'failed' });
  }, 240_000);

  it('refuses bad input with a clear 4xx and changes nothing', async () => {
    // Act
    const unknown = await admin.request('GET', '/admin/queues/no-such-queue/failed');
    const notInDlq = await admin.request('POST', `/admin/queues/email/redrive`, { body: { job_ids: ['d-not-there'] } });
    const badState = await admin.request('POST', `/admin/queues/email/clean`, { body: { state: 'exploded', older_than_hours: 1 } });
    const noConfirm = await admin.request('DELETE', `/admin/queues/email/dlq`, { query: { confirm: 'payments' } });

    // Assess
    expect(unknown.status).toBe(404);
    expect(notInDlq.status).toBe(404);
    expect(notInDlq.body).toMatchObject({ ok: false, error: { code: 'not_in_dead_letter_queue' } });
    expect(badState.status).toBe(400);
    expect(noConfirm.status).toBe(400);
  });
});
