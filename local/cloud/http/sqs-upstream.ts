import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SQSClient,
  SendMessageBatchCommand,
  type Message,
  type SendMessageBatchRequestEntry,
} from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { LOCAL_CREDENTIALS } from '../../local-aws';

/** The parts of an SQS queue ARN (`arn:aws:sqs:<region>:<account>:<name>`). */
export interface QueueArn {
  readonly region: string;
  readonly account: string;
  readonly name: string;
}

/** The parts of a queue ARN, or undefined when it is not one. */
export function parseQueueArn(arn: string): QueueArn | undefined {
  const match = /^arn:aws[\w-]*:sqs:([\w-]+):(\d{12}):([\w-]{1,80}(?:\.fifo)?)$/.exec(arn);
  if (!match) return undefined;
  const [, region = '', account = '', name = ''] = match;
  return { region, account, name };
}

/** What a move task sends again: one received message. */
export type MovedMessage = Message;

/**
 * The SQS calls a message move task makes, against the emulator behind the
 * proxy: queue lookups by ARN, and receive, send, delete and release of
 * batches. One SDK client per region, since the emulator reads the region
 * from each request's signature.
 */
export class SqsUpstream {
  private readonly clients = new Map<string, SQSClient>();

  constructor(
    private readonly endpoint: string,
    private readonly defaultRegion: string,
  ) {}

  /** The queue's URL, or undefined when no such queue exists. */
  async queueUrl(arn: QueueArn): Promise<string | undefined> {
    try {
      const found = await this.client(arn.region).send(new GetQueueUrlCommand({ QueueName: arn.name, QueueOwnerAWSAccountId: arn.account }));
      return found.QueueUrl;
    } catch (error) {
      if (isMissingQueue(error)) return undefined;
      throw error;
    }
  }

  /** Whether some queue's redrive policy names `arn` as its dead-letter queue. */
  async isDeadLetterQueue(arn: string, region: string): Promise<boolean> {
    const client = this.client(region);
    let nextToken: string | undefined;
    do {
      const page = await client.send(new ListQueuesCommand({ MaxResults: 1000, NextToken: nextToken }));
      for (const url of page.QueueUrls ?? []) {
        const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['RedrivePolicy'] }));
        const policy = Attributes?.RedrivePolicy;
        if (policy !== undefined && deadLetterTarget(policy) === arn) return true;
      }
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    return false;
  }

  /** The queue's visible messages, as SQS counts them when a task starts. */
  async visibleCount(url: string): Promise<number> {
    const { Attributes } = await this.client(this.defaultRegion).send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
  }

  /** Up to `max` (≤ 10) messages with all their attributes, hidden for 30 s while they move. */
  async receive(url: string, max: number): Promise<MovedMessage[]> {
    const { Messages } = await this.client(this.defaultRegion).send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 30,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    return Messages ?? [];
  }

  /**
   * Sends the messages again with the same body and attributes; on a FIFO
   * queue in the same group with a fresh deduplication id (the old one may
   * still be inside the five-minute window). Returns the ids that failed.
   */
  async sendAgain(url: string, messages: readonly MovedMessage[]): Promise<{ failed: Set<string>; firstFailure?: string }> {
    const fifo = url.endsWith('.fifo');
    const entries = messages.map((message, index): SendMessageBatchRequestEntry => {
      const groupId = message.Attributes?.MessageGroupId;
      const trace = message.Attributes?.AWSTraceHeader;
      return {
        Id: String(index),
        MessageBody: message.Body ?? '',
        MessageAttributes: message.MessageAttributes,
        ...(trace === undefined ? {} : { MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: trace } } }),
        ...(fifo ? { MessageGroupId: groupId ?? 'default', MessageDeduplicationId: randomUUID() } : {}),
      };
    });
    const result = await this.client(this.defaultRegion).send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
    const failed = new Set<string>();
    for (const failure of result.Failed ?? []) {
      const message = messages[Number(failure.Id)];
      if (message?.MessageId !== undefined) failed.add(message.MessageId);
    }
    const first = result.Failed?.[0];
    return { failed, firstFailure: first === undefined ? undefined : (first.Code ?? 'SendFailed') };
  }

  /** Deletes moved messages from the source. */
  async delete(url: string, messages: readonly MovedMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.client(this.defaultRegion).send(
      new DeleteMessageBatchCommand({ QueueUrl: url, Entries: messages.map((m, index) => ({ Id: String(index), ReceiptHandle: m.ReceiptHandle })) }),
    );
  }

  /** Makes messages that will not move visible again at once. */
  async release(url: string, messages: readonly MovedMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.client(this.defaultRegion).send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url,
        Entries: messages.map((m, index) => ({ Id: String(index), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 })),
      }),
    );
  }

  /** Closes the SDK clients' connections. */
  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }

  private client(region: string): SQSClient {
    let client = this.clients.get(region);
    if (client === undefined) {
      client = new SQSClient({ endpoint: this.endpoint, region, credentials: { ...LOCAL_CREDENTIALS } });
      this.clients.set(region, client);
    }
    return client;
  }
}

/** Whether an SQS error says the queue does not exist. */
export function isMissingQueue(error: unknown): boolean {
  const name = error instanceof Error ? error.name : '';
  return name === 'QueueDoesNotExist' || name === 'AWS.SimpleQueueService.NonExistentQueue';
}

function deadLetterTarget(policy: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(policy);
    const target = typeof parsed === 'object' && parsed !== null && 'deadLetterTargetArn' in parsed ? parsed.deadLetterTargetArn : undefined;
    return typeof target === 'string' ? target : undefined;
  } catch {
    return undefined;
  }
}
