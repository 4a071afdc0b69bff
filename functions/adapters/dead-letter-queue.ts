import { PurgeQueueCommand, ReceiveMessageCommand, SendMessageBatchCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { adminFailure, PurgeInProgressError } from './queue-admin-errors';
import type { SendFailure } from './queue-client';
import { chunkForSqs, isFifoQueue, messageBytes, runBatches, SQS_BATCH_ENTRIES } from './sqs-batches';

/** Why a message was dead-lettered, as its attributes say (any may be missing on a foreign message). */
export interface DeadLetterFailure {
  readonly reason?: string;
  readonly category?: string;
  readonly attempts?: number;
  readonly sourceQueue?: string;
  readonly failedAt?: string;
}

/** A message received from a dead-letter queue. */
export interface DeadLetterMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  /** The body, unchanged: a job message as the consumer received it. */
  readonly body: string;
  /** The `job_id` attribute the consumer set, when present. */
  readonly jobId?: string;
  readonly failure: DeadLetterFailure;
  /** FIFO only: the message group. */
  readonly groupId?: string;
}

/** One message to send to a lane with its body as it is. */
export interface BodySend {
  readonly body: string;
  /** FIFO only. */
  readonly groupId?: string;
  /** FIFO only. */
  readonly deduplicationId?: string;
}

/** How to receive from a dead-letter queue. */
export interface ReceiveOptions {
  /** Most messages: 1–10. */
  readonly max: number;
  /** How long the received messages stay hidden. */
  readonly visibilitySeconds: number;
  /** Long-poll wait: 0–20 s. */
  readonly waitSeconds: number;
}

/**
 * What the operations routes do to a dead-letter queue beyond the pipeline's
 * queue client (which releases and deletes received messages): receive with
 * the failure attributes, send bodies back to a lane unchanged, purge.
 */
export interface DeadLetterQueue {
  receive(queueUrl: string, options: ReceiveOptions): Promise<DeadLetterMessage[]>;
  /** Sends bodies unchanged; returns the sends SQS refused, by index. */
  sendBodies(queueUrl: string, sends: readonly BodySend[]): Promise<SendFailure[]>;
  /** Deletes every message; throws `PurgeInProgressError` within 60 s of another purge. */
  purge(queueUrl: string): Promise<void>;
}

/**
 * The dead-letter operations on SQS.
 *
 * @example
 * const dlq = new SqsDeadLetterQueue({ client: new SQSClient({}) });
 * const held = await dlq.receive(dlqUrl, { max: 10, visibilitySeconds: 60, waitSeconds: 1 });
 */
export class SqsDeadLetterQueue implements DeadLetterQueue {
  public constructor(private readonly options: { readonly client: SQSClient }) {}

  /** Receives up to ten messages with their attributes, hiding them for `visibilitySeconds`. */
  public async receive(queueUrl: string, options: ReceiveOptions): Promise<DeadLetterMessage[]> {
    try {
      const { Messages } = await this.options.client.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(Math.max(Math.trunc(options.max), 1), SQS_BATCH_ENTRIES),
          VisibilityTimeout: options.visibilitySeconds,
          WaitTimeSeconds: options.waitSeconds,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['MessageGroupId'],
        }),
      );
      return (Messages ?? []).flatMap((message) => {
        const read = deadLetterOf(message);
        return read === undefined ? [] : [read];
      });
    } catch (error) {
      throw adminFailure('receive from dead-letter queue', error, { queueUrl });
    }
  }

  /** Sends bodies in batches; on a FIFO queue each needs its group and deduplication id. */
  public async sendBodies(queueUrl: string, sends: readonly BodySend[]): Promise<SendFailure[]> {
    const fifo = isFifoQueue(queueUrl);
    return runBatches(chunkForSqs(sends, (send) => messageBytes(send.body)), async (batch) => {
      const entries = batch.map(({ index, item }) => ({
        Id: String(index),
        MessageBody: item.body,
        ...(fifo ? { MessageGroupId: item.groupId, MessageDeduplicationId: item.deduplicationId } : {}),
      }));
      const { Failed } = await this.options.client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      return Failed ?? [];
    });
  }

  /** Purges the queue; a purge within 60 s of another throws `PurgeInProgressError`. */
  public async purge(queueUrl: string): Promise<void> {
    try {
      await this.options.client.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
    } catch (error) {
      if (error instanceof Error && error.name === 'PurgeQueueInProgress') throw new PurgeInProgressError(queueUrl, { cause: error });
      throw adminFailure('purge dead-letter queue', error, { queueUrl });
    }
  }
}

function deadLetterOf(message: Message): DeadLetterMessage | undefined {
  if (message.MessageId === undefined || message.ReceiptHandle === undefined) return undefined;
  const attribute = (name: string): string | undefined => message.MessageAttributes?.[name]?.StringValue;
  const attempts = Number(attribute('attempts'));
  const failure: DeadLetterFailure = {
    ...optional('reason', attribute('failure_reason')),
    ...optional('category', attribute('failure_category')),
    ...(Number.isFinite(attempts) && attribute('attempts') !== undefined ? { attempts } : {}),
    ...optional('sourceQueue', attribute('source_queue')),
    ...optional('failedAt', attribute('failed_at')),
  };
  return {
    messageId: message.MessageId,
    receiptHandle: message.ReceiptHandle,
    body: message.Body ?? '',
    ...optional('jobId', attribute('job_id')),
    failure,
    ...optional('groupId', message.Attributes?.MessageGroupId),
  };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
