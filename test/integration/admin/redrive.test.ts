import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnvironment } from '../../helpers/emulators';
import { postJob } from '../support/api-events';
import { FAST_BACKOFF, fromCatalog } from '../support/definitions';
import { TestPipeline } from '../support/pipeline';
import { admin } from './support/admin-events';
import { AdminHarness } from './support/admin-harness';
import { deadLetterJobIds } from './support/dead-letter-peek';

const QUEUE = 'webhook-delivery';

describe('dead-letter operations: failed jobs, redrive, retry, purge', () => {
  const pipeline = new TestPipeline({ definitions: [fromCatalog(QUEUE, { attempts: 1, backoff: FAST_BACKOFF, timeoutMs: 2000 })] });
  const harness = new AdminHarness(pipeline);
  let healthy = false;
  const dlqUrl = () => pipeline.queues[QUEUE]?.deadLetterUrl ?? '';
  const dlq = () => deadLetterJobIds(testEnvironment().sqs, dlqUrl());

  /** Posts jobs that the target refuses (400: dead-lettered at once) and waits until every one has failed. */
  const failJobs = async (count: number, priority?: string): Promise<string[]> => {
    healthy = false;
    const ids: string[] = [];
    for (let index = 0; index < count; index += 1) {
      const accepted = await pipeline.ingest(postJob(QUEUE, { data: { n: index }, ...(priority === undefined ? {} : { priority }) }));
      ids.push(accepted.json.job_id as string);
    }
    await Promise.all(ids.map((id) => pipeline.untilStatus(id, 'failed')));
    return ids;
  };

  beforeAll(async () => {
    await pipeline.start();
    await harness.start();
    pipeline.target.answer(() => (healthy ? { status: 200, body: { ok: true } } : { status: 400, body: { error: 'bad request' } }));
    harness.startConsumers(QUEUE);
  });
  afterAll(async () => {
    await pipeline.stop();
    await harness.stop();
  });

  let first: string[] = [];

  it('lists 20 dead-lettered jobs with their reasons, newest first, a page at a time', async () => {
    // Prepare
    first = await failJobs(20);

    // Act
    const pages = [];
    let cursor: string | undefined;
    do {
      const page = await harness.call(admin.failed(QUEUE, { limit: '8', ...(cursor === undefined ? {} : { cursor }) }));
      pages.push(page);
      cursor = (page.json.next_cursor as string | null) ?? undefined;
    } while (cursor !== undefined);
    const byCategory = await harness.call(admin.failed(QUEUE, { category: 'server' }));

    // Assess
    expect(pages.map((page) => (page.json.jobs as unknown[]).length)).toEqual([8, 8, 4]);
    const jobs = pages.flatMap((page) => page.json.jobs as Record<string, unknown>[]);
    expect(jobs.map((job) => job.job_id).sort()).toEqual([...first].sort());
    const failedAts = jobs.map((job) => Date.parse(job.failed_at as string));
    expect(failedAts).toEqual([...failedAts].sort((a, b) => b - a));
    expect(jobs[0]).toMatchObject({ category: 'client', attempts: 1, max_attempts: 1, payload_bytes: expect.any(Number) });
    expect(jobs[0]?.reason).toContain('400');
    expect(byCategory.json.jobs).toEqual([]);
    expect(await dlq()).toEqual([...first].sort());
  });

  it('refuses a redrive naming ids not in the DLQ, listing them and moving nothing', async () => {
    // Act
    const answer = await harness.call(admin.redrive(QUEUE, { job_ids: [first[0], 'not-a-failed-job'] }));

    // Assess
    expect(answer.statusCode).toBe(404);
    expect(answer.json).toMatchObject({ ok: false, error: { code: 'not_in_dead_letter_queue', details: { missing: ['not-a-failed-job'] } } });
    expect((await pipeline.store.get(first[0] ?? ''))?.status).toBe('failed');
    expect(await dlq()).toEqual([...first].sort());
  });

  it('redrives all 20 with the move task, the claims resetting each record: history kept, and all complete once the target is healthy', async () => {
    // Prepare
    healthy = true;

    // Act
    const started = await harness.call(admin.redrive(QUEUE, { all: true, max_per_second: 100 }));
    await Promise.all(first.map((id) => pipeline.untilStatus(id, 'completed')));
    const status = await harness.call(admin.redriveStatus(QUEUE));

    // Assess
    expect(started.statusCode).toBe(202);
    expect(started.json).toMatchObject({ ok: true, mode: 'all', dlq: 20, destination_lane: 'normal', max_per_second: 100 });
    expect(started.json).not.toHaveProperty('reset');
    expect(status.json).toMatchObject({ ok: true, dlq: 0, task: { status: 'COMPLETED', moved: 20, destination_lane: 'normal' } });
    const job = await pipeline.store.get(first[0] ?? '');
    expect(job).toMatchObject({ status: 'completed', attempts: 1 });
    expect(job?.history.map((entry) => entry.outcome)).toEqual(['failed', 'completed']);
    expect(await dlq()).toEqual([]);
    expect((await harness.call(admin.failed(QUEUE))).json.jobs).toEqual([]);
  });

  let second: string[] = [];

  it('redrives exactly the 3 jobs named, each to its own lane, and leaves the rest', async () => {
    // Prepare: 2 high-priority failures and 3 normal ones
    second = [...(await failJobs(2, 'high')), ...(await failJobs(3))];
    const chosen = [second[0] ?? '', second[2] ?? '', second[3] ?? ''];
    healthy = true;

    // Act
    const answer = await harness.call(admin.redrive(QUEUE, { job_ids: chosen }));
    await Promise.all(chosen.map((id) => pipeline.untilStatus(id, 'completed')));

    // Assess
    expect(answer.statusCode).toBe(200);
    expect(answer.json).toMatchObject({ ok: true, mode: 'job_ids', reset: 3 });
    expect(answer.json.moved).toEqual(
      expect.arrayContaining([{ job_id: second[0], lane: 'high' }, { job_id: second[2], lane: 'normal' }, { job_id: second[3], lane: 'normal' }]),
    );
    const left = [second[1] ?? '', second[4] ?? ''].sort();
    expect(await dlq()).toEqual(left);
    const listed = (await harness.call(admin.failed(QUEUE))).json.jobs as { job_id: string }[];
    expect(listed.map((job) => job.job_id).sort()).toEqual(left);
  });

  it('retries one failed job, and refuses a job that is not failed or does not exist', async () => {
    // Prepare
    const [jobId = ''] = await failJobs(1);
    healthy = true;

    // Act
    const retried = await harness.call(admin.retry(jobId));
    await pipeline.untilStatus(jobId, 'completed');
    const again = await harness.call(admin.retry(jobId));
    const unknown = await harness.call(admin.retry('no-such-job'));

    // Assess
    expect(retried.json).toMatchObject({ ok: true, job_id: jobId, queue: QUEUE, status: 'waiting', lane: 'normal' });
    expect(again.statusCode).toBe(409);
    expect(again.json).toMatchObject({ error: { code: 'not_failed' } });
    expect(unknown.statusCode).toBe(404);
  });

  it('purges the DLQ only with the queue name as confirmation, and marks those records', async () => {
    // Act
    const unconfirmed = await harness.call(admin.purge(QUEUE));
    const wrong = await harness.call(admin.purge(QUEUE, 'payments'));
    const before = await dlq();
    const purged = await harness.call(admin.purge(QUEUE, QUEUE));

    // Assess
    expect(unconfirmed.statusCode).toBe(400);
    expect(unconfirmed.json).toMatchObject({ ok: false, error: { code: 'confirmation_required' } });
    expect(wrong.statusCode).toBe(400);
    expect(before).toHaveLength(2);
    expect(purged.json).toMatchObject({ ok: true, purged: true, marked: 2 });
    expect(await dlq()).toEqual([]);
    expect((await harness.call(admin.failed(QUEUE))).json.jobs).toEqual([]);
    expect((await pipeline.store.get(second[1] ?? ''))?.status).toBe('failed');
  });

  it('answers bad input with a clear 4xx', async () => {
    // Act
    const answers = await Promise.all([
      harness.call(admin.failed('no-such-queue')),
      harness.call(admin.redrive('no-such-queue', { all: true })),
      harness.call(admin.redrive(QUEUE, { all: true })),
      harness.call(admin.redrive(QUEUE, { all: true, job_ids: ['a'] })),
      harness.call(admin.redrive(QUEUE, {})),
      harness.call(admin.clean(QUEUE, { state: 'active', older_than_hours: 1 })),
      harness.call(admin.failed(QUEUE, { cursor: 'bm90LWEtY3Vyc29y' })),
      harness.call(admin.metrics(QUEUE, '0')),
    ]);

    // Assess
    expect(answers.map((answer) => [answer.statusCode, (answer.json.error as { code: string }).code])).toEqual([
      [404, 'unknown_queue'],
      [404, 'unknown_queue'],
      [409, 'dlq_empty'],
      [400, 'invalid_request'],
      [400, 'invalid_request'],
      [400, 'invalid_request'],
      [400, 'invalid_request'],
      [400, 'invalid_request'],
    ]);
  });
});
