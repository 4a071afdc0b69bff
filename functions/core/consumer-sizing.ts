import { DEFAULT_LANE, laneConcurrency, MIN_LANE_CONCURRENCY, type Lane } from './lanes';
import type { QueueDefinition } from './queue-config';
import { slotHorizonMs } from './rate-limit';

/** Lambda's longest run, in seconds. */
export const LAMBDA_MAX_TIMEOUT_SECONDS = 900;

/** SQS's longest visibility timeout, in seconds (12 hours). */
export const SQS_MAX_VISIBILITY_SECONDS = 43_200;

/** The most messages an SQS event source mapping hands over at once without a batching window. */
export const SQS_MAX_BATCH_SIZE = 10;

/** Per job, beyond the processor's own timeout: claim, settle and counter writes, queue calls. */
export const STORE_AND_QUEUE_SECONDS = 5;

/** Per job, beyond the processor's own timeout: the longest wait for a rate-limit slot (more on a FIFO queue: see `slotHorizonMs`). */
export const RATE_LIMIT_WAIT_SECONDS = 2;

/** Per batch: start-up (a cold start, reading the signing secret) and the final batch response. */
export const BATCH_OVERHEAD_SECONDS = 30;

/** Visibility timeout over function timeout: AWS's advice for SQS event sources, so a retried invocation finds its messages. */
export const VISIBILITY_FACTOR = 6;

/** How a queue's consumer function and its event source mappings are sized. */
export interface ConsumerSizing {
  /** Messages per invocation (the event source mapping's `BatchSize`). */
  readonly batchSize: number;
  /** The consumer function's timeout: a full batch, one job after another (the fewest slots), plus overhead; also the lease on its pool slots. */
  readonly functionTimeoutSeconds: number;
  /** Every lane's visibility timeout: {@link VISIBILITY_FACTOR} × the function timeout, at most 12 h. */
  readonly visibilityTimeoutSeconds: number;
  /** The consumer function's reserved concurrency. */
  readonly reservedConcurrency: number;
  /** Each lane's event source mapping `MaximumConcurrency` (higher lanes get more). */
  readonly laneMaximumConcurrency: Readonly<Record<Lane, number>>;
  /** The mapping's `MaximumBatchingWindowInSeconds`: 0 on standard queues, none on FIFO queues (not allowed there). */
  readonly maximumBatchingWindowSeconds: number | undefined;
}

/**
 * Sizes a queue's consumer from its catalog entry.
 *
 * The catalog's `concurrency` is held by the queue's concurrency pool
 * (`core/concurrency-pool.ts`): every invocation of every lane takes slots
 * from it and runs that many jobs of its batch at once, so jobs in flight
 * never exceed it, and a backlog in one lane can use all of it but the
 * headroom kept for the lanes above. The function timeout still covers a
 * batch run one job after another (an invocation may get one slot). Each
 * job is budgeted its `timeoutMs` plus
 * {@link STORE_AND_QUEUE_SECONDS} and {@link RATE_LIMIT_WAIT_SECONDS} (or, on a
 * rate-limited FIFO queue, its longer in-process wait for a slot); the batch
 * is as many jobs as fit in Lambda's 15 minutes after
 * {@link BATCH_OVERHEAD_SECONDS}, between 1 and 10; the function timeout covers
 * a full batch. Larger batches mean fewer invocations and fewer SQS calls per
 * job, at a cost: when an invocation crashes or times out, every message of its
 * batch stays invisible until the visibility timeout
 * ({@link VISIBILITY_FACTOR} × the function timeout) runs out, so a 30 s job can
 * be held for up to 6 × (10 × 37 s + 30 s) = 40 min before its next attempt.
 * Ordinary failures never wait that long: the consumer sets each failed
 * message's visibility to its backoff itself.
 *
 * A job timeout above 863 s (900 − 30 − 7) leaves a batch of one less than its
 * budget: the function timeout is capped at 900 s, and a job that runs to its
 * own timeout may be cut off before it is settled (the redrive backstop then
 * covers it).
 *
 * Standard queues get no batching window (a lone job starts at once: latency
 * first); FIFO queues cannot have one.
 *
 * A standard queue without lanes gets a mapping maximum of just enough
 * invocations to fill its pool (`concurrency` ÷ batch size, plus one to take
 * over as a batch ends, at least 2, at most `concurrency`): more would only
 * wait on the pool. Laned queues keep their lanes' weighted maxima (see
 * `laneConcurrency`), FIFO queues `concurrency` (a FIFO batch may be one
 * group, which runs on one slot).
 *
 * Reserved concurrency is the catalog's `concurrency`, raised on a laned queue
 * to the sum of its lanes' maxima so no lane's poller is throttled. The
 * lanes' maxima bound invocations, not jobs: an invocation that finds the
 * pool full waits for a slot (see `pool-slots.ts`). A queue
 * without lanes keeps exactly its `concurrency` even when that is below the
 * event source mapping's minimum of 2: a concurrency of 1 (one job at a time)
 * then has throttled receives, which its `deferralAllowance` absorbs.
 *
 * @example
 * consumerSizing(parseQueueDefinition({ name: 'email', concurrency: 5, attempts: 3, backoff: { type: 'exponential', delayMs: 2000 }, timeoutMs: 30000 }));
 * // { batchSize: 10, functionTimeoutSeconds: 400, visibilityTimeoutSeconds: 2400, reservedConcurrency: 5,
 * //   laneMaximumConcurrency: { default: 2 }, maximumBatchingWindowSeconds: 0 }
 */
export function consumerSizing(
  definition: Pick<QueueDefinition, 'fifo' | 'lanes' | 'concurrency' | 'timeoutMs'> & Partial<Pick<QueueDefinition, 'rateLimit'>>,
): ConsumerSizing {
  const jobTimeoutSeconds = Math.ceil(definition.timeoutMs / 1000);
  const rateWaitSeconds = Math.max(RATE_LIMIT_WAIT_SECONDS, Math.ceil(slotHorizonMs(definition) / 1000));
  const perJobSeconds = jobTimeoutSeconds + STORE_AND_QUEUE_SECONDS + rateWaitSeconds;
  const fitting = Math.floor((LAMBDA_MAX_TIMEOUT_SECONDS - BATCH_OVERHEAD_SECONDS) / perJobSeconds);
  const batchSize = Math.min(Math.max(fitting, 1), SQS_MAX_BATCH_SIZE);
  const functionTimeoutSeconds = Math.min(LAMBDA_MAX_TIMEOUT_SECONDS, batchSize * perJobSeconds + BATCH_OVERHEAD_SECONDS);
  const laneMaximumConcurrency = { ...laneConcurrency(definition) } as Record<Lane, number>;
  if (!definition.lanes && !definition.fifo) {
    // The pool holds the jobs in flight; the mapping only needs enough invocations to fill it, and one more
    // to take over as a batch ends. More would only wait on the pool, paying for the wait.
    laneMaximumConcurrency[DEFAULT_LANE] = Math.min(Math.max(Math.ceil(definition.concurrency / batchSize) + 1, MIN_LANE_CONCURRENCY), Math.max(definition.concurrency, MIN_LANE_CONCURRENCY));
  }
  const laneSum = Object.values(laneMaximumConcurrency).reduce((sum, value) => sum + value, 0);
  return {
    batchSize,
    functionTimeoutSeconds,
    visibilityTimeoutSeconds: Math.min(SQS_MAX_VISIBILITY_SECONDS, VISIBILITY_FACTOR * functionTimeoutSeconds),
    reservedConcurrency: definition.lanes ? Math.max(definition.concurrency, laneSum) : definition.concurrency,
    laneMaximumConcurrency,
    maximumBatchingWindowSeconds: definition.fifo ? undefined : 0,
  };
}
