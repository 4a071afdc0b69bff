import { randomUUID } from 'node:crypto';
import { ChangeMessageVisibilityBatchCommand, CreateQueueCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localAwsConfig } from '../../../local/local-aws';
import { startSqsEmulator } from '../../../local/sqs-emulator';
import { batchFifoGroupsAsSqs } from '../../../local/sqs-fifo-batching';

describe('FIFO receives batched as SQS batches them', () => {
  let stop: () => Promise<void>;
  let sqs: SQSClient;
  let base: string;

  beforeAll(async () => {
    const emulator = await startSqsEmulator();
    stop = () => emulator.stop();
    sqs = new SQSClient(localAwsConfig(emulator.endpoint));
    base = emulator.queueUrlBase;
    await batchFifoGroupsAsSqs(base);
  });

  afterAll(async () => {
    sqs.destroy();
    await stop();
  });

  it('hands out up to ten messages of one group per receive, in order, and keeps the order when they return together', async () => {
    // Prepare: twelve messages of one group
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `batched-${randomUUID().slice(0, 8)}.fifo`, Attributes: { FifoQueue: 'true' } }));
    expect(QueueUrl?.startsWith(`${base}/`)).toBe(true);
    for (const start of [0, 6]) {
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: Array.from({ length: 6 }, (_, index) => ({ Id: String(index), MessageBody: `m${start + index}`, MessageGroupId: 'order-1', MessageDeduplicationId: `d${start + index}` })),
        }),
      );
    }

    // Act
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    const whileInFlight = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl,
        Entries: (first.Messages ?? []).map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 })),
      }),
    );
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));

    // Assess
    const ten = Array.from({ length: 10 }, (_, index) => `m${index}`);
    expect(first.Messages?.map((message) => message.Body)).toEqual(ten);
    expect(whileInFlight.Messages ?? []).toEqual([]);
    expect(again.Messages?.map((message) => message.Body)).toEqual(ten);
  });
});
