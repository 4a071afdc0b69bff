import { describe, expect, it, vi } from 'vitest';
import type { Clock } from '../../../functions/adapters/clock';
import type { IngestJobStore, NewJob } from '../../../functions/adapters/job-store';
import type { OutgoingJob } from '../../../functions/adapters/queue-client';
import { jobIdFor } from '../../../functions/core/dedup';
import { TransitionConflictError } from '../../../functions/core/errors';
import { queueSettingsOf, type QueueSettings } from '../../../functions/core/runtime-config';
import { planJob, validateJobRequest, type PlannedJob, type RecordOptions } from '../../../functions/handlers/workflows/accept-job';
import { queueDirectory } from '../../../functions/handlers/workflows/queue-directory';
import { acceptPlanned, mayGoUnindexed, type IngestAcceptDeps } from '../../../functions/handlers/workflows/unindexed-jobs';
import { A_PARTNER, FIXED_NOW, aJobRecord, aJobRequestBody, aQueueDefinition } from '../../helpers/factories';
import { aRecordingLogger, eachThrough, fakeQueues } from './consumer-fakes';

const clock: Clock = { now: () => FIXED_NOW, sleep: async () => undefined };

/** A standard queue with dedup and priority lanes, and a FIFO one. */
const payments = queueSettingsOf(aQueueDefinition({ dedup: true, lanes: true }));
const orders = queueSettingsOf(aQueueDefinition({ name: 'orders', fifo: true }));
const directory = queueDirectory([payments, orders], 'https://sqs.eu-west-1.amazonaws.com/123456789012', 'jobs');
const normalLane = directory.laneUrl(payments, 'normal');
const highLane = directory.laneUrl(payments, 'high');

/** Run ids handed out so far: each planned job gets its own. */
let runs = 0;

/** A job planned as the ingest plans it, from a request body (checked first, as the ingest checks it). */
function planned(body: Record<string, unknown> = {}, settings: QueueSettings = payments, options: RecordOptions = {}): PlannedJob {
  const newRunId = () => `run-${(runs += 1)}`;
  return planJob({ clock, directory, newRunId }, settings, validateJobRequest(settings, aJobRequestBody(body)), 'corr-1', A_PARTNER, options);
}

/**
 * Accept's dependencies with a store and queues that note each call, in
 * order, as `create <jobId>` (for either create), `send <jobId>` or
 * `mark <jobId>`; every create, send and mark succeeds unless a test says
 * otherwise.
 */
function recordingDeps() {
  const events: string[] = [];
  const create = vi.fn<IngestJobStore['create']>().mockImplementation(async (job: NewJob) => {
    events.push(`create ${job.message.jobId}`);
    return { created: true, job: aJobRecord({ jobId: job.message.jobId, runId: job.message.runId }) };
  });
  // A request's unindexed jobs are created together; each through `create` here, so a test that says how `create` answers says it for both.
  const createUnindexed = vi.fn<IngestJobStore['createUnindexed']>().mockImplementation(eachThrough(create));
  const markEnqueued = vi.fn<IngestJobStore['markEnqueued']>().mockImplementation(async (jobId: string) => {
    events.push(`mark ${jobId}`);
  });
  const queues = fakeQueues();
  queues.sendBatch.mockImplementation(async (_url: string, jobs: readonly OutgoingJob[]) => {
    for (const job of jobs) events.push(`send ${job.message.jobId}`);
    return [];
  });
  const { logger, calls } = aRecordingLogger();
  const deps: IngestAcceptDeps = { store: { create, createUnindexed, markEnqueued }, queues, directory, clock, logger };
  return { deps, events, create, createUnindexed, markEnqueued, queues, logs: calls };
}

/** The job a create call wrote, by its position among the calls. */
const createdJob = (create: ReturnType<typeof recordingDeps>['create'], call: number): NewJob | undefined => create.mock.calls[call]?.[0];

/** Every job sent, over all batch calls, in send order. */
const sentJobs = (queues: ReturnType<typeof recordingDeps>['queues']): OutgoingJob[] => queues.sendBatch.mock.calls.flatMap(([, jobs]) => jobs);

describe('mayGoUnindexed', () => {
  it('lets a plain immediate job on a standard queue go without a schedule entry', () => {
    // Prepare
    const job = planned();

    // Act
    const unindexed = mayGoUnindexed(job);

    // Assess
    expect(unindexed).toBe(true);
  });

  it('lets one whose payload is too large to sit in its record go so too (the payload item outlives the reconcile window)', () => {
    // Act / Assess
    expect(mayGoUnindexed(planned({ data: { blob: 'x'.repeat(700) } }))).toBe(true);
  });

  it.each<[string, () => PlannedJob]>([
    ['a dedup key (its twin may hold the id)', () => planned({ dedup_key: 'intent-42' })],
    ['a delay SQS holds', () => planned({ delay: 5000 })],
    ['a FIFO group', () => planned({ group_id: 'order-7' }, orders)],
    ["an inbound callback's raw text", () => planned({}, payments, { raw: '{"intentId":"intent-42","amount":1000}' })],
    ['a delay the sweeper keeps (no send at all)', () => planned({ delay: 3_600_000 })],
    ['dedupAcrossFinished', () => planned({}, payments, { dedupAcrossFinished: true })],
  ])('keeps the schedule entry of a job with %s', (_case, plan) => {
    // Prepare
    const job = plan();

    // Act
    const unindexed = mayGoUnindexed(job);

    // Assess
    expect(unindexed).toBe(false);
  });
});

describe('acceptPlanned: a plain job', () => {
  it('records it unindexed first, then sends the very message its record holds, marked unindexed', async () => {
    // Prepare
    const { deps, events, create, markEnqueued, queues } = recordingDeps();
    const job = planned({ attempts: 5 });
    const { jobId } = job.newJob.message;

    // Act
    const outcomes = await acceptPlanned(deps, [job]);

    // Assess
    expect(events).toEqual([`create ${jobId}`, `send ${jobId}`]);
    const recorded = createdJob(create, 0);
    expect(recorded).toMatchObject({ unindexed: true, maxAttempts: 5 });
    expect(recorded?.message.unindexed).toBe(true);
    expect(sentJobs(queues)[0]?.message).toEqual(recorded?.message);
    expect(markEnqueued).not.toHaveBeenCalled();
    expect(outcomes).toEqual([{ ok: true, acceptance: { duplicate: false, jobId, queue: 'payments', status: 'waiting', queuedAt: FIXED_NOW.toISOString() } }]);
  });

  it('sends the jobs of one lane in one batch, one batch per lane', async () => {
    // Prepare
    const { deps, queues } = recordingDeps();
    const jobs = [planned(), planned({ priority: 'high' }), planned(), planned()];

    // Act
    await acceptPlanned(deps, jobs);

    // Assess
    expect(queues.sendBatch).toHaveBeenCalledTimes(2);
    const byUrl = new Map(queues.sendBatch.mock.calls.map(([url, sent]) => [url, sent.map((job) => job.message.jobId)]));
    expect(byUrl.get(normalLane)).toEqual([jobs[0], jobs[2], jobs[3]].map((job) => job?.newJob.message.jobId));
    expect(byUrl.get(highLane)).toEqual([jobs[1]?.newJob.message.jobId]);
  });

  it('gives a job SQS refused in the batch its schedule entry, stamped now, sends it no more, and still accepts it', async () => {
    // Prepare: the second entry of the batch is refused
    const { deps, markEnqueued, queues, logs } = recordingDeps();
    queues.sendBatch.mockResolvedValue([{ index: 1, code: 'InternalError', message: 'try again' }]);
    const sent = planned();
    const refused = planned();

    // Act
    const outcomes = await acceptPlanned(deps, [sent, refused]);

    // Assess: the refused one is the reconciler's to send
    expect(markEnqueued.mock.calls).toEqual([[refused.newJob.message.jobId, refused.newJob.message.runId, FIXED_NOW]]);
    expect(queues.sendBatch).toHaveBeenCalledTimes(1);
    expect(outcomes).toEqual([
      { ok: true, acceptance: sent.acceptance },
      { ok: true, acceptance: refused.acceptance },
    ]);
    expect(logs).toContainEqual(['warn', expect.stringContaining('reconciler'), { job_id: refused.newJob.message.jobId, code: 'InternalError' }]);
  });

  it('gives every job of a batch call that threw its schedule entry, sends nothing again, and still accepts them', async () => {
    // Prepare
    const { deps, events, markEnqueued, queues } = recordingDeps();
    queues.sendBatch.mockRejectedValue(new Error('socket hang up'));
    const jobs = [planned(), planned()];

    // Act
    const outcomes = await acceptPlanned(deps, jobs);

    // Assess
    expect(queues.sendBatch).toHaveBeenCalledTimes(1);
    expect(markEnqueued.mock.calls).toEqual(expect.arrayContaining(jobs.map(({ newJob }) => [newJob.message.jobId, newJob.message.runId, FIXED_NOW])));
    expect(markEnqueued).toHaveBeenCalledTimes(2);
    expect(events.filter((event) => event.startsWith('send'))).toEqual([]);
    expect(outcomes).toEqual(jobs.map((job) => ({ ok: true, acceptance: job.acceptance })));
  });

  it('refuses a job whose send failed and whose schedule entry could not be written either, and logs it', async () => {
    // Prepare
    const { deps, markEnqueued, queues, logs } = recordingDeps();
    queues.sendBatch.mockResolvedValue([{ index: 0, code: 'InternalError', message: 'try again' }]);
    const failure = new Error('throttled');
    markEnqueued.mockRejectedValue(failure);
    const job = planned();

    // Act
    const outcomes = await acceptPlanned(deps, [job]);

    // Assess: its record stays behind unsent; the caller may post it again
    expect(outcomes).toEqual([{ ok: false, error: failure }]);
    expect(logs).toContainEqual(['error', expect.stringContaining('refused'), { job_id: job.newJob.message.jobId, error: failure }]);
  });

  it('accepts a job whose send seemed to fail but which a consumer has claimed already (the answer of the send was lost)', async () => {
    // Prepare
    const { deps, markEnqueued, queues } = recordingDeps();
    queues.sendBatch.mockRejectedValue(new Error('socket hang up'));
    const job = planned();
    markEnqueued.mockRejectedValue(new TransitionConflictError(job.newJob.message.jobId, 'mark enqueued', { context: { status: 'active' } }));

    // Act
    const outcomes = await acceptPlanned(deps, [job]);

    // Assess: refusing it would have the partner post it again, and run it twice
    expect(outcomes).toEqual([{ ok: true, acceptance: job.acceptance }]);
  });

  it('answers an error for a job whose record cannot be written, and sends nothing for it', async () => {
    // Prepare: the second job's record is refused
    const { deps, create, markEnqueued, queues } = recordingDeps();
    const kept = planned();
    const broken = planned();
    const failure = new Error('throttled');
    create.mockImplementation(async (job) => {
      if (job.message.jobId === broken.newJob.message.jobId) throw failure;
      return { created: true, job: aJobRecord({ jobId: job.message.jobId, runId: job.message.runId }) };
    });

    // Act
    const outcomes = await acceptPlanned(deps, [kept, broken]);

    // Assess
    expect(outcomes).toEqual([
      { ok: true, acceptance: kept.acceptance },
      { ok: false, error: failure },
    ]);
    expect(sentJobs(queues).map((job) => job.message.jobId)).toEqual([kept.newJob.message.jobId]);
    expect(markEnqueued).not.toHaveBeenCalled();
  });
});

describe('acceptPlanned: plain jobs created together', () => {
  it('creates two or more plain jobs in one batch create, and a lone one with the single put', async () => {
    // Prepare
    const { deps, create, createUnindexed } = recordingDeps();
    const jobs = [planned(), planned(), planned()];

    // Act
    await acceptPlanned(deps, jobs);
    await acceptPlanned(deps, [planned()]);

    // Assess
    expect(createUnindexed).toHaveBeenCalledTimes(1);
    expect(createUnindexed.mock.calls[0]?.[0].map((job) => job.message.jobId)).toEqual(jobs.map((job) => job.newJob.message.jobId));
    expect(createUnindexed.mock.calls[0]?.[0].every((job) => job.unindexed === true && job.message.unindexed === true)).toBe(true);
    // Three through the batch create (this fake's), and the lone one on its own.
    expect(create).toHaveBeenCalledTimes(4);
  });

  it('keeps the conditional create for the jobs with a schedule entry beside a batch of plain ones', async () => {
    // Prepare
    const { deps, createUnindexed, queues } = recordingDeps();
    const plain = [planned(), planned()];
    const keyed = planned({ dedup_key: 'intent-42' });

    // Act
    const outcomes = await acceptPlanned(deps, [plain[0] as PlannedJob, keyed, plain[1] as PlannedJob]);

    // Assess
    expect(createUnindexed.mock.calls[0]?.[0].map((job) => job.message.jobId)).toEqual(plain.map((job) => job.newJob.message.jobId));
    expect(sentJobs(queues).map((job) => job.message.jobId)).toEqual([plain[0], keyed, plain[1]].map((job) => job?.newJob.message.jobId));
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
  });

  it('refuses, and sends nothing for, the jobs of a batch create that failed for them, and accepts the rest', async () => {
    // Prepare: the store reports the second job's record unwritten
    const { deps, createUnindexed, queues, markEnqueued } = recordingDeps();
    const jobs = [planned(), planned(), planned()];
    const failure = new Error('left unprocessed');
    createUnindexed.mockResolvedValue([undefined, failure, undefined]);

    // Act
    const outcomes = await acceptPlanned(deps, jobs);

    // Assess
    expect(outcomes).toEqual([
      { ok: true, acceptance: jobs[0]?.acceptance },
      { ok: false, error: failure },
      { ok: true, acceptance: jobs[2]?.acceptance },
    ]);
    expect(sentJobs(queues).map((job) => job.message.jobId)).toEqual([jobs[0], jobs[2]].map((job) => job?.newJob.message.jobId));
    expect(markEnqueued).not.toHaveBeenCalled();
  });

  it('refuses every job of a batch create that threw, and still accepts and sends the others of the request', async () => {
    // Prepare
    const { deps, createUnindexed, queues } = recordingDeps();
    const failure = new Error('socket hang up');
    createUnindexed.mockRejectedValue(failure);
    const plain = [planned(), planned()];
    const keyed = planned({ dedup_key: 'intent-42' });

    // Act
    const outcomes = await acceptPlanned(deps, [...plain, keyed]);

    // Assess
    expect(outcomes).toEqual([
      { ok: false, error: failure },
      { ok: false, error: failure },
      { ok: true, acceptance: keyed.acceptance },
    ]);
    expect(sentJobs(queues).map((job) => job.message.jobId)).toEqual([keyed.newJob.message.jobId]);
  });
});

describe('acceptPlanned: a job that keeps its schedule entry', () => {
  it('records a job with a dedup key with its entry and sends it unmarked', async () => {
    // Prepare
    const { deps, events, create, queues } = recordingDeps();
    const job = planned({ dedup_key: 'intent-42' });
    const { jobId } = job.newJob.message;

    // Act
    const outcomes = await acceptPlanned(deps, [job]);

    // Assess
    expect(jobId).toBe(jobIdFor(A_PARTNER, 'payments', 'intent-42'));
    expect(events).toEqual([`create ${jobId}`, `send ${jobId}`]);
    expect(createdJob(create, 0)).not.toHaveProperty('unindexed');
    expect(createdJob(create, 0)?.message).not.toHaveProperty('unindexed');
    expect(sentJobs(queues)[0]?.message).not.toHaveProperty('unindexed');
    expect(outcomes).toEqual([{ ok: true, acceptance: job.acceptance }]);
  });

  it('leaves a failed send of such a job to the reconciler, which finds it by the entry it already has', async () => {
    // Prepare
    const { deps, markEnqueued, queues } = recordingDeps();
    queues.sendBatch.mockRejectedValue(new Error('socket hang up'));
    const job = planned({ dedup_key: 'intent-42' });

    // Act
    const outcomes = await acceptPlanned(deps, [job]);

    // Assess
    expect(markEnqueued).not.toHaveBeenCalled();
    expect(outcomes).toEqual([{ ok: true, acceptance: job.acceptance }]);
  });

  it('answers an error for such a job whose record cannot be written, and sends nothing for it', async () => {
    // Prepare
    const { deps, create, queues } = recordingDeps();
    const failure = new Error('throttled');
    create.mockRejectedValue(failure);

    // Act
    const outcomes = await acceptPlanned(deps, [planned({ dedup_key: 'intent-42' })]);

    // Assess
    expect(outcomes).toEqual([{ ok: false, error: failure }]);
    expect(sentJobs(queues)).toEqual([]);
  });
});

describe('acceptPlanned: a mixed list', () => {
  it('sends the jobs of a FIFO group in the order of the request, whichever record lands first', async () => {
    // Prepare: the first job's record is the slowest to land
    const { deps, create, queues } = recordingDeps();
    const jobs = [0, 1, 2].map((step) => planned({ group_id: 'order-7', data: { step } }, orders));
    create.mockImplementation(async (job) => {
      const position = jobs.findIndex((entry) => entry.newJob.message.jobId === job.message.jobId);
      await new Promise((resolve) => setTimeout(resolve, (jobs.length - position) * 5));
      return { created: true, job: aJobRecord({ jobId: job.message.jobId }) };
    });

    // Act
    await acceptPlanned(deps, jobs);

    // Assess
    expect(sentJobs(queues).map((job) => job.message.jobId)).toEqual(jobs.map((job) => job.newJob.message.jobId));
  });

  it('sends jobs with and without a schedule entry to one lane in one batch, and handles each failure its own way', async () => {
    // Prepare
    const { deps, queues, markEnqueued, logs } = recordingDeps();
    const plain = planned();
    const keyed = planned({ dedup_key: 'intent-42' });
    queues.sendBatch.mockResolvedValue([
      { index: 0, code: 'InternalError', message: 'try again' },
      { index: 1, code: 'InternalError', message: 'try again' },
    ]);

    // Act
    const outcomes = await acceptPlanned(deps, [plain, keyed]);

    // Assess
    expect(queues.sendBatch).toHaveBeenCalledTimes(1);
    expect(new Set(sentJobs(queues).map((job) => job.message.jobId))).toEqual(new Set([plain.newJob.message.jobId, keyed.newJob.message.jobId]));
    expect(markEnqueued.mock.calls.map(([jobId]) => jobId)).toEqual([plain.newJob.message.jobId]);
    expect(logs).toContainEqual(['warn', 'send failed; the reconciler will enqueue the job', { job_id: plain.newJob.message.jobId, code: 'InternalError' }]);
    expect(logs).toContainEqual(['error', 'send failed; the reconciler will enqueue the job', { job_id: keyed.newJob.message.jobId, code: 'InternalError' }]);
    expect(outcomes).toEqual([
      { ok: true, acceptance: plain.acceptance },
      { ok: true, acceptance: keyed.acceptance },
    ]);
  });

  it('answers each job in input order, whichever way it went', async () => {
    // Prepare: a plain job, a duplicate (its twin is live), a job for the sweeper, and one the store refuses
    const { deps, create } = recordingDeps();
    const plain = planned();
    const duplicate = planned({ dedup_key: 'intent-42' });
    const later = planned({ delay: 3_600_000 });
    const broken = planned({ dedup_key: 'intent-43' });
    const failure = new Error('throttled');
    create.mockImplementation(async (job) => {
      if (job.message.jobId === broken.newJob.message.jobId) throw failure;
      if (job.message.jobId === duplicate.newJob.message.jobId) {
        return { created: false, existing: aJobRecord({ jobId: job.message.jobId, runId: 'run-of-the-twin', status: 'active', attempts: 1 }) };
      }
      return { created: true, job: aJobRecord({ jobId: job.message.jobId }) };
    });

    // Act
    const outcomes = await acceptPlanned(deps, [plain, duplicate, later, broken]);

    // Assess
    expect(outcomes).toEqual([
      { ok: true, acceptance: plain.acceptance },
      { ok: true, acceptance: { duplicate: true, jobId: duplicate.newJob.message.jobId, queue: 'payments', status: 'active' } },
      { ok: true, acceptance: later.acceptance },
      { ok: false, error: failure },
    ]);
  });
});
