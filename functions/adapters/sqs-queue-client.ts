import { createHash } from 'node:crypto';
import {
  type QueueAttributeName,
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { PipelineError } from '../core/errors';
import { encodeJobMessage } from '../core/job-message';
import { deadLetterAttributes, letterMarkAttributes } from './dead-letter-attributes';
import { FIRST_ENQUEUED_AT_ATTRIBUTE, type DeadLetter, type OutgoingJob, type QueueClient, type QueueDepth, type SendFailure, type VisibilityChange } from './queue-client';
import { chunkForSqs, isFifoQueue, messageBytes, runBatches } from './sqs-batches';

/** What an {@link SqsQueueClient} needs. */
export interface SqsQueueClientOptions {
  readonly client: SQSClient;
}

/** SQS's longest visibility timeout, in seconds (12 hours). */
const MAX_VISIBILITY_SECONDS = 43_200;

/**
 * The queue client on SQS. Batchable calls go ten entries (and at most 1 MiB) at
 * a time. On a FIFO queue (its URL ends in `.fifo`) every message gets a group
 * and a deduplication id and never a per-message delay, which FIFO queues refuse.
 *
 * @example
 * const queues = new SqsQueueClient({ client: new SQSClient({}) });
 * const failures = await queues.sendBatch(laneUrl, jobs.map((message) => ({ message })));
 */
export class SqsQueueClient implements QueueClient {
  private readonly client: SQSClient;

  public constructor(options: SqsQueueClientOptions) {
    this.client = options.client;
  }

  /** Sends one job; throws a `PipelineError` when SQS refuses it. */
  public async send(queueUrl: string, job: OutgoingJob): Promise<void> {
    try {
      await this.client.send(new SendMessageCommand({ QueueUrl: queueUrl, ...sendParameters(queueUrl, job) }));
    } catch (error) {
      throw sqsFailure('send', queueUrl, error, { jobId: job.message.jobId });
    }
  }

  /**
   * Sends jobs in batches and returns the ones SQS refused, by their index in
   * `jobs`. A batch call that fails as a whole reports each of its entries.
   */
  public async sendBatch(queueUrl: string, jobs: readonly OutgoingJob[]): Promise<SendFailure[]> {
    const batches = chunkForSqs(
      jobs.map((job) => sendParameters(queueUrl, job)),
      (entry) => messageBytes(entry.MessageBody),
    );
    return runBatches(batches, async (batch) => {
      const { Failed } = await this.client.send(
        new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: batch.map(({ index, item }) => ({ Id: String(index), ...item })) }),
      );
      return Failed ?? [];
    });
  }

  /** Changes the visibility of received messages; throws a `PipelineError` listing any that failed. */
  public async changeVisibility(queueUrl: string, changes: readonly VisibilityChange[]): Promise<void> {
    const failures = await runBatches(chunkForSqs(changes), async (batch) => {
      const { Failed } = await this.client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map(({ index, item }) => ({
            Id: String(index),
            ReceiptHandle: item.receiptHandle,
            VisibilityTimeout: Math.min(Math.max(Math.ceil(item.seconds), 0), MAX_VISIBILITY_SECONDS),
          })),
        }),
      );
      return Failed ?? [];
    });
    throwIfAny('change visibility', queueUrl, failures, changes.length);
  }

  /**
   * Sends failed jobs' original bodies, unchanged, to a dead-letter queue with
   * the failure as message attributes. Throws a `PipelineError` listing any
   * letter SQS refused: the caller must then keep the source message.
   */
  public async moveToDeadLetter(deadLetterQueueUrl: string, letters: readonly DeadLetter[]): Promise<void> {
    const fifo = isFifoQueue(deadLetterQueueUrl);
    const entries = letters.map((letter) => ({
      MessageBody: letter.body,
      MessageAttributes: deadLetterAttributes(letter.jobId, letter.failure),
      ...(fifo
        ? {
            MessageGroupId: letter.groupId ?? letter.jobId,
            MessageDeduplicationId: letter.deduplicationId ?? deadLetterDeduplicationId(letter),
          }
        : {}),
    }));
    const failures = await runBatches(
      chunkForSqs(entries, (entry) => messageBytes(entry.MessageBody, entry.MessageAttributes)),
      async (batch) => {
        const { Failed } = await this.client.send(
          new SendMessageBatchCommand({
            QueueUrl: deadLetterQueueUrl,
            Entries: batch.map(({ index, item }) => ({ Id: String(index), ...item })),
          }),
        );
        return Failed ?? [];
      },
    );
    throwIfAny('move to dead-letter queue', deadLetterQueueUrl, failures, letters.length);
  }

  /** Deletes received messages; throws a `PipelineError` listing any that failed. */
  public async delete(queueUrl: string, receiptHandles: readonly string[]): Promise<void> {
    const failures = await runBatches(chunkForSqs(receiptHandles), async (batch) => {
      const { Failed } = await this.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map(({ index, item }) => ({ Id: String(index), ReceiptHandle: item })),
        }),
      );
      return Failed ?? [];
    });
    throwIfAny('delete', queueUrl, failures, receiptHandles.length);
  }

  /** SQS's approximate count of visible messages. */
  public async backlog(queueUrl: string): Promise<number> {
    const [visible] = await this.counts(queueUrl, ['ApproximateNumberOfMessages']);
    return visible ?? 0;
  }

  /** SQS's approximate counts of visible, in-flight and delayed messages. */
  public async depth(queueUrl: string): Promise<QueueDepth> {
    const [visible = 0, inFlight = 0, delayed = 0] = await this.counts(queueUrl, [
      'ApproximateNumberOfMessages',
      'ApproximateNumberOfMessagesNotVisible',
      'ApproximateNumberOfMessagesDelayed',
    ]);
    return { visible, inFlight, delayed };
  }

  /** Reads count attributes, in the order asked; a missing or non-numeric one is an error. */
  private async counts(queueUrl: string, names: readonly QueueAttributeName[]): Promise<number[]> {
    let attributes: Partial<Record<string, string>> | undefined;
    try {
      ({ Attributes: attributes } = await this.client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: [...names] })));
    } catch (error) {
      throw sqsFailure('read message counts', queueUrl, error);
    }
    return names.map((name) => {
      const value = attributes?.[name];
      const count = Number(value);
      if (value === undefined || !Number.isFinite(count)) {
        throw new PipelineError('queue returned no message count', { context: { queueUrl, name, value } });
      }
      return count;
    });
  }
}

/** The SendMessage parameters of one job on this queue. */
function sendParameters(queueUrl: string, job: OutgoingJob) {
  const body = encodeJobMessage(job.message);
  const carried = {
    ...(job.firstEnqueuedAt === undefined ? {} : { [FIRST_ENQUEUED_AT_ATTRIBUTE]: { DataType: 'Number', StringValue: String(job.firstEnqueuedAt.getTime()) } }),
    ...(job.letter === undefined ? {} : letterMarkAttributes(job.letter)),
  };
  const attributes = Object.keys(carried).length === 0 ? {} : { MessageAttributes: carried };
  if (isFifoQueue(queueUrl)) {
    return {
      MessageBody: body,
      MessageGroupId: job.groupId ?? job.message.groupId ?? job.message.jobId,
      MessageDeduplicationId: job.deduplicationId ?? job.message.runId,
      ...attributes,
    };
  }
  const delay = Math.ceil(job.delaySeconds ?? 0);
  return delay > 0 ? { MessageBody: body, DelaySeconds: delay, ...attributes } : { MessageBody: body, ...attributes };
}

/** A FIFO dead-letter deduplication id unique to this failure (a redriven job that fails again is a new letter). */
function deadLetterDeduplicationId(letter: DeadLetter): string {
  return createHash('sha256').update(`${letter.jobId}\n${letter.failure.failedAt.toISOString()}\n${letter.failure.attempts}`).digest('hex');
}

function throwIfAny(operation: string, queueUrl: string, failures: readonly SendFailure[], total: number): void {
  if (failures.length === 0) return;
  throw new PipelineError(`queue ${operation} failed for ${failures.length} of ${total} messages`, {
    context: { queueUrl, failures },
  });
}

function sqsFailure(operation: string, queueUrl: string, error: unknown, context: Record<string, unknown> = {}): PipelineError {
  const name = error instanceof Error ? error.name : typeof error;
  return new PipelineError(`queue ${operation} failed: ${name}`, { cause: error, context: { queueUrl, ...context } });
}
