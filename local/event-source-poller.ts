import { setTimeout as sleep } from 'node:timers/promises';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { failedMessageIds } from './batch-response';
import { LocalCloudError, PollerConfigError } from './errors';
import { regionOf, toSqsRecord } from './sqs-record';

/** Settings of one emulated SQS event source mapping, as Lambda names them. */
export interface EventSourcePollerOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  /** Most records per invocation: 1–10,000 (1–10 on FIFO); above 10 needs a batching window. */
  readonly batchSize: number;
  /** Most batches in flight at once: 2–1,000, like the mapping's `ScalingConfig.MaximumConcurrency`. */
  readonly maximumConcurrency: number;
  /** How long to gather records before invoking, 0–300,000 ms; none on FIFO. @default 0 */
  readonly maximumBatchingWindowMs?: number;
  /** Whether the handler's `batchItemFailures` decide which records are kept. */
  readonly reportBatchItemFailures: boolean;
  /** The function: receives one batch per call. */
  readonly handler: (event: SQSEvent) => Promise<SQSBatchResponse | void>;
  /** Told of failed invocations, malformed responses and SQS errors. @default - written to stderr */
  readonly onError?: (error: Error) => void;
  /** Whether the mapping starts enabled. @default true */
  readonly enabled?: boolean;
  /**
   * Fault injection (tests): how many times each received batch is handed to
   * the function at once, as SQS's at-least-once delivery may hand a message
   * to two consumers; each copy's answer decides its own deletes. @default 1
   */
  readonly copiesOfBatch?: () => number;
  /**
   * Told of each SQS request the poller makes (Lambda's pollers are billed
   * for them too): `ReceiveMessage` with the messages it got, none when the
   * queue was empty, and `DeleteMessageBatch`; with how long the call took
   * (an empty receive's wait). @default - not told
   */
  readonly onSqsRequest?: (action: 'ReceiveMessage' | 'DeleteMessageBatch', received: readonly Message[], tookMs: number) => void;
}

/** Long-poll wait of each receive: short, so that stop and disable take effect within a second. */
const WAIT_TIME_SECONDS = 1;
/** SQS hands out and deletes at most ten messages per call. */
const SQS_BATCH_LIMIT = 10;
/** Pause after a failed receive, so a missing queue does not spin the loop. */
const RECEIVE_ERROR_PAUSE_MS = 1_000;

/**
 * Emulates a Lambda SQS event source mapping: long-polls the queue, hands the
 * handler batches of records in Lambda's shape, and deletes what Lambda would
 * delete. On success every record is deleted, except, with
 * `reportBatchItemFailures`, those listed in `batchItemFailures`; a handler
 * that throws or returns a malformed response gets nothing deleted, so the
 * batch comes back after its visibility timeout, spending a receive.
 *
 * Like Lambda's pollers it scales with the backlog: one poller idles on an
 * empty queue, each full receive adds another, and an extra poller that finds
 * the queue empty retires; never more than `maximumConcurrency` batches run.
 * Disabling stops receiving (batches in flight finish) and leaves messages
 * untouched, which is how `pause` works.
 *
 * @example
 * const poller = new EventSourcePoller({ client, queueUrl, queueArn, batchSize: 10, maximumConcurrency: 2, reportBatchItemFailures: true, handler });
 * poller.start();
 * await poller.stop();
 */
export class EventSourcePoller {
  private readonly options: EventSourcePollerOptions;
  private readonly loops = new Set<Promise<void>>();
  /** Deletes in flight: a poller does not wait for its batch's delete before its next receive. */
  private readonly deletes = new Set<Promise<void>>();
  private running = false;
  private isEnabled: boolean;
  private scoutRunning = false;

  constructor(options: EventSourcePollerOptions) {
    checkOptions(options);
    this.options = options;
    this.isEnabled = options.enabled ?? true;
  }

  /** Whether the mapping is enabled (it polls only once started, too). */
  get enabled(): boolean {
    return this.isEnabled;
  }

  /** Starts polling, if enabled; no effect when already started. */
  start(): void {
    this.running = true;
    this.spawn(true);
  }

  /** Stops polling and waits for the batches in flight to finish. */
  async stop(): Promise<void> {
    this.running = false;
    await this.settle();
  }

  /**
   * Enables or disables the mapping. Disabling resolves once no receive or
   * batch is in flight any more, so messages sent after it stay in the queue.
   */
  async setEnabled(enabled: boolean): Promise<void> {
    this.isEnabled = enabled;
    if (enabled) this.spawn(true);
    else await this.settle();
  }

  private get polling(): boolean {
    return this.running && this.isEnabled;
  }

  /** Waits for the pollers and their deletes to wind down; gives up waiting if polling was turned back on meanwhile. */
  private async settle(): Promise<void> {
    while ((this.loops.size > 0 || this.deletes.size > 0) && !this.polling) await Promise.allSettled([...this.loops, ...this.deletes]);
  }

  /** Adds a poller: the scout, which idles on an empty queue, or a helper, which retires on one. */
  private spawn(scout: boolean): void {
    if (!this.polling || (scout && this.scoutRunning)) return;
    // The one hard limit on batches in flight: every poller runs one at a time.
    if (this.loops.size >= this.options.maximumConcurrency) return;
    if (scout) this.scoutRunning = true;
    const loop: Promise<void> = this.poll(scout)
      .catch((error: unknown) => this.report(error))
      .finally(() => {
        this.loops.delete(loop);
        if (scout) this.scoutRunning = false;
        // Re-enabled while the scout was winding down, or it was kept out by the
        // limit: a freed slot goes to a new scout so that someone keeps polling.
        if (!this.scoutRunning) this.spawn(true);
      });
    this.loops.add(loop);
  }

  private async poll(scout: boolean): Promise<void> {
    while (this.polling) {
      let messages: Message[];
      try {
        messages = await this.collectBatch();
      } catch (error) {
        this.report(error);
        await sleep(RECEIVE_ERROR_PAUSE_MS);
        continue;
      }
      if (messages.length === 0) {
        if (scout) continue;
        return;
      }
      // A batch found means there may be more waiting: scale up, as Lambda's pollers do.
      this.spawn(false);
      const copies = this.options.copiesOfBatch?.() ?? 1;
      await Promise.all(Array.from({ length: Math.max(1, copies) }, () => this.invoke(messages)));
    }
  }

  private async collectBatch(): Promise<Message[]> {
    const { batchSize } = this.options;
    const batch = await this.receive(Math.min(SQS_BATCH_LIMIT, batchSize), WAIT_TIME_SECONDS);
    const windowMs = this.options.maximumBatchingWindowMs ?? 0;
    if (batch.length === 0 || windowMs === 0) return batch;
    const deadline = Date.now() + windowMs;
    while (batch.length < batchSize && this.running) {
      const remainingMs = deadline - Date.now();
      if (remainingMs <= 0) break;
      const more = await this.receive(Math.min(SQS_BATCH_LIMIT, batchSize - batch.length), remainingMs >= 1000 ? 1 : 0);
      batch.push(...more);
      if (more.length === 0 && remainingMs < 1000) await sleep(Math.min(remainingMs, 50));
    }
    return batch;
  }

  private async receive(maxNumberOfMessages: number, waitTimeSeconds: number): Promise<Message[]> {
    const startedMs = Date.now();
    const { Messages } = await this.options.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.options.queueUrl,
        MaxNumberOfMessages: maxNumberOfMessages,
        WaitTimeSeconds: waitTimeSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    this.options.onSqsRequest?.('ReceiveMessage', Messages ?? [], Date.now() - startedMs);
    return Messages ?? [];
  }

  private async invoke(messages: readonly Message[]): Promise<void> {
    let records: SQSRecord[];
    let response: SQSBatchResponse | void;
    try {
      records = messages.map((message) => toSqsRecord(message, this.options.queueArn));
      response = await this.options.handler({ Records: records });
    } catch (error) {
      // A failed invocation deletes nothing: the batch returns after its visibility timeout.
      this.report(error);
      return;
    }
    let failed: ReadonlySet<string> = new Set();
    if (this.options.reportBatchItemFailures) {
      try {
        failed = failedMessageIds(response, new Set(records.map((record) => record.messageId)));
      } catch (error) {
        this.report(error);
        return;
      }
    }
    // The delete goes on while the poller receives again: the batch's messages stay
    // invisible until it lands, and the next batch need not wait for it.
    const deleting = this.delete(records.filter((record) => !failed.has(record.messageId))).finally(() => this.deletes.delete(deleting));
    this.deletes.add(deleting);
  }

  private async delete(records: readonly SQSRecord[]): Promise<void> {
    for (let start = 0; start < records.length; start += SQS_BATCH_LIMIT) {
      const chunk = records.slice(start, start + SQS_BATCH_LIMIT);
      try {
        const startedMs = Date.now();
        const { Failed } = await this.options.client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: this.options.queueUrl,
            Entries: chunk.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
          }),
        );
        this.options.onSqsRequest?.('DeleteMessageBatch', [], Date.now() - startedMs);
        if (Failed !== undefined && Failed.length > 0) {
          const codes = Failed.map((entry) => entry.Code ?? 'unknown').join(', ');
          this.report(new LocalCloudError(`${Failed.length} of ${chunk.length} deletes failed (${codes})`, { context: { codes } }));
        }
      } catch (error) {
        this.report(error);
      }
    }
  }

  private report(error: unknown): void {
    const reported = error instanceof Error ? error : new LocalCloudError(String(error), { cause: error });
    if (this.options.onError) this.options.onError(reported);
    else console.error(`event source mapping ${this.options.queueArn}:`, reported);
  }
}

/** Rejects the settings Lambda's CreateEventSourceMapping would reject. */
function checkOptions(options: EventSourcePollerOptions): void {
  const fifo = options.queueArn.endsWith('.fifo');
  const maxBatch = fifo ? SQS_BATCH_LIMIT : 10_000;
  const windowMs = options.maximumBatchingWindowMs ?? 0;
  const fail = (message: string): never => {
    throw new PollerConfigError(message, { context: { queueArn: options.queueArn } });
  };
  regionOf(options.queueArn);
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1 || options.batchSize > maxBatch) {
    fail(`batchSize ${options.batchSize} must be a whole number from 1 to ${maxBatch}${fifo ? ' on a FIFO queue' : ''}`);
  }
  if (!Number.isInteger(options.maximumConcurrency) || options.maximumConcurrency < 2 || options.maximumConcurrency > 1000) {
    fail(`maximumConcurrency ${options.maximumConcurrency} must be a whole number from 2 to 1000, as on Lambda`);
  }
  if (!(windowMs >= 0 && windowMs <= 300_000)) fail(`maximumBatchingWindowMs ${windowMs} must be from 0 to 300000`);
  if (fifo && windowMs > 0) fail('a FIFO queue takes no batching window; leave maximumBatchingWindowMs unset');
  if (options.batchSize > SQS_BATCH_LIMIT && windowMs < 1000) {
    fail(`batchSize ${options.batchSize} is above 10, which needs maximumBatchingWindowMs of at least 1000`);
  }
}
