import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pendingPartition, scheduleShard, stateKey } from '../../../functions/adapters/job-keys';
import type { QueueClient } from '../../../functions/adapters/queue-client';
import type { JobMessage } from '../../../functions/core/job';
import { JOBS_TABLE } from '../../../functions/core/table-schema';
import { testEnvironment } from '../../helpers/emulators';
import { dataFor } from '../../helpers/job-data';
import { postBatch, postJob } from '../support/api-events';
import { FAST_BACKOFF, fromCatalog } from '../support/definitions';
import { IngestStoreFaultPipeline } from '../support/failing-ingest-store';
import { sendsFailingWhile } from '../support/failing-sends';
import { ShiftedClock } from '../support/shifted-clock';

/** One queue per case, so a case's consumers start only when it wants them to, and its lane holds only its own messages. */
const SINGLE = 'qr-analytics';
const BATCH = 'manychat-sync';
const DEDUP = 'credit-score-calculation';
const UNSENT = 'order-routing';
const UNRECORDED = 'data-export';
const UNRECORDED_BATCH = 'payment-reminders';
const UNKEPT = 'report-generation';
const RETRIED = 'image-processing';
const SCHED_PK = JOBS_TABLE.scheduleIndex.partitionKey;
const SCHED_AT = JOBS_TABLE.scheduleIndex.sortKey;

describe('plain jobs recorded without a schedule entry, through the ingest and the consumers', () => {
  const clock = new ShiftedClock();
  let dropSends = false;
  let failCreates: (job: { readonly data: unknown }) => boolean = () => false;
  let failMarkEnqueued = false;
  /** The messages the ingest got into a lane (a send that failed is not one). */
  const sent: JobMessage[] = [];
  /** The messages of the records the ingest tried to write, refused ones included. */
  const recorded: JobMessage[] = [];
  const ingestQueues = (queues: QueueClient): QueueClient => {
    const failing = sendsFailingWhile(queues, () => dropSends);
    return {
      ...failing,
      send: async (url, job) => {
        await failing.send(url, job);
        sent.push(job.message);
      },
      sendBatch: async (url, jobs) => {
        const failures = await failing.sendBatch(url, jobs);
        sent.push(...jobs.filter((_, index) => !failures.some((failure) => failure.index === index)).map((job) => job.message));
        return failures;
      },
    };
  };
  const pipeline = new IngestStoreFaultPipeline(
    {
      definitions: [
        ...[SINGLE, BATCH, DEDUP, UNSENT, UNRECORDED, UNRECORDED_BATCH, UNKEPT].map((name) => fromCatalog(name)),
        fromCatalog(RETRIED, { backoff: FAST_BACKOFF }),
      ],
      clock,
      ingestQueues,
    },
    {
      create: (job) => {
        recorded.push(job.message);
        return failCreates(job.message);
      },
      markEnqueued: () => failMarkEnqueued,
    },
  );
  const doc = DynamoDBDocumentClient.from(testEnvironment().dynamoDb);
  const stateOf = async (jobId: string) =>
    (await doc.send(new GetCommand({ TableName: pipeline.tableName, Key: stateKey(jobId), ConsistentRead: true }))).Item;
  const laneUrl = (queue: string) => pipeline.queues[queue]?.laneUrls.default ?? '';
  const sentOf = (jobId: string) => sent.filter((message) => message.jobId === jobId);
  /** The record once it is active in attempt `attempts`, read while the target holds that delivery. */
  const activeIn = (jobId: string, attempts: number) =>
    pipeline.until(`attempt ${attempts} of ${jobId} to be active`, async () => {
      const state = await stateOf(jobId);
      return state?.status === 'active' && state.attempts === attempts ? state : undefined;
    });

  beforeAll(async () => {
    await pipeline.start();
  });
  beforeEach(() => {
    pipeline.target.answer(() => ({ status: 200, body: { received: true } }));
  });
  afterAll(() => pipeline.stop());

  it('records a plain job with no schedule entry, marks its message, and runs it to completion without one', async () => {
    // Prepare: the target holds the delivery a while, so the record can be read while active
    pipeline.target.answer(() => ({ status: 200, body: { received: true }, delayMs: 1500 }));

    // Act
    const accepted = await pipeline.ingest(postJob(SINGLE, { data: dataFor(SINGLE, { scan: 'single' }) }));
    const jobId = accepted.json.job_id as string;
    const waiting = await stateOf(jobId);
    pipeline.startConsumers(SINGLE);
    const active = await activeIn(jobId, 1);
    await pipeline.untilStatus(jobId, 'completed');
    const completed = await stateOf(jobId);

    // Assess
    expect(accepted.statusCode).toBe(202);
    expect(waiting).toMatchObject({ status: 'waiting', attempts: 0 });
    expect(waiting).not.toHaveProperty(SCHED_PK);
    expect(active).not.toHaveProperty(SCHED_PK);
    expect(completed).toMatchObject({ status: 'completed', attempts: 1 });
    expect(completed).not.toHaveProperty(SCHED_PK);
    expect(sentOf(jobId)).toEqual([expect.objectContaining({ jobId, unindexed: true })]);
    expect(pipeline.target.of(jobId)).toHaveLength(1);
  });

  it('puts exactly one marked message per job of a batch in the lane, and runs each once', async () => {
    // Prepare
    const jobs = Array.from({ length: 6 }, (_, index) => ({ data: dataFor(BATCH, { contact: `c-${index}` }) }));

    // Act
    const accepted = await pipeline.ingest(postBatch(BATCH, jobs));
    const jobIds = (accepted.json.results as { job_id: string }[]).map((result) => result.job_id);
    const backlog = await pipeline.queueClient.backlog(laneUrl(BATCH));
    const waiting = await Promise.all(jobIds.map(stateOf));
    pipeline.startConsumers(BATCH);
    const done = await Promise.all(jobIds.map((jobId) => pipeline.untilStatus(jobId, 'completed')));
    await pipeline.until('the lane to drain', async () => (await pipeline.queueClient.backlog(laneUrl(BATCH))) === 0);

    // Assess
    expect(accepted.statusCode).toBe(202);
    expect(accepted.json).toMatchObject({ ok: true, accepted: jobs.length, rejected: 0 });
    expect(new Set(jobIds).size).toBe(jobs.length);
    expect(backlog).toBe(jobs.length);
    expect(jobIds.map((jobId) => sentOf(jobId).map((message) => message.unindexed))).toEqual(jobIds.map(() => [true]));
    for (const state of waiting) expect(state).not.toHaveProperty(SCHED_PK);
    expect(done.map((job) => job.attempts)).toEqual(jobIds.map(() => 1));
    expect(jobIds.map((jobId) => pipeline.target.of(jobId).length)).toEqual(jobIds.map(() => 1));
  });

  it('records a job with a dedup key with its schedule entry, and leaves its message unmarked', async () => {
    // Prepare
    const dedupKey = `score-${randomUUID()}`;

    // Act
    const accepted = await pipeline.ingest(postJob(DEDUP, { data: { retailer: 'r-1' }, dedup_key: dedupKey }));
    const jobId = accepted.json.job_id as string;
    const waiting = await stateOf(jobId);
    pipeline.startConsumers(DEDUP);
    const done = await pipeline.untilStatus(jobId, 'completed');

    // Assess
    expect(accepted.statusCode).toBe(202);
    expect(waiting).toMatchObject({ status: 'waiting', dedup_key: dedupKey, [SCHED_PK]: pendingPartition(scheduleShard(jobId)) });
    expect(sentOf(jobId)).toHaveLength(1);
    expect(sentOf(jobId)[0]).not.toHaveProperty('unindexed');
    expect(done).toMatchObject({ attempts: 1 });
    expect(await stateOf(jobId)).not.toHaveProperty(SCHED_PK);
  });

  it('gives a plain job whose send failed its pending entry, and the reconciler sends it once', async () => {
    // Prepare: the ingest's send fails
    dropSends = true;
    const accepted = await pipeline.ingest(postJob(UNSENT, { data: { order: 'o-1' } })).finally(() => {
      dropSends = false;
    });
    const jobId = accepted.json.job_id as string;
    const waiting = await stateOf(jobId);
    const backlog = await pipeline.queueClient.backlog(laneUrl(UNSENT));
    clock.advance(121_000);

    // Act
    const report = await pipeline.reconcile(120);
    pipeline.startConsumers(UNSENT);
    const done = await pipeline.untilStatus(jobId, 'completed');

    // Assess
    expect(accepted.statusCode).toBe(202);
    expect(waiting).toMatchObject({ status: 'waiting', [SCHED_PK]: pendingPartition(scheduleShard(jobId)), [SCHED_AT]: expect.any(Number) });
    expect(waiting?.[SCHED_AT]).toBe(Date.parse(waiting?.updated_at as string));
    expect(sentOf(jobId)).toEqual([]);
    expect(backlog).toBe(0);
    expect(report).toMatchObject({ sent: 1 });
    expect(done).toMatchObject({ attempts: 1 });
    expect(pipeline.target.of(jobId)).toHaveLength(1);
  });

  it('answers 500 when a plain job’s record write fails, and sends nothing for it', async () => {
    // Prepare: the ingest's record write fails
    failCreates = () => true;

    // Act
    const answered = await pipeline.ingest(postJob(UNRECORDED, { data: dataFor(UNRECORDED, { export: 'e-1' }) })).finally(() => {
      failCreates = () => false;
    });
    const backlog = await pipeline.queueClient.backlog(laneUrl(UNRECORDED));

    // Assess
    expect(answered.statusCode).toBe(500);
    expect(answered.json).toMatchObject({ ok: false, error: { code: 'internal_error' } });
    expect(backlog).toBe(0);
    expect(sent.filter((message) => message.queue === UNRECORDED)).toEqual([]);
  });

  it('refuses only the job of a batch whose record write failed, and sends the others', async () => {
    // Prepare: the write of the job marked `fails` fails
    const jobs = ['ok-0', 'fails', 'ok-2'].map((marker) => ({ data: { marker } }));
    failCreates = (message) => (message.data as { marker?: string }).marker === 'fails';

    // Act
    const answered = await pipeline.ingest(postBatch(UNRECORDED_BATCH, jobs)).finally(() => {
      failCreates = () => false;
    });
    const backlog = await pipeline.queueClient.backlog(laneUrl(UNRECORDED_BATCH));

    // Assess
    expect(answered.statusCode).toBe(207);
    expect(answered.json).toMatchObject({ accepted: 2, rejected: 1 });
    const results = answered.json.results as Record<string, unknown>[];
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'internal_error' } });
    expect(backlog).toBe(2);
    const markers = sent.filter((message) => message.queue === UNRECORDED_BATCH).map((message) => (message.data as { marker: string }).marker);
    expect(markers.sort()).toEqual(['ok-0', 'ok-2']);
  });

  it('answers 500 when a plain job’s send and its pending entry both fail, leaving its record unsent', async () => {
    // Prepare: the send fails, and so does the write that would keep the job for the reconciler
    dropSends = true;
    failMarkEnqueued = true;
    const data = { report: `r-${randomUUID()}` };

    // Act
    const answered = await pipeline.ingest(postJob(UNKEPT, { data })).finally(() => {
      dropSends = false;
      failMarkEnqueued = false;
    });
    const backlog = await pipeline.queueClient.backlog(laneUrl(UNKEPT));
    const written = recorded.filter((message) => message.queue === UNKEPT);
    const left = await stateOf(written[0]?.jobId ?? '');

    // Assess
    expect(answered.statusCode).toBe(500);
    expect(answered.json).toMatchObject({ ok: false, error: { code: 'internal_error' } });
    expect(backlog).toBe(0);
    expect(sent.filter((message) => message.queue === UNKEPT)).toEqual([]);
    expect(written).toEqual([expect.objectContaining({ data, unindexed: true })]);
    expect(left).toMatchObject({ status: 'waiting', attempts: 0 });
    expect(left).not.toHaveProperty(SCHED_PK);
  });

  it('gives a plain job its entry at the claim of a later receive, after a retryable failure, and completes it', async () => {
    // Prepare: the first delivery fails with a retryable 503; each delivery is held so the record can be read while active
    pipeline.target.answer((delivery) =>
      delivery.body.attempt === 1 ? { status: 503, delayMs: 1500 } : { status: 200, body: { received: true }, delayMs: 1500 },
    );

    // Act
    const accepted = await pipeline.ingest(postJob(RETRIED, { data: { image: 'i-1' } }));
    const jobId = accepted.json.job_id as string;
    pipeline.startConsumers(RETRIED);
    const first = await activeIn(jobId, 1);
    const second = await activeIn(jobId, 2);
    const done = await pipeline.untilStatus(jobId, 'completed');

    // Assess
    expect(accepted.statusCode).toBe(202);
    expect(sentOf(jobId)).toEqual([expect.objectContaining({ unindexed: true })]);
    expect(first).not.toHaveProperty(SCHED_PK);
    expect(second).toMatchObject({ [SCHED_PK]: pendingPartition(scheduleShard(jobId)), [SCHED_AT]: Date.parse(second.updated_at as string) });
    expect(done).toMatchObject({ attempts: 2 });
    expect(done.history.map((entry) => entry.outcome)).toEqual(['retrying', 'completed']);
    expect(await stateOf(jobId)).not.toHaveProperty(SCHED_PK);
    expect(pipeline.target.of(jobId)).toHaveLength(2);
  });
});
