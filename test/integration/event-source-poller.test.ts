import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it, type TestContext } from 'vitest';
import { EventSourcePoller, type EventSourcePollerOptions } from '../../local/event-source-poller';
import { testEnvironment, uniqueName } from '../helpers/emulators';
import { waitFor } from '../helpers/wait-for';

/** Short, so that failed messages come back quickly. */
const VISIBILITY_SECONDS = 1;

async function createQueue(visibilitySeconds = VISIBILITY_SECONDS): Promise<{ queueUrl: string; queueArn: string }> {
  const { sqs } = testEnvironment();
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: uniqueName('esm'), Attributes: { VisibilityTimeout: String(visibilitySeconds) } }),
  );
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  if (QueueUrl === undefined || Attributes?.QueueArn === undefined) throw new Error('queue was not created');
  return { queueUrl: QueueUrl, queueArn: Attributes.QueueArn };
}

async function send(queueUrl: string, bodies: readonly string[]): Promise<void> {
  const { sqs } = testEnvironment();
  for (let start = 0; start < bodies.length; start += 10) {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: bodies.slice(start, start + 10).map((body, index) => ({
          Id: String(index),
          MessageBody: body,
          MessageAttributes: { kind: { DataType: 'String', StringValue: 'test' } },
        })),
      }),
    );
  }
}

/** Everything visible in the queue now, taken straight from SQS (not through a poller). */
async function receiveAll(queueUrl: string): Promise<Message[]> {
  const { sqs } = testEnvironment();
  const received: Message[] = [];
  for (;;) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'] }),
    );
    if (Messages === undefined || Messages.length === 0) return received;
    received.push(...Messages);
  }
}

/** A poller on `queue` with test defaults, stopped when the test ends. */
function poller(
  context: Pick<TestContext, 'onTestFinished'>,
  queue: { queueUrl: string; queueArn: string },
  handler: (event: SQSEvent) => Promise<SQSBatchResponse | void>,
  settings: Partial<EventSourcePollerOptions> = {},
): EventSourcePoller {
  const created = new EventSourcePoller({
    client: testEnvironment().sqs,
    ...queue,
    batchSize: 10,
    maximumConcurrency: 2,
    reportBatchItemFailures: true,
    handler,
    onError: () => undefined,
    ...settings,
  });
  context.onTestFinished(() => created.stop());
  return created;
}

const bodies = (count: number): string[] => Array.from({ length: count }, (_, i) => `m${i}`);
const bodiesOf = (records: readonly { body?: string; Body?: string }[]): string[] =>
  records.map((record) => record.body ?? record.Body ?? '').sort();

// Each test has its own queue and poller, so they run side by side.
describe.concurrent('EventSourcePoller', () => {
  it('hands the handler records in the shape Lambda does', async ({ onTestFinished }) => {
    const queue = await createQueue();
    await send(queue.queueUrl, ['hello']);
    const seen: SQSRecord[] = [];
    const esm = poller({ onTestFinished }, queue, async (event) => void seen.push(...event.Records));

    esm.start();
    await waitFor('one record', () => seen.length === 1);

    expect(seen[0]).toMatchObject({
      body: 'hello',
      eventSource: 'aws:sqs',
      eventSourceARN: queue.queueArn,
      awsRegion: 'us-east-1',
      md5OfBody: '5d41402abc4b2a76b9719d911017c592',
      attributes: { ApproximateReceiveCount: '1', SenderId: expect.any(String) },
      messageAttributes: { kind: { stringValue: 'test', stringListValues: [], binaryListValues: [], dataType: 'String' } },
    });
    expect(Number(seen[0]?.attributes.SentTimestamp)).toBeGreaterThan(0);
    expect(Number(seen[0]?.attributes.ApproximateFirstReceiveTimestamp)).toBeGreaterThan(0);
  });

  it('never hands over more records than batchSize', async ({ onTestFinished }) => {
    const queue = await createQueue();
    await send(queue.queueUrl, bodies(10));
    const batches: string[][] = [];
    const esm = poller({ onTestFinished }, queue, async (event) => void batches.push(bodiesOf(event.Records)), { batchSize: 3 });

    esm.start();
    await waitFor('all 10 messages', () => batches.flat().length === 10);

    expect(Math.max(...batches.map((batch) => batch.length))).toBe(3);
    expect(batches.flat().sort()).toEqual(bodies(10).sort());
  });

  it('gathers a batch above 10 over several receives within the batching window', async ({ onTestFinished }) => {
    const queue = await createQueue();
    await send(queue.queueUrl, bodies(25));
    const batches: string[][] = [];
    const esm = poller({ onTestFinished }, queue, async (event) => void batches.push(bodiesOf(event.Records)), {
      batchSize: 25,
      // Long enough to never expire here: the batch must fill first.
      maximumBatchingWindowMs: 5_000,
    });

    esm.start();
    await waitFor('all 25 messages', () => batches.flat().length === 25);

    expect(batches.map((batch) => batch.length)).toEqual([25]);
  });

  it('deletes all but the reported failures, which come back after their visibility timeout', async ({ onTestFinished }) => {
    const queue = await createQueue();
    await send(queue.queueUrl, bodies(5));
    const deliveries: { body: string; receiveCount: string; firstReceivedAt: number; handledAt: number }[] = [];
    const esm = poller({ onTestFinished }, queue, async (event) => {
      const { Records } = event;
      deliveries.push(
        ...Records.map((record) => ({
          body: record.body,
          receiveCount: record.attributes.ApproximateReceiveCount,
          firstReceivedAt: Number(record.attributes.ApproximateFirstReceiveTimestamp),
          handledAt: Date.now(),
        })),
      );
      // Fail m1 and m3 the first time only.
      const failed = Records.filter((record) => record.attributes.ApproximateReceiveCount === '1' && ['m1', 'm3'].includes(record.body));
      return { batchItemFailures: failed.map((record) => ({ itemIdentifier: record.messageId })) };
    });

    esm.start();
    await waitFor('the failures to come back', () => deliveries.filter((d) => d.receiveCount === '2').length >= 2);
    await esm.setEnabled(false);
    await sleep(VISIBILITY_SECONDS * 1000 + 200);

    const firsts = deliveries.filter((delivery) => delivery.receiveCount === '1');
    const returns = deliveries.filter((delivery) => delivery.receiveCount !== '1');
    expect(bodiesOf(firsts)).toEqual(bodies(5));
    expect(bodiesOf(returns)).toEqual(['m1', 'm3']);
    expect(returns.map((d) => d.receiveCount)).toEqual(['2', '2']);
    for (const d of returns) expect(d.handledAt - d.firstReceivedAt).toBeGreaterThanOrEqual(VISIBILITY_SECONDS * 1000);
    expect(await receiveAll(queue.queueUrl)).toEqual([]);
  });

  it.for([
    ['throws', async (): Promise<SQSBatchResponse> => Promise.reject(new Error('boom'))],
    ['names a message outside the batch', async (): Promise<SQSBatchResponse> => ({ batchItemFailures: [{ itemIdentifier: 'nope' }] })],
    ['returns an empty itemIdentifier', async (): Promise<SQSBatchResponse> => ({ batchItemFailures: [{ itemIdentifier: '' }] })],
  ] as const)('deletes nothing when the handler %s', async ([, respond], { onTestFinished }) => {
    const queue = await createQueue();
    await send(queue.queueUrl, bodies(4));
    const errors: Error[] = [];
    let invocations = 0;
    const esm = poller(
      { onTestFinished },
      queue,
      async () => {
        invocations++;
        return respond();
      },
      { onError: (error) => errors.push(error) },
    );

    esm.start();
    await waitFor('an invocation', () => invocations > 0);
    await esm.setEnabled(false);
    await sleep(VISIBILITY_SECONDS * 1000 + 200);

    expect(bodiesOf(await receiveAll(queue.queueUrl))).toEqual(bodies(4));
    expect(errors.length).toBeGreaterThan(0);
  });

  it('without reportBatchItemFailures, deletes the whole batch once the handler succeeds', async ({ onTestFinished }) => {
    const queue = await createQueue();
    await send(queue.queueUrl, bodies(4));
    let handled = 0;
    const esm = poller(
      { onTestFinished },
      queue,
      async (event) => {
        handled += event.Records.length;
        // Ignored: the mapping does not read responses without ReportBatchItemFailures.
        return { batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })) };
      },
      { reportBatchItemFailures: false },
    );

    esm.start();
    await waitFor('all 4 messages', () => handled === 4);
    await esm.setEnabled(false);
    await sleep(VISIBILITY_SECONDS * 1000 + 200);

    expect(await receiveAll(queue.queueUrl)).toEqual([]);
    expect(handled).toBe(4);
  });

  it('receives the next batch while the last one is still being deleted, and stops only once its deletes land', async ({ onTestFinished }) => {
    // Prepare: three batches' worth; no delete reaches SQS until the gate opens
    const queue = await createQueue(30);
    await send(queue.queueUrl, bodies(30));
    const { sqs } = testEnvironment();
    let openGate = (): void => undefined;
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    let deletesLanded = 0;
    const gated = {
      send: async (command: unknown) => {
        if (!(command instanceof DeleteMessageBatchCommand)) return sqs.send(command as ReceiveMessageCommand);
        await gate;
        const answer = await sqs.send(command);
        deletesLanded++;
        return answer;
      },
    } as unknown as SQSClient;
    const handled: string[] = [];
    const esm = poller({ onTestFinished }, queue, async (event) => void handled.push(...bodiesOf(event.Records)), { client: gated });

    // Act: two pollers at most, yet the third batch comes before any delete has landed
    esm.start();
    await waitFor('all 30 messages', () => handled.length === 30);
    let stopped = false;
    const stopping = esm.stop().then(() => {
      stopped = true;
    });
    await sleep(200);
    const stoppedBeforeDeletes = stopped;
    openGate();
    await stopping;

    // Assess
    expect(stoppedBeforeDeletes).toBe(false);
    expect(deletesLanded).toBe(3);
    expect(handled.sort()).toEqual(bodies(30).sort());
    expect(await receiveAll(queue.queueUrl)).toEqual([]);
  });

  it('runs up to maximumConcurrency batches at once, never more', async ({ onTestFinished }) => {
    const queue = await createQueue();
    await send(queue.queueUrl, bodies(24));
    let active = 0;
    let peak = 0;
    let handled = 0;
    const esm = poller(
      { onTestFinished },
      queue,
      async (event) => {
        active++;
        peak = Math.max(peak, active);
        await sleep(100);
        active--;
        handled += event.Records.length;
      },
      { batchSize: 1, maximumConcurrency: 3 },
    );

    esm.start();
    await waitFor('all 24 messages', () => handled === 24);

    expect(peak).toBe(3);
  });

  it('leaves messages waiting while disabled and drains them once enabled', async ({ onTestFinished }) => {
    const queue = await createQueue();
    const handled: string[] = [];
    const esm = poller({ onTestFinished }, queue, async (event) => void handled.push(...bodiesOf(event.Records)), { enabled: false });

    esm.start();
    await send(queue.queueUrl, bodies(5));
    await sleep(1_200);
    expect(handled).toEqual([]);
    expect(esm.enabled).toBe(false);

    await esm.setEnabled(true);
    await waitFor('all 5 messages', () => handled.length === 5);
    await esm.setEnabled(false);
    await send(queue.queueUrl, ['late']);
    await sleep(1_200);
    expect(handled.sort()).toEqual(bodies(5).sort());

    await esm.setEnabled(true);
    await waitFor('the late message', () => handled.includes('late'));
  });

  it('rejects settings Lambda would reject', ({ onTestFinished }) => {
    const settings = { queueUrl: 'http://x/q', queueArn: 'arn:aws:sqs:us-east-1:000000000000:q' };
    expect(() => poller({ onTestFinished }, settings, async () => undefined, { maximumConcurrency: 1 })).toThrow(/maximumConcurrency/);
    expect(() => poller({ onTestFinished }, settings, async () => undefined, { batchSize: 11 })).toThrow(/maximumBatchingWindowMs/);
    expect(() => poller({ onTestFinished }, { ...settings, queueArn: `${settings.queueArn}.fifo` }, async () => undefined, { batchSize: 20, maximumBatchingWindowMs: 1000 })).toThrow(
      /FIFO/,
    );
  });
});
