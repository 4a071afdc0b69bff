import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CancelMessageMoveTaskCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
  type ListMessageMoveTasksResultEntry,
  type Message,
  type MessageAttributeValue,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSqsProxy, type SqsProxy } from '../../../local/cloud/http/sqs-proxy';
import { localAwsConfig } from '../../../local/local-aws';
import { startSqsEmulator, type SqsEmulator } from '../../../local/sqs-emulator';
import { httpCall, type HttpReply } from './http-call';

let emulator: SqsEmulator;
let proxy: SqsProxy;
let sqs: SQSClient;
const log: string[] = [];

beforeAll(async () => {
  emulator = await startSqsEmulator();
  proxy = await startSqsProxy({ port: 0, upstream: emulator.endpoint, log: (line) => log.push(line) });
  sqs = new SQSClient(localAwsConfig(proxy.endpoint));
});
afterAll(async () => {
  sqs.destroy();
  await proxy.stop();
  await emulator.stop();
});

interface Queue {
  url: string;
  arn: string;
}

async function createQueue(name: string, attributes: Record<string, string> = {}): Promise<Queue> {
  const fifo = name.endsWith('.fifo') ? { FifoQueue: 'true' } : {};
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { ...fifo, ...attributes } }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  if (QueueUrl === undefined || Attributes?.QueueArn === undefined) throw new Error(`queue ${name} was not created`);
  return { url: QueueUrl, arn: Attributes.QueueArn };
}

/** A source queue and the dead-letter queue its redrive policy names. */
async function queuePair(maxReceiveCount = 3, fifo = false): Promise<{ source: Queue; dlq: Queue }> {
  const base = `move-${randomUUID().slice(0, 8)}`;
  const suffix = fifo ? '.fifo' : '';
  const dlq = await createQueue(`${base}-dlq${suffix}`);
  const source = await createQueue(`${base}${suffix}`, { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount }), VisibilityTimeout: '0' });
  return { source, dlq };
}

function attributesFor(index: number): Record<string, MessageAttributeValue> {
  return {
    kind: { DataType: 'String', StringValue: `kind-${index}` },
    attempt: { DataType: 'Number', StringValue: String(index) },
    blob: { DataType: 'Binary', BinaryValue: Uint8Array.from([index, 255 - index]) },
  };
}

async function sendMany(url: string, count: number, extra: (index: number) => { MessageGroupId?: string; MessageDeduplicationId?: string } = () => ({})): Promise<void> {
  for (let start = 0; start < count; start += 10) {
    const indexes = Array.from({ length: Math.min(10, count - start) }, (_, i) => start + i);
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: indexes.map((index) => ({ Id: `m${index}`, MessageBody: `body-${index}`, MessageAttributes: attributesFor(index), ...extra(index) })),
      }),
    );
  }
}

/** Every message now on the queue, received and deleted (a FIFO group gives its next message only then). */
async function drain(url: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 60, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }),
    );
    if (!Messages?.length) return all;
    all.push(...Messages);
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
  }
}

async function latestTask(sourceArn: string): Promise<ListMessageMoveTasksResultEntry | undefined> {
  const { Results } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn }));
  return Results?.[0];
}

async function waitForStatus(sourceArn: string, statuses: string[], timeoutMs = 10_000): Promise<ListMessageMoveTasksResultEntry> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const task = await latestTask(sourceArn);
    if (task?.Status !== undefined && statuses.includes(task.Status)) return task;
    if (Date.now() > deadline) throw new Error(`the move task is still ${task?.Status ?? 'missing'}`);
    await sleep(50);
  }
}

describe('the SQS proxy', () => {
  it('forwards sends, receives and attribute reads to the emulator unchanged', async () => {
    const queue = await createQueue(`fwd-${randomUUID().slice(0, 8)}`);

    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'hello', MessageAttributes: attributesFor(7) }));
    const received = await drain(queue.url);
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['VisibilityTimeout'] }));

    // The Host header passes through, so the emulator names the queue after the proxy.
    expect(new URL(queue.url).port).toBe(String(proxy.port));
    expect(received.map((m) => [m.Body, m.MessageAttributes])).toEqual([['hello', attributesFor(7)]]);
    expect(Attributes?.VisibilityTimeout).toBe('30');
    expect(log.some((line) => line.startsWith('SQS CreateQueue 200'))).toBe(true);
  });

  it('forwards query-protocol requests and other paths unchanged', async () => {
    const form = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=GetCallerIdentity&Version=2011-06-15' };

    const [viaProxy, direct] = await Promise.all([httpCall(`${proxy.endpoint}/`, form), httpCall(`${emulator.endpoint}/`, form)]);
    const [healthViaProxy, healthDirect] = await Promise.all([httpCall(`${proxy.endpoint}/health`), httpCall(`${emulator.endpoint}/health`)]);

    const withoutRequestId = (reply: HttpReply): string => reply.body.toString().replace(/<RequestId>[^<]*<\/RequestId>/, '');
    expect([viaProxy.status, viaProxy.headers['content-type'], withoutRequestId(viaProxy)]).toEqual([direct.status, direct.headers['content-type'], withoutRequestId(direct)]);
    expect(viaProxy.body.toString()).toContain('GetCallerIdentity');
    expect([healthViaProxy.status, healthViaProxy.body.toString()]).toEqual([healthDirect.status, healthDirect.body.toString()]);
  });

  it('moves 25 messages at 10 a second, bodies and attributes intact, one task per source at a time', async () => {
    const { source, dlq } = await queuePair();
    await sendMany(dlq.url, 25);
    const started = Date.now();

    const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn, DestinationArn: source.arn, MaxNumberOfMessagesPerSecond: 10 }));
    const running = await latestTask(dlq.arn);
    const second: unknown = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn, DestinationArn: source.arn })).catch((e: unknown) => e);
    const done = await waitForStatus(dlq.arn, ['COMPLETED', 'FAILED']);
    const elapsed = Date.now() - started;

    expect(running).toMatchObject({ Status: 'RUNNING', TaskHandle, ApproximateNumberOfMessagesToMove: 25 });
    expect(second).toMatchObject({
      name: 'InvalidParameterValue',
      message: 'There is already a task running. Only one active task is allowed for a source queue arn at a given time.',
      $metadata: { httpStatusCode: 400 },
    });
    expect(done).toEqual({
      Status: 'COMPLETED',
      SourceArn: dlq.arn,
      DestinationArn: source.arn,
      MaxNumberOfMessagesPerSecond: 10,
      ApproximateNumberOfMessagesMoved: 25,
      ApproximateNumberOfMessagesToMove: 25,
      StartedTimestamp: expect.any(Number),
    });
    expect(elapsed).toBeGreaterThanOrEqual(2_000);
    const moved = await drain(source.url);
    expect(moved.map((m) => [m.Body, m.MessageAttributes]).sort()).toEqual(Array.from({ length: 25 }, (_, i) => [`body-${i}`, attributesFor(i)]).sort());
    expect(await drain(dlq.url)).toEqual([]);
  });

  it('moves FIFO messages in their groups with fresh deduplication ids', async () => {
    const { source, dlq } = await queuePair(3, true);
    await sendMany(dlq.url, 4, (i) => ({ MessageGroupId: `group-${i % 2}`, MessageDeduplicationId: `dedup-${i}` }));

    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn, DestinationArn: source.arn }));
    const done = await waitForStatus(dlq.arn, ['COMPLETED', 'FAILED']);

    expect(done).toMatchObject({ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 4 });
    const moved = await drain(source.url);
    expect(moved.map((m) => [m.Body, m.Attributes?.MessageGroupId]).sort()).toEqual([
      ['body-0', 'group-0'],
      ['body-1', 'group-1'],
      ['body-2', 'group-0'],
      ['body-3', 'group-1'],
    ]);
    expect(moved.every((m) => !m.Attributes?.MessageDeduplicationId?.startsWith('dedup-'))).toBe(true);
  });

  it('cancels a running task: it stops after the batch in hand and reports CANCELLED', async () => {
    const { source, dlq } = await queuePair();
    await sendMany(dlq.url, 20);
    const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn, DestinationArn: source.arn, MaxNumberOfMessagesPerSecond: 2 }));
    await sleep(600);

    const cancelled = await sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle }));
    const done = await waitForStatus(dlq.arn, ['CANCELLED']);
    const again: unknown = await sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle })).catch((e: unknown) => e);

    expect(cancelled.ApproximateNumberOfMessagesMoved).toBeLessThan(20);
    expect(done).not.toHaveProperty('TaskHandle');
    const moved = (await drain(source.url)).length;
    expect(moved).toBe(done.ApproximateNumberOfMessagesMoved);
    expect(moved).toBeLessThan(20);
    expect((await drain(dlq.url)).length).toBe(20 - moved);
    expect(again).toMatchObject({ name: 'UnsupportedOperation' });
  });

  it('fails a task without a destination when messages carry no DeadLetterQueueSourceArn, as the emulator dead-letters them', async () => {
    const { source, dlq } = await queuePair(1);
    await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: 'poison' }));
    // Two receives past maxReceiveCount 1 (visibility 0): the emulator moves the message to the DLQ.
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: source.url }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: source.url }));

    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn }));
    const done = await waitForStatus(dlq.arn, ['COMPLETED', 'FAILED']);

    expect(done).toMatchObject({ Status: 'FAILED', FailureReason: 'CouldNotDetermineMessageSource', ApproximateNumberOfMessagesMoved: 0 });
    expect(done).not.toHaveProperty('DestinationArn');
    expect((await drain(dlq.url)).map((m) => m.Body)).toEqual(['poison']);
  });

  it("refuses what SQS refuses, in SQS's words", async () => {
    const { source, dlq } = await queuePair();
    const missingArn = dlq.arn.replace(/[^:]+$/, 'no-such-queue');

    const notDlq: unknown = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: source.arn })).catch((e: unknown) => e);
    const noDestination: unknown = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn, DestinationArn: missingArn })).catch((e: unknown) => e);
    const noSource: unknown = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: missingArn })).catch((e: unknown) => e);
    const badHandle: unknown = await sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: 'not-a-handle' })).catch((e: unknown) => e);
    const badRate: unknown = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlq.arn, MaxNumberOfMessagesPerSecond: 501 })).catch((e: unknown) => e);

    expect(notDlq).toMatchObject({ name: 'InvalidParameterValue', message: 'Source queue must be configured as a Dead Letter Queue.' });
    expect(noDestination).toMatchObject({
      name: 'ResourceNotFoundException',
      message: "The resource that you specified for the DestinationArn parameter doesn't exist.",
      $metadata: { httpStatusCode: 404 },
    });
    expect(noSource).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(badHandle).toMatchObject({ name: 'InvalidParameterValue', message: 'Value for parameter TaskHandle is invalid.' });
    expect(badRate).toMatchObject({ name: 'InvalidParameterValue' });
    expect(await latestTask(dlq.arn)).toBeUndefined();
  });
});
