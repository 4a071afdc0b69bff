import { ChangeMessageVisibilityBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * The job ids of every message in a dead-letter queue, read by receiving (the
 * emulator's counts refresh lazily) and released again at once, so the test
 * leaves the queue as it found it.
 */
export async function deadLetterJobIds(sqs: SQSClient, url: string): Promise<string[]> {
  const ids: string[] = [];
  const handles: string[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 30, WaitTimeSeconds: 0, MessageAttributeNames: ['All'] }),
    );
    if (Messages.length === 0) break;
    for (const message of Messages) {
      ids.push(message.MessageAttributes?.job_id?.StringValue ?? '?');
      if (message.ReceiptHandle !== undefined) handles.push(message.ReceiptHandle);
    }
  }
  for (let start = 0; start < handles.length; start += 10) {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url,
        Entries: handles.slice(start, start + 10).map((handle, index) => ({ Id: String(index), ReceiptHandle: handle, VisibilityTimeout: 0 })),
      }),
    );
  }
  return ids.sort();
}
