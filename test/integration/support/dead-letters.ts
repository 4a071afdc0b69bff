import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** A message read from a dead-letter queue, with its failure attributes. */
export interface DeadLetterRead {
  readonly body: Record<string, unknown>;
  readonly attributes: Record<string, string>;
}

/** Receives what a DLQ holds (up to `max` messages), leaving them invisible for a while. */
export async function readDeadLetters(sqs: SQSClient, url: string, max = 10): Promise<DeadLetterRead[]> {
  const read: DeadLetterRead[] = [];
  for (let tries = 0; tries < 5 && read.length < max; tries += 1) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], VisibilityTimeout: 60, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) break;
    for (const message of Messages) {
      read.push({
        body: JSON.parse(message.Body ?? '{}') as Record<string, unknown>,
        attributes: Object.fromEntries(
          Object.entries(message.MessageAttributes ?? {}).map(([key, value]) => [key, value.StringValue ?? '']),
        ),
      });
    }
  }
  return read;
}
