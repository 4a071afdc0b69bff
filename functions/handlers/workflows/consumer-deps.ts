import type { Logger } from '@aws-lambda-powertools/logger';
import type { Clock } from '../../adapters/clock';
import type { ConsumerJobStore } from '../../adapters/job-store';
import type { QueueClient } from '../../adapters/queue-client';
import type { RateLimiter } from '../../adapters/dynamodb-rate-limiter';
import type { ConcurrencyPool } from '../../adapters/dynamodb-concurrency-pool';
import type { MetricsStore } from '../../adapters/dynamodb-metrics-store';
import type { BatchMetrics } from '../../adapters/emf-metrics';
import type { Lane } from '../../core/lanes';
import type { QueueDefinition } from '../../core/queue-config';
import type { Processor } from '../../processors/processor';
import type { EndpointGate } from './endpoint-gate';
import type { FinalJobNotifier } from './notify-final';
import type { PauseGuard } from './paused-batch';
import { LATE_START_TOLERANCE_MS as CORE_LATE_START_TOLERANCE_MS, SLOT_HORIZON_MS as CORE_SLOT_HORIZON_MS } from '../../core/rate-limit';

/** One lane of the consumer's queue. */
export interface LaneEndpoint {
  readonly lane: Lane;
  readonly name: string;
  readonly url: string;
}

/** Everything a queue's consumer works with. */
export interface ConsumerDeps {
  readonly definition: QueueDefinition;
  readonly lanes: readonly LaneEndpoint[];
  readonly deadLetterUrl: string;
  readonly store: ConsumerJobStore;
  readonly queues: QueueClient;
  /** Required when the queue has a rate limit. */
  readonly limiter?: RateLimiter;
  /**
   * The queue's shared concurrency (`pool-slots.ts`): a batch runs as many
   * jobs at once as it holds slots. Left out, a batch runs one job at a time.
   */
  readonly pool?: ConcurrencyPool;
  readonly processor: Processor;
  /** Where each batch's counts go; left out, nothing is counted. */
  readonly metrics?: MetricsStore;
  /** CloudWatch metrics of each batch; left out, none are published. */
  readonly cloudWatch?: BatchMetrics;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Jitter source for backoff and the wait after an unexpected error; injected by tests. */
  readonly random?: () => number;
  /** The queue's pause state (`paused-batch.ts`); left out, every batch runs. */
  readonly pause?: PauseGuard;
  /**
   * The endpoints' circuit breakers, checked before a claim (`endpoint-gate.ts`),
   * on a queue whose jobs may name an endpoint (catalog `endpoints`); left
   * out, no job waits for a breaker.
   */
  readonly endpointGate?: EndpointGate;
  /**
   * The API's base URL (`https://…/v1`): each attempt's delivery names its
   * progress URL under it (`webhook-progress-url`). Left out, deliveries
   * carry no progress URL.
   */
  readonly apiBaseUrl?: string;
  /**
   * Adds the `job.completed` / `job.failed` event of a final job that asked
   * for one (`notify`); left out (no queue delivers to endpoints), no event
   * is added.
   */
  readonly notifier?: FinalJobNotifier;
}

/**
 * A failed job's letter is re-sent by a later copy of its message only this
 * long after the failure was recorded: before that, the consumer that failed
 * the job may still be sending the letter (record first, then letter, then the
 * mark that it went), and two senders would letter the job twice.
 */
export const LETTER_GRACE_MS = 60_000;

/**
 * A lease covers the job's timeout plus this margin for the store and queue
 * calls around it, and for the short wait between the claim and the job's
 * rate-limit slot (at most half of it: see `awaitStart`).
 */
export const LEASE_MARGIN_MS = 30_000;

/** How late a rate-limited start may be after its slot before the slot is given up. */
export const LATE_START_TOLERANCE_MS = CORE_LATE_START_TOLERANCE_MS;

/** How far ahead a rate-limited consumer of a standard queue waits for a slot before deferring the job instead (FIFO: `slotHorizonMs`). */
export const SLOT_HORIZON_MS = CORE_SLOT_HORIZON_MS;

/** How long a lower lane's message waits when a higher lane has a backlog. */
export const YIELD_DELAY_SECONDS = 2;

/**
 * After an unexpected error (a store or queue call failed) the message comes
 * back after this many seconds, plus up to {@link ERROR_RETRY_JITTER_SECONDS}
 * at random: soon, so a FIFO group is not blocked for the queue's whole
 * visibility timeout (6 × the function timeout), and spread, so a hiccup
 * that returned many messages does not bring them all back at once.
 */
export const ERROR_RETRY_SECONDS = 2;

/** The random part of the wait after an unexpected error, at most. */
export const ERROR_RETRY_JITTER_SECONDS = 4;
