import type { Logger } from '@aws-lambda-powertools/logger';
import type { Clock } from '../../adapters/clock';
import type { JobStore } from '../../adapters/job-store';
import type { QueueClient } from '../../adapters/queue-client';
import type { RateLimiter } from '../../adapters/dynamodb-rate-limiter';
import type { MetricsStore } from '../../adapters/dynamodb-metrics-store';
import type { BatchMetrics } from '../../adapters/emf-metrics';
import type { Lane } from '../../core/lanes';
import type { QueueDefinition } from '../../core/queue-config';
import type { Processor } from '../../processors/processor';

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
  readonly store: JobStore;
  readonly queues: QueueClient;
  /** Required when the queue has a rate limit. */
  readonly limiter?: RateLimiter;
  readonly processor: Processor;
  /** Where each batch's counts go; left out, nothing is counted. */
  readonly metrics?: MetricsStore;
  /** CloudWatch metrics of each batch; left out, none are published. */
  readonly cloudWatch?: BatchMetrics;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Jitter source for backoff; injected by tests. */
  readonly random?: () => number;
}

/** A lease covers the job's timeout plus this margin for the store and queue calls around it. */
export const LEASE_MARGIN_MS = 30_000;

/** How late a rate-limited start may be after its slot before the slot is given up. */
export const LATE_START_TOLERANCE_MS = 50;

/** How far ahead a rate-limited consumer waits for a slot before deferring the job instead. */
export const SLOT_HORIZON_MS = 2000;

/** How long a lower lane's message waits when a higher lane has a backlog. */
export const YIELD_DELAY_SECONDS = 2;
