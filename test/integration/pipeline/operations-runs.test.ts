import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueClient } from '../../../functions/adapters/queue-client';
import { payloadKey, pendingPartition, scheduleShard, stateKey } from '../../../functions/adapters/job-keys';
import { DynamoDbScheduleScanner } from '../../../functions/adapters/schedule-scan';
import { detectStuck } from '../../../functions/handlers/workflows/detect-stuck';
import { reconcileUnclaimed } from '../../../functions/handlers/workflows/reconcile';
import { testEnvironment } from '../../helpers/emulators';
import { postJob } from '../support/api-events';
import { fromCatalog } from '../support/definitions';
import { TestPipeline } from '../support/pipeline';
import { ShiftedClock } from '../support/shifted-clock';
import { sendsFailingWhile } from '../support/failing-sends';
import { dataFor } from '../../helpers/job-data';

const QUEUE = 'qr-analytics';

describe('the reconciler, the schedule shards and the stuck detector on DynamoDB Local', () => {
  const clock = new ShiftedClock();
  let dropSends = true;
  const crashingSends = (queues: QueueClient): QueueClient => sendsFailingWhile(queues, () => dropSends);

  const pipeline = new TestPipeline({ definitions: [fromCatalog(QUEUE)], clock, ingestQueues: crashingSends });
  const lostJob = async (): Promise<string> => {
    dropSends = true;
    const accepted = await pipeline.ingest(postJob(QUEUE, { data: dataFor(QUEUE, { scan: Math.random() }) }));
    return accepted.json.job_id as string;
  };

  beforeAll(async () => {
    await pipeline.start();
  });
  afterAll(() => pipeline.stop());

  it('leaves a paused queue’s unclaimed jobs alone, and re-sends them once it runs again', async () => {
    // Prepare
    const jobId = await lostJob();
    const { pauses } = pipeline.scheduledDeps();
    await pauses.setPaused(QUEUE, true, clock.now());
    clock.advance(121_000);

    // Act
    const whilePaused = await pipeline.reconcile(120);
    await pauses.setPaused(QUEUE, false, clock.now());
    const resumed = await pipeline.reconcile(120);

    // Assess
    expect(whilePaused).toMatchObject({ found: 0, paused: 1 });
    expect(resumed).toMatchObject({ found: 1, sent: 1, paused: 0 });
    expect((await pipeline.store.get(jobId))?.status).toBe('waiting');
  });

  it('finds an entry written under the old count of 4 shards, in a shard every listing still reads', async () => {
    // Prepare: move a lost job's entry to its old shard (hash mod 4), as a record written before the change holds it
    let jobId = await lostJob();
    while (scheduleShard(jobId, 4) === scheduleShard(jobId)) jobId = await lostJob();
    const doc = DynamoDBDocumentClient.from(testEnvironment().dynamoDb);
    await doc.send(
      new UpdateCommand({
        TableName: pipeline.tableName,
        Key: stateKey(jobId),
        UpdateExpression: 'SET sched_pk = :old',
        ExpressionAttributeValues: { ':old': pendingPartition(scheduleShard(jobId, 4)) },
      }),
    );
    clock.advance(3 * 121_000);

    // Act
    const found: string[] = [];
    const rounds = new DynamoDbScheduleScanner({ client: testEnvironment().dynamoDb, tableName: pipeline.tableName }).rounds('pending', clock.now().getTime(), 5);
    for (let page = await rounds.next(); page !== undefined; page = await rounds.next()) found.push(...page.map((entry) => entry.jobId));

    // Assess
    expect(found).toContain(jobId);
  });

  it('finds an active job whose lease ended long ago through its schedule entry, and fails it as stuck with its letter', async () => {
    // Prepare: a job claimed by a consumer that then vanished, with its payload in its own item
    dropSends = true;
    const accepted = await pipeline.ingest(postJob(QUEUE, { data: dataFor(QUEUE, { blob: 'x'.repeat(2000) }) }));
    const jobId = accepted.json.job_id as string;
    const job = await pipeline.store.get(jobId);
    await pipeline.store.claim(jobId, job?.runId ?? '', clock.now(), 1000);
    clock.advance(3_600_000);
    const deps = pipeline.scheduledDeps();
    const scheduled = {
      ...deps,
      timings: new Map([[QUEUE, { reconcileAfterSeconds: 60, activeStuckAfterSeconds: 600 }]]),
      defaultAfterSeconds: 900,
      deadLetterUrl: () => pipeline.queues[QUEUE]?.deadLetterUrl ?? '',
      payloadOf: async (id: string, runId: string) => {
        const { Item } = await DynamoDBDocumentClient.from(testEnvironment().dynamoDb).send(new GetCommand({ TableName: pipeline.tableName, Key: payloadKey(id, runId) }));
        return typeof Item?.payload === 'string' ? Item.payload : undefined;
      },
      metrics: { publish: () => undefined },
    };

    // Act
    const counts = await detectStuck(scheduled);

    // Assess
    expect(counts.active).toEqual({ stuck: 1, repaired: 1 });
    expect(await pipeline.store.get(jobId)).toMatchObject({ status: 'failed', error: { category: 'stuck' } });
    const left: string[] = [];
    const rounds = deps.schedule.rounds('pending', clock.now().getTime(), 50);
    for (let page = await rounds.next(); page !== undefined; page = await rounds.next()) left.push(...page.map((entry) => entry.jobId));
    expect(left).not.toContain(jobId);
  });

  it('leaves alone a job claimed and running: the reconciler re-sends only waiting jobs, the detector fails only lapsed leases', async () => {
    // Prepare: a job claimed with a lease longer than both runs' thresholds, so its entry is old and its holder alive
    dropSends = true;
    const accepted = await pipeline.ingest(postJob(QUEUE, { data: dataFor(QUEUE, { scan: Math.random() }) }));
    const jobId = accepted.json.job_id as string;
    const job = await pipeline.store.get(jobId);
    await pipeline.store.claim(jobId, job?.runId ?? '', clock.now(), 10 * 3_600_000);
    clock.advance(3_600_000);
    const deps = pipeline.scheduledDeps();
    const sent: string[] = [];
    // The real client, with what it is asked to send (to a lane or a dead-letter queue) recorded.
    const queues: QueueClient = Object.assign(Object.create(deps.queues) as QueueClient, {
      sendBatch: async (url: string, jobs: Parameters<QueueClient['sendBatch']>[1]) => {
        sent.push(...jobs.map((outgoing) => outgoing.message.jobId));
        return deps.queues.sendBatch(url, jobs);
      },
      moveToDeadLetter: async (url: string, letters: Parameters<QueueClient['moveToDeadLetter']>[1]) => {
        sent.push(...letters.map((letter) => letter.jobId));
        return deps.queues.moveToDeadLetter(url, letters);
      },
    });

    // Act
    await reconcileUnclaimed({ ...deps, queues, timings: new Map(), defaultAfterSeconds: 120 });
    const counts = await detectStuck({
      ...deps,
      queues,
      timings: new Map([[QUEUE, { reconcileAfterSeconds: 60, activeStuckAfterSeconds: 600 }]]),
      defaultAfterSeconds: 900,
      deadLetterUrl: () => pipeline.queues[QUEUE]?.deadLetterUrl ?? '',
      payloadOf: async () => '{}',
      metrics: { publish: () => undefined },
    });

    // Assess
    expect(sent).not.toContain(jobId);
    expect(counts.active).toEqual({ stuck: 0, repaired: 0 });
    expect(await pipeline.store.get(jobId)).toMatchObject({ status: 'active', attempts: 1 });
  });
});
