import type { FailureCategory } from '../core/failure';
import type { JobMessage } from '../core/job';

/** One message to send to a lane. */
export interface OutgoingJob {
  readonly message: JobMessage;
  /** SQS `DelaySeconds`, standard queues only. */
  readonly delaySeconds?: number;
  /** FIFO only: the message group (defaults to the job id). */
  readonly groupId?: string;
  /** FIFO only: the deduplication id (defaults to the run id). */
  readonly deduplicationId?: string;
  /**
   * When the job was first enqueued, for a copy sent again (a deferral): it
   * travels as the message attribute {@link FIRST_ENQUEUED_AT_ATTRIBUTE}, so
   * the job's queue wait counts from its first send, not from the copy's.
   * @default - none: the message's own send time is its first enqueue
   */
  readonly firstEnqueuedAt?: Date;
  /**
   * For a copy of a redriven dead letter sent again (a deferral): the
   * letter's marks travel with it, so its claim still reopens the job that
   * failed. Without them the copy reads as a plain duplicate of a failed
   * job's message, and is dropped.
   * @default - none: an ordinary job message
   */
  readonly letter?: LetterMarks;
}

/** The message attribute (Number, epoch ms) that carries a re-sent job's first enqueue time. */
export const FIRST_ENQUEUED_AT_ATTRIBUTE = 'first_enqueued_at';

/** Why a job was dead-lettered, carried as message attributes. */
export interface DeadLetterReason {
  readonly reason: string;
  readonly category: FailureCategory;
  readonly attempts: number;
  readonly sourceQueue: string;
  readonly failedAt: Date;
}

/**
 * What makes a message a dead letter to the consumer: the failure it reports
 * (`failed_at`, the one a redrive may reopen), its job, and the attempts that
 * run had spent.
 */
export interface LetterMarks {
  readonly jobId: string;
  /** The letter's `failed_at`: the failure it reports. */
  readonly failedAt: Date;
  /** Attempts the failed run had spent, when known. */
  readonly attempts?: number;
}

/** One message to move to a dead-letter queue: the original body, unchanged, and why. */
export interface DeadLetter {
  readonly body: string;
  readonly jobId: string;
  readonly groupId?: string;
  readonly deduplicationId?: string;
  readonly failure: DeadLetterReason;
}

/** One received message whose visibility changes. */
export interface VisibilityChange {
  readonly receiptHandle: string;
  readonly seconds: number;
}

/** A send in a batch that SQS refused. */
export interface SendFailure {
  readonly index: number;
  readonly code: string;
  readonly message: string;
}

/** SQS's approximate message counts of one queue. */
export interface QueueDepth {
  /** Waiting to be received. */
  readonly visible: number;
  /** Received and not yet deleted (running, or waiting out a backoff). */
  readonly inFlight: number;
  /** Sent with a delay that has not passed. */
  readonly delayed: number;
}

/**
 * The queues. Batchable calls take any number of entries and send them ten at a
 * time; a partial batch failure is returned, not thrown.
 */
export interface QueueClient {
  send(queueUrl: string, job: OutgoingJob): Promise<void>;
  sendBatch(queueUrl: string, jobs: readonly OutgoingJob[]): Promise<SendFailure[]>;
  changeVisibility(queueUrl: string, changes: readonly VisibilityChange[]): Promise<void>;
  moveToDeadLetter(deadLetterQueueUrl: string, letters: readonly DeadLetter[]): Promise<void>;
  delete(queueUrl: string, receiptHandles: readonly string[]): Promise<void>;
  /** Messages visible and waiting in the queue (SQS's approximate count). */
  backlog(queueUrl: string): Promise<number>;
  /** All three approximate counts of a queue. */
  depth(queueUrl: string): Promise<QueueDepth>;
}
