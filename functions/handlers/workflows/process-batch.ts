import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { CLAIM_REFUSAL, type ClaimOptions } from '../../adapters/job-store';
import { FAILURE_CATEGORY, type FailureCategory } from '../../core/failure';
import { decodeJobMessage } from '../../core/job-message';
import { progressUrlOf } from '../../core/job-progress';
import { describeMalformed, malformedReason, type MalformedMessage } from '../../core/malformed-message';
import type { JobMessage } from '../../core/job';
import { MAX_ATTEMPTS } from '../../core/job-request';
import { groupBy } from '../../core/group-by';
import { laneFor } from '../../core/lanes';
import {
  ERROR_RETRY_JITTER_SECONDS,
  ERROR_RETRY_SECONDS,
  LEASE_MARGIN_MS,
  LETTER_GRACE_MS,
  YIELD_DELAY_SECONDS,
  type ConsumerDeps,
  type LaneEndpoint,
} from './consumer-deps';
import { sendPendingLetter } from './dead-lettering';
import { LaneYield } from './lane-yield';
import { putBack, resend, type ReceivedJob } from './put-back';
import { approachSlot, awaitStart, batchStarts, type SlotDecision } from './rate-gate';
import { readReceived, type ReceivedMessage } from './received-message';
import { runWithTimeout } from './run-with-timeout';
import { deadLetter, settleAttempt, type Disposition } from './settle-attempt';
import { pausedBatch } from './paused-batch';
import { inParallel } from './in-parallel';
import { earlyRelease, POOL_FULL_DEFER_MS, takeSlots, type HeldSlots } from './pool-slots';
import { BatchAccount, type BatchTally } from './batch-account';

export type { BatchTally } from './batch-account';

/** A received message with its decoded job, or the reason it could not be decoded. */
type Parsed = { readonly record: SQSRecord; readonly message?: JobMessage; readonly problem?: MalformedMessage };

function parse(record: SQSRecord): Parsed {
  try {
    return { record, message: decodeJobMessage(record.body) };
  } catch (error) {
    // Described, never quoted: the parsers' messages carry bytes of the body.
    return { record, problem: describeMalformed(error) };
  }
}

/** Where a message goes back to after an unexpected error, and what it carries. */
interface ReturnPoint {
  readonly lane: LaneEndpoint;
  readonly record: SQSRecord;
  readonly job?: ReceivedJob;
}

/** A FIFO group that went back to its queue: the rest of it in the batch follows, for as long. */
interface BlockedGroup {
  readonly seconds?: number;
  readonly category: FailureCategory;
}

/**
 * A queue's consumer: one batch from one lane. It takes slots of the queue's
 * concurrency pool (shared by every lane and invocation, so the catalog's
 * `concurrency` is the number of jobs in flight) and runs that many jobs of
 * the batch at once; the messages of one FIFO group run in order, one after
 * another. Without a pool (`deps.pool` left out) the batch runs one job at a
 * time.
 */
export class BatchProcessor {
  private readonly laneYield: LaneYield;

  public constructor(private readonly deps: ConsumerDeps) {
    this.laneYield = new LaneYield(deps.queues, Object.fromEntries(deps.lanes.map((lane) => [lane.lane, lane.url])));
  }

  /**
   * Processes an SQS event and answers with the messages to return to the
   * queue. `invocation.invokedFunctionArn` (Lambda's context) names the
   * mappings a paused queue's consumer disables.
   */
  public async process(event: SQSEvent, invocation: { readonly invokedFunctionArn?: string } = {}): Promise<SQSBatchResponse & { tally: BatchTally }> {
    const account = new BatchAccount();
    const { tally } = account;
    const failures: { itemIdentifier: string }[] = [];
    const first = event.Records[0];
    if (!first) return { batchItemFailures: [], tally };
    const paused = await pausedBatch(this.deps, event, invocation.invokedFunctionArn);
    if (paused !== undefined) return { ...paused, tally };
    const lane = this.laneOf(first.eventSourceARN);
    const chains = chainsOf(event.Records.map(parse), this.deps.definition.fifo === true);
    const yieldAll = await this.laneYield.shouldYield(lane.lane, this.deps.clock.now().getTime());
    const wanted = yieldAll ? 0 : chains.filter((chain) => chain.some((item) => item.message !== undefined)).length;
    const slots = await takeSlots(this.deps, lane.lane, wanted);
    const startSlot = batchStarts(this.deps, yieldAll ? 0 : chains.flat().filter((item) => item.message !== undefined).length);
    const blockedGroups = new Map<string, BlockedGroup>();

    const run = async (item: Parsed): Promise<void> => {
      const group = this.deps.definition.fifo ? item.record.attributes.MessageGroupId : undefined;
      const blocked = group === undefined ? undefined : blockedGroups.get(group);
      let disposition: Disposition;
      if (blocked !== undefined) {
        disposition = await this.follow(lane, item, blocked);
      } else if (yieldAll && item.message) {
        const job = receivedJob(item.record, item.message);
        disposition = await this.safely(() => this.defer(lane, job, YIELD_DELAY_SECONDS * 1000), { lane, record: item.record, job });
      } else {
        disposition = await this.handle(lane, item, slots, startSlot);
      }
      account.add(disposition);
      if (disposition.kind === 'return') {
        failures.push({ itemIdentifier: item.record.messageId });
        if (group !== undefined && blocked === undefined) {
          blockedGroups.set(group, { seconds: disposition.visibilitySeconds, category: categoryOfReturn(disposition) });
        }
      }
    };
    const where = { queue: this.deps.definition.name, lane: lane.lane, size: event.Records.length, slots: slots.granted };
    const early = earlyRelease(this.deps, slots, this.deps.clock.now().getTime());
    // The early give-back settles first, so the two writes never cross.
    const giveBack = async (): Promise<void> => {
      await early.settled();
      await slots.release();
    };
    try {
      // As many chains at once as slots were granted; a chain (a FIFO group) runs in order.
      await inParallel(
        chains,
        Math.max(slots.granted, 1),
        async (chain) => {
          for (const item of chain) await run(item);
        },
        early.onIdle,
      );
    } catch (error) {
      // The jobs that completed before the error are named all the same: theirs is the only line that says so.
      if (tally.completed > 0) this.deps.logger.info('batch stopped by an error', account.logFields(where));
      await giveBack();
      throw error;
    }
    this.deps.logger.info('batch done', account.logFields(where));
    // The slots go back and the counts are written side by side: the invocation ends one write sooner.
    await Promise.all([giveBack(), this.count(account)]);
    return { batchItemFailures: failures, tally };
  }

  /** One write of the batch's counts and one metrics line; a failure to count never fails the batch. */
  private async count({ tally, processingMs, queueWaitMs }: BatchAccount): Promise<void> {
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

  /**
   * A message behind one of its FIFO group that went back: it goes back too,
   * for as long (the group's order holds), through the receive-limit guard.
   */
  private async follow(lane: LaneEndpoint, item: Parsed, blocked: BlockedGroup): Promise<Disposition> {
    const { seconds } = blocked;
    if (seconds === undefined) return { kind: 'return', outcome: 'deferred' };
    if (!item.message) {
      return this.safely(async () => {
        await this.deps.queues.changeVisibility(lane.url, [{ receiptHandle: item.record.receiptHandle, seconds }]);
        return { kind: 'return', outcome: 'deferred', visibilitySeconds: seconds };
      }, { lane, record: item.record });
    }
    const job = receivedJob(item.record, item.message);
    return this.safely(() => putBack(this.deps, lane, job, seconds, 'deferred', blocked.category), { lane, record: item.record, job });
  }

  private async handle(lane: LaneEndpoint, item: Parsed, slots: HeldSlots, startSlot: () => Promise<SlotDecision>): Promise<Disposition> {
    const { record, message } = item;
    if (!message) {
      this.deps.logger.error('malformed message dead-lettered', {
        message_id: record.messageId,
        body_bytes: Buffer.byteLength(record.body, 'utf8'),
        problem: item.problem?.problem,
        fields: item.problem?.fields,
      });
      return this.safely(async () => {
        await this.deps.queues.moveToDeadLetter(this.deps.deadLetterUrl, [
          {
            body: record.body,
            jobId: record.messageId,
            groupId: record.attributes.MessageGroupId,
            deduplicationId: record.messageId,
            failure: {
              reason: item.problem ? malformedReason(item.problem) : 'malformed job message',
              category: FAILURE_CATEGORY.validation,
              attempts: 0,
              sourceQueue: this.deps.definition.name,
              failedAt: this.deps.clock.now(),
            },
          },
        ]);
        return { kind: 'delete', outcome: 'failed' };
      }, { lane, record });
    }
    const job = receivedJob(record, message);
    return this.safely(async () => {
      if (slots.failure !== undefined) throw slots.failure;
      if (slots.granted === 0) return this.defer(lane, job, POOL_FULL_DEFER_MS);
      const gate = await this.deps.endpointGate?.check(message);
      if (gate?.kind === 'defer') return this.defer(lane, job, gate.waitMs);
      const slot = await startSlot();
      if (!slot.granted) return this.defer(lane, job, slot.deferMs);
      await approachSlot(this.deps, slot.slotMs);
      return this.attempt(lane, job, slot.slotMs);
    }, { lane, record, job });
  }

  /**
   * Claims the job (its lease starts now, just before its rate-limit slot, so
   * the lease covers the run), runs it, and settles the attempt.
   */
  private async attempt(lane: LaneEndpoint, job: ReceivedJob, slotMs?: number): Promise<Disposition> {
    const { deps } = this;
    const { message, received } = job;
    const now = deps.clock.now();
    const claim = await deps.store.claim(message.jobId, message.runId, now, deps.definition.timeoutMs + LEASE_MARGIN_MS, this.claimOptions(message, received));
    const fields = { job_id: message.jobId, correlation_id: message.correlationId };
    if (!claim.claimed) {
      switch (claim.reason) {
        case CLAIM_REFUSAL.held: {
          const leaseEnds = claim.job?.leaseUntil ? Date.parse(claim.job.leaseUntil) : now.getTime() + LEASE_MARGIN_MS;
          const seconds = Math.max(Math.ceil((leaseEnds - now.getTime()) / 1000), 1);
          deps.logger.info('job held by another consumer', { ...fields, retry_in_s: seconds });
          return putBack(deps, lane, job, seconds, 'held', claim.job?.error?.category ?? FAILURE_CATEGORY.timeout);
        }
        case CLAIM_REFUSAL.notDue: {
          const dueAt = claim.job?.retryAt ? Date.parse(claim.job.retryAt) : now.getTime();
          const seconds = Math.max(Math.ceil((dueAt - now.getTime()) / 1000), 1);
          deps.logger.info('early copy of a retrying job returned until its retry is due', { ...fields, retry_in_s: seconds });
          return putBack(deps, lane, job, seconds, 'deferred', claim.job?.error?.category ?? FAILURE_CATEGORY.server);
        }
        case CLAIM_REFUSAL.exhausted:
          return deadLetter(deps, job.record, message, { attempts: claim.job?.attempts ?? 0 }, {
            category: FAILURE_CATEGORY.timeout,
            message: 'the consumer holding the job stopped (crash or timeout) and no attempts are left',
          });
        case CLAIM_REFUSAL.letterDue: {
          if (!claim.job) return { kind: 'delete', outcome: 'dropped' };
          // The consumer that failed the job sends its letter right after the record: a copy that comes
          // within the grace waits it out, so the letter is sent once, not by both.
          const failedAtMs = claim.job.failedAt === undefined ? 0 : Date.parse(claim.job.failedAt);
          const graceLeftMs = failedAtMs + LETTER_GRACE_MS - now.getTime();
          if (graceLeftMs > 0) {
            deps.logger.info('letter of a failed job not yet confirmed; copy returned', { ...fields, retry_in_s: Math.ceil(graceLeftMs / 1000) });
            return putBack(deps, lane, job, Math.ceil(graceLeftMs / 1000), 'held', claim.job.error?.category ?? FAILURE_CATEGORY.server);
          }
          return sendPendingLetter(deps, job.record, message, claim.job);
        }
        default:
          deps.logger.info('message dropped', { ...fields, reason: claim.reason, redriven_letter: received.letter !== undefined });
          // A consumer that stopped between a job's final record and its notify event left the event unadded:
          // a copy of the message adds it now (its deterministic id makes a second add a no-op).
          if (claim.reason === CLAIM_REFUSAL.final && claim.job?.notify !== undefined && claim.job.runId === message.runId) {
            await deps.notifier?.jobFinished(claim.job);
          }
          return { kind: 'delete', outcome: 'dropped' };
      }
    }
    const claimed = claim.job;
    const logger = deps.logger.createChild({ persistentKeys: { job_id: claimed.jobId, queue: claimed.queue, attempt: claimed.attempts, correlation_id: message.correlationId } });
    if (claim.reopened) logger.info('redriven dead letter put its job back to work', { record: claim.reopened });
    await awaitStart(deps, slotMs, now.getTime() + LEASE_MARGIN_MS / 2);
    const started = Date.now();
    const queueWaitMs = received.firstEnqueuedAt === undefined ? undefined : Math.max(started - received.firstEnqueuedAt.getTime(), 0);
    logger.debug('job started', { max_attempts: claimed.maxAttempts, lane: lane.lane, queue_wait_ms: queueWaitMs });
    let settled: Disposition;
    try {
      const value = await runWithTimeout(deps.processor, message, {
        attempt: claimed.attempts,
        timeoutMs: deps.definition.timeoutMs,
        logger,
        ...(deps.apiBaseUrl === undefined || claimed.progressToken === undefined
          ? {}
          : { progressUrl: progressUrlOf(deps.apiBaseUrl, claimed.jobId, claimed.progressToken) }),
      });
      settled = await settleAttempt(deps, lane, job, claimed, { ok: true, value, durationMs: Date.now() - started });
    } catch (error) {
      settled = await settleAttempt(deps, lane, job, claimed, { ok: false, error, durationMs: Date.now() - started });
    }
    return { ...settled, queueWaitMs };
  }

  /**
   * A redriven dead letter may reopen its failed record, or rebuild a lost
   * one, with attempts starting over; the first receive of an unindexed job's
   * message claims without writing a schedule entry.
   */
  private claimOptions(message: JobMessage, received: ReceivedMessage): ClaimOptions {
    if (received.letter === undefined) return message.unindexed === true && received.receiveCount === 1 ? { firstReceiveUnindexed: true } : {};
    const { definition } = this.deps;
    return {
      letter: {
        failedAt: received.letter.failedAt,
        message,
        lane: laneFor(definition, message.priority),
        maxAttempts: Math.min(Math.max(definition.attempts, received.letter.attempts ?? 0), MAX_ATTEMPTS),
      },
    };
  }

  /**
   * Puts a message back without spending an attempt. On a standard queue a copy
   * is sent with a delay (carrying the job's first enqueue time) and the
   * original deleted, so the receive count is untouched; a FIFO message keeps
   * its place in its group and waits out the real wait as its visibility
   * instead (the rest of its group in the batch follows it).
   */
  private async defer(lane: LaneEndpoint, job: ReceivedJob, waitMs: number): Promise<Disposition> {
    const seconds = Math.min(Math.max(Math.ceil(waitMs / 1000), 1), 900);
    if (this.deps.definition.fifo) return putBack(this.deps, lane, job, seconds, 'deferred', FAILURE_CATEGORY.rateLimited);
    await resend(this.deps, lane, job, seconds);
    return { kind: 'delete', outcome: 'deferred' };
  }

  /**
   * Runs a step; an unexpected error returns the message to the queue (it is
   * retried, not lost) after a few seconds, not the queue's long visibility
   * timeout. When even that call fails, the message comes back after the
   * visibility timeout, and the log says so.
   */
  private async safely(step: () => Promise<Disposition>, point?: ReturnPoint): Promise<Disposition> {
    try {
      return await step();
    } catch (error) {
      this.deps.logger.error('message returned to the queue after an unexpected error', { error: error as Error });
      if (point === undefined) return { kind: 'return', outcome: 'error' };
      const seconds = ERROR_RETRY_SECONDS + Math.round((this.deps.random ?? Math.random)() * ERROR_RETRY_JITTER_SECONDS);
      try {
        if (point.job) return await putBack(this.deps, point.lane, point.job, seconds, 'error', FAILURE_CATEGORY.server);
        await this.deps.queues.changeVisibility(point.lane.url, [{ receiptHandle: point.record.receiptHandle, seconds }]);
        return { kind: 'return', outcome: 'error', visibilitySeconds: seconds };
      } catch (again) {
        this.deps.logger.error('could not shorten the returned message\'s visibility: it comes back after the queue\'s visibility timeout', {
          message_id: point.record.messageId,
          error: again as Error,
        });
        return { kind: 'return', outcome: 'error' };
      }
    }
  }
}

/**
 * The batch in chains that may run side by side: on a standard queue each
 * message alone; on a FIFO queue each group's messages, in their order.
 */
function chainsOf(items: readonly Parsed[], fifo: boolean): Parsed[][] {
  if (!fifo) return items.map((item) => [item]);
  return [...groupBy(items, (item) => item.record.attributes.MessageGroupId ?? item.record.messageId).values()];
}

function receivedJob(record: SQSRecord, message: JobMessage): ReceivedJob {
  return { record, message, received: readReceived(record, message.jobId) };
}

/** The category a follower reports if it must be dead-lettered at the receive limit: its group head's. */
function categoryOfReturn(disposition: Disposition): FailureCategory {
  return disposition.outcome === 'deferred' ? FAILURE_CATEGORY.rateLimited : FAILURE_CATEGORY.server;
}
