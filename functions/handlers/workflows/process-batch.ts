import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { FAILURE_CATEGORY } from '../../core/failure';
import { CLAIM_REFUSAL } from '../../adapters/job-store';
import { decodeJobMessage } from '../../core/job-message';
import type { JobMessage } from '../../core/job';
import { LEASE_MARGIN_MS, YIELD_DELAY_SECONDS, type ConsumerDeps, type LaneEndpoint } from './consumer-deps';
import { LaneYield } from './lane-yield';
import { awaitStart, reserveStart } from './rate-gate';
import { runWithTimeout } from './run-with-timeout';
import { deadLetter, settleAttempt, type Disposition, type Outcome } from './settle-attempt';

/** How a batch went, for logs and metrics. */
export type BatchTally = Record<Outcome, number>;

/** A received message with its decoded job, or the reason it could not be decoded. */
type Parsed = { readonly record: SQSRecord; readonly message?: JobMessage; readonly problem?: string };

function parse(record: SQSRecord): Parsed {
  try {
    return { record, message: decodeJobMessage(record.body) };
  } catch (error) {
    return { record, problem: `malformed job message: ${(error as Error).message.slice(0, 120)}` };
  }
}

/**
 * A queue's consumer: one batch from one lane, processed in order, one job at a
 * time (so the catalog's concurrency is the number of batches in flight).
 */
export class BatchProcessor {
  private readonly laneYield: LaneYield;

  public constructor(private readonly deps: ConsumerDeps) {
    this.laneYield = new LaneYield(deps.queues, Object.fromEntries(deps.lanes.map((lane) => [lane.lane, lane.url])));
  }

  /** Processes an SQS event and answers with the messages to return to the queue. */
  public async process(event: SQSEvent): Promise<SQSBatchResponse & { tally: BatchTally }> {
    const tally: BatchTally = { completed: 0, failed: 0, dropped: 0, retrying: 0, deferred: 0, held: 0, error: 0 };
    const failures: { itemIdentifier: string }[] = [];
    const first = event.Records[0];
    if (!first) return { batchItemFailures: [], tally };
    const lane = this.laneOf(first.eventSourceARN);
    const parsed = event.Records.map(parse);
    const yieldAll = await this.laneYield.shouldYield(lane.lane, this.deps.clock.now().getTime());
    const blockedGroups = new Map<string, number | undefined>();
    const processingMs: number[] = [];
    const queueWaitMs: number[] = [];

    for (let index = 0; index < parsed.length; index += 1) {
      const item = parsed[index] as Parsed;
      const group = item.record.attributes.MessageGroupId;
      let disposition: Disposition;
      if (this.deps.definition.fifo && group !== undefined && blockedGroups.has(group)) {
        disposition = { kind: 'return', outcome: 'deferred', visibilitySeconds: blockedGroups.get(group) };
        if (disposition.visibilitySeconds !== undefined) {
          const seconds = disposition.visibilitySeconds;
          disposition = await this.safely(async () => {
            await this.deps.queues.changeVisibility(lane.url, [{ receiptHandle: item.record.receiptHandle, seconds }]);
            return { kind: 'return', outcome: 'deferred', visibilitySeconds: seconds };
          });
        }
      } else if (yieldAll && item.message) {
        disposition = await this.defer(lane, item.record, item.message, YIELD_DELAY_SECONDS * 1000);
      } else {
        disposition = await this.handle(lane, item);
      }
      tally[disposition.outcome] += 1;
      if (disposition.durationMs !== undefined) processingMs.push(disposition.durationMs);
      if (disposition.queueWaitMs !== undefined) queueWaitMs.push(disposition.queueWaitMs);
      if (disposition.kind === 'return') {
        failures.push({ itemIdentifier: item.record.messageId });
        if (this.deps.definition.fifo && group !== undefined && !blockedGroups.has(group)) blockedGroups.set(group, disposition.visibilitySeconds);
      }
    }
    this.deps.logger.info('batch done', { lane: lane.lane, size: event.Records.length, ...tally });
    await this.count(tally, processingMs, queueWaitMs);
    return { batchItemFailures: failures, tally };
  }

  /** One write of the batch's counts and one metrics line; a failure to count never fails the batch. */
  private async count(tally: BatchTally, processingMs: readonly number[], queueWaitMs: readonly number[]): Promise<void> {
    const queue = this.deps.definition.name;
    try {
      this.deps.cloudWatch?.publish(queue, {
        completed: tally.completed,
        failed: tally.failed,
        retried: tally.retrying,
        deadLettered: tally.failed,
        processingMs,
        queueWaitMs,
      });
      await this.deps.metrics?.record(queue, this.deps.clock.now(), {
        completed: tally.completed,
        failed: tally.failed,
        dead_lettered: tally.failed,
        retried: tally.retrying,
        processing_ms: processingMs.reduce((sum, value) => sum + value, 0),
        timed_attempts: processingMs.length,
      });
    } catch (error) {
      this.deps.logger.warn('batch counts not recorded', { error: error as Error });
    }
  }

  private laneOf(arn: string): LaneEndpoint {
    const name = arn.slice(arn.lastIndexOf(':') + 1);
    const lane = this.deps.lanes.find((candidate) => candidate.name === name);
    if (!lane) throw new Error(`event from ${name}, which is not a lane of queue ${this.deps.definition.name}`);
    return lane;
  }

  private async handle(lane: LaneEndpoint, item: Parsed): Promise<Disposition> {
    const { record, message } = item;
    if (!message) {
      this.deps.logger.error('malformed message dead-lettered', { message_id: record.messageId, problem: item.problem });
      return this.safely(async () => {
        await this.deps.queues.moveToDeadLetter(this.deps.deadLetterUrl, [
          {
            body: record.body,
            jobId: record.messageId,
            groupId: record.attributes.MessageGroupId,
            deduplicationId: record.messageId,
            failure: {
              reason: item.problem ?? 'malformed job message',
              category: FAILURE_CATEGORY.validation,
              attempts: 0,
              sourceQueue: this.deps.definition.name,
              failedAt: this.deps.clock.now(),
            },
          },
        ]);
        return { kind: 'delete', outcome: 'failed' };
      });
    }
    return this.safely(async () => {
      const slot = await reserveStart(this.deps);
      if (!slot.granted) return this.defer(lane, record, message, slot.deferMs);
      return this.attempt(lane, record, message, slot.slotMs);
    });
  }

  private async attempt(lane: LaneEndpoint, record: SQSRecord, message: JobMessage, slotMs?: number): Promise<Disposition> {
    const { deps } = this;
    const now = deps.clock.now();
    const claim = await deps.store.claim(message.jobId, message.runId, now, deps.definition.timeoutMs + LEASE_MARGIN_MS);
    const fields = { job_id: message.jobId, correlation_id: message.correlationId };
    if (!claim.claimed) {
      switch (claim.reason) {
        case CLAIM_REFUSAL.held: {
          const leaseEnds = claim.job?.leaseUntil ? Date.parse(claim.job.leaseUntil) : now.getTime() + LEASE_MARGIN_MS;
          const seconds = Math.max(Math.ceil((leaseEnds - now.getTime()) / 1000), 1);
          await deps.queues.changeVisibility(lane.url, [{ receiptHandle: record.receiptHandle, seconds }]);
          deps.logger.info('job held by another consumer', { ...fields, retry_in_s: seconds });
          return { kind: 'return', outcome: 'held', visibilitySeconds: seconds };
        }
        case CLAIM_REFUSAL.exhausted:
          return deadLetter(deps, record, message, { attempts: claim.job?.attempts ?? 0 }, {
            category: FAILURE_CATEGORY.timeout,
            message: 'the consumer holding the job stopped (crash or timeout) and no attempts are left',
          });
        default:
          deps.logger.info('message dropped', { ...fields, reason: claim.reason });
          return { kind: 'delete', outcome: 'dropped' };
      }
    }
    const job = claim.job;
    const logger = deps.logger.createChild({ persistentKeys: { job_id: job.jobId, queue: job.queue, attempt: job.attempts, correlation_id: message.correlationId } });
    await awaitStart(deps, slotMs);
    const started = Date.now();
    const sentAt = Number(record.attributes.SentTimestamp);
    const queueWaitMs = Number.isFinite(sentAt) ? Math.max(started - sentAt, 0) : undefined;
    logger.info('job started', { max_attempts: job.maxAttempts, lane: lane.lane, queue_wait_ms: queueWaitMs });
    let settled: Disposition;
    try {
      const value = await runWithTimeout(deps.processor, message, { attempt: job.attempts, timeoutMs: deps.definition.timeoutMs, logger });
      settled = await settleAttempt(deps, record, lane.url, job, message, { ok: true, value, durationMs: Date.now() - started });
    } catch (error) {
      settled = await settleAttempt(deps, record, lane.url, job, message, { ok: false, error, durationMs: Date.now() - started });
    }
    return { ...settled, queueWaitMs };
  }

  /**
   * Puts a message back without spending an attempt. On a standard queue a copy
   * is sent with a delay and the original deleted, so the receive count (and the
   * redrive backstop) is untouched; a FIFO message keeps its place in its group
   * and waits out the delay as its visibility instead.
   */
  private async defer(lane: LaneEndpoint, record: SQSRecord, message: JobMessage, waitMs: number): Promise<Disposition> {
    const seconds = Math.min(Math.max(Math.ceil(waitMs / 1000), 1), 900);
    return this.safely(async () => {
      if (this.deps.definition.fifo) {
        await this.deps.queues.changeVisibility(lane.url, [{ receiptHandle: record.receiptHandle, seconds }]);
        return { kind: 'return', outcome: 'deferred', visibilitySeconds: seconds };
      }
      await this.deps.queues.send(lane.url, { message, delaySeconds: seconds });
      return { kind: 'delete', outcome: 'deferred' };
    });
  }

  /** Runs a step; an unexpected error returns the message to the queue (it is retried, not lost). */
  private async safely(step: () => Promise<Disposition>): Promise<Disposition> {
    try {
      return await step();
    } catch (error) {
      this.deps.logger.error('message returned to the queue after an unexpected error', { error: error as Error });
      return { kind: 'return', outcome: 'error' };
    }
  }
}
