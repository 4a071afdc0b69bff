import { setTimeout } from 'node:timers/promises';
import { ReceiveMessageCommand, SendMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbConcurrencyPool } from '../../../functions/adapters/dynamodb-concurrency-pool';
import { POOL_WAIT_MS } from '../../../functions/handlers/workflows/pool-slots';
import { testEnvironment } from '../../helpers/emulators';
import { postJob } from '../support/api-events';
import { FAST_BACKOFF, fromCatalog } from '../support/definitions';
import { TestPipeline } from '../support/pipeline';

/**
 * A redrive moves dead letters back to a lane with their body and message
 * attributes (SQS's message move task keeps both): these tests move a letter
 * the same way, by hand, and let the consumer meet it.
 */
describe('a redriven dead letter reaches the consumer', () => {
  const pipeline = new TestPipeline({ definitions: [fromCatalog('order-routing', { backoff: FAST_BACKOFF, attempts: 2 })] });
  const queue = 'order-routing';

  beforeAll(async () => {
    await pipeline.start();
    pipeline.startConsumers(queue);
  });
  afterAll(() => pipeline.stop());

  /** Takes the job's letter out of the DLQ, with its attributes. */
  async function takeLetter(jobId: string): Promise<Message> {
    const { sqs } = testEnvironment();
    const url = pipeline.queues[queue]?.deadLetterUrl ?? '';
    return pipeline.until(`the letter of ${jobId}`, async () => {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], VisibilityTimeout: 30 }));
      return Messages.find((message) => message.MessageAttributes?.job_id?.StringValue === jobId);
    });
  }

  /** Sends a letter's body (and, for a redrive, its attributes) to the lane. */
  async function sendToLane(letter: Message, keepAttributes: boolean): Promise<void> {
    await testEnvironment().sqs.send(
      new SendMessageCommand({
        QueueUrl: pipeline.queues[queue]?.laneUrls.default ?? '',
        MessageBody: letter.Body ?? '',
        ...(keepAttributes ? { MessageAttributes: letter.MessageAttributes } : {}),
      }),
    );
  }

  it('reopens the failed record of that failure and runs the job again, attempts starting over', async () => {
    // Prepare: the target refuses the first delivery for good (400), then accepts
    let calls = 0;
    pipeline.target.answer(() => (calls++ === 0 ? { status: 400 } : { status: 200 }));
    const accepted = await pipeline.ingest(postJob(queue, { data: { order: 1 } }));
    const jobId = accepted.json.job_id as string;
    await pipeline.untilStatus(jobId, 'failed');
    const letter = await takeLetter(jobId);

    // Act
    await sendToLane(letter, true);
    const completed = await pipeline.untilStatus(jobId, 'completed');

    // Assess: one more delivery, attempt 1 again; the history keeps the failure
    expect(pipeline.target.of(jobId).map((delivery) => delivery.body.attempt)).toEqual([1, 1]);
    expect(completed.attempts).toBe(1);
    expect(completed.history.map((entry) => entry.outcome)).toEqual(['failed', 'completed']);
  });

  it('drops a plain copy of a failed job\'s message: only a letter can reopen it', async () => {
    // Prepare
    pipeline.target.answer(() => ({ status: 400 }));
    const accepted = await pipeline.ingest(postJob(queue, { data: { order: 2 } }));
    const jobId = accepted.json.job_id as string;
    await pipeline.untilStatus(jobId, 'failed');
    const letter = await takeLetter(jobId);

    // Act: the body alone, as a duplicate delivery would be, then a marker message to know the consumer got past it
    await sendToLane(letter, false);
    const marker = await pipeline.ingest(postJob(queue, { data: { order: 3 } }));
    pipeline.target.answer(() => ({ status: 200 }));
    await pipeline.untilStatus(marker.json.job_id as string, 'completed');

    // Assess
    expect(pipeline.target.of(jobId)).toHaveLength(1);
    expect(await pipeline.store.get(jobId)).toMatchObject({ status: 'failed' });
  });
});

/**
 * A redriven letter that meets a full concurrency pool is put back as a
 * delayed copy (a deferral spends no receive): the copy must still be a
 * letter, or its claim reads a plain copy of a failed job and drops it, and
 * the job, its letter already taken out of the DLQ, never runs again.
 */
describe('a redriven dead letter deferred before its claim', () => {
  const queue = 'order-routing';
  const pipeline = new TestPipeline({ definitions: [fromCatalog(queue, { backoff: FAST_BACKOFF, attempts: 2, concurrency: 1 })] });

  beforeAll(async () => {
    await pipeline.start();
    pipeline.startConsumers(queue);
  });
  afterAll(() => pipeline.stop());

  it('keeps its letter marks in the copy, and reopens its job once a slot is free', async () => {
    // Prepare: a job refused for good (400), its letter taken out of the DLQ as the move task takes it
    pipeline.target.answer(() => ({ status: 400 }));
    const refused = await pipeline.ingest(postJob(queue, { data: { order: 1 } }));
    const jobId = refused.json.job_id as string;
    await pipeline.untilStatus(jobId, 'failed');
    const { sqs, dynamoDb } = testEnvironment();
    const letter = await pipeline.until(`the letter of ${jobId}`, async () => {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: pipeline.queues[queue]?.deadLetterUrl ?? '', MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], VisibilityTimeout: 30 }),
      );
      return Messages.find((message) => message.MessageAttributes?.job_id?.StringValue === jobId);
    });
    pipeline.target.answer(() => ({ status: 200 }));
    // Another invocation holds the queue's one slot
    const pool = new DynamoDbConcurrencyPool({ client: dynamoDb, tableName: pipeline.tableName });
    const holder = 'another-invocation';
    await pipeline.until('the slot', async () => (await pool.acquire(queue, { token: holder, wanted: 1, limit: 1, headroom: 0, untilMs: Date.now() + 60_000 })) === 1 || undefined);

    // Act: the letter comes back while the slot is held for longer than a batch waits for one in process
    await sqs.send(new SendMessageCommand({ QueueUrl: pipeline.queues[queue]?.laneUrls.default ?? '', MessageBody: letter.Body ?? '', MessageAttributes: letter.MessageAttributes }));
    await setTimeout(POOL_WAIT_MS + 1000);
    const releasedAt = Date.now();
    await pool.release(queue, holder);
    const completed = await pipeline.untilStatus(jobId, 'completed');

    // Assess: deferred while the slot was held, then its record reopened
    const deliveries = pipeline.target.of(jobId);
    expect(deliveries.map((delivery) => delivery.body.attempt)).toEqual([1, 1]);
    expect(deliveries[1]?.at).toBeGreaterThanOrEqual(releasedAt);
    expect(completed.history.map((entry) => entry.outcome)).toEqual(['failed', 'completed']);
  });
});
