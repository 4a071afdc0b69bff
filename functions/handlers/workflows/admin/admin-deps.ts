import type { Logger } from '@aws-lambda-powertools/logger';
import type { Clock } from '../../../adapters/clock';
import type { DeadLetterQueue } from '../../../adapters/dead-letter-queue';
import type { MetricsStore } from '../../../adapters/dynamodb-metrics-store';
import type { EndpointRegistry } from '../../../adapters/endpoint-store';
import type { EventSourceControl } from '../../../adapters/event-source-control';
import type { JobAdminStore } from '../../../adapters/job-admin-store';
import type { JobCensus } from '../../../adapters/job-census';
import type { JobStore } from '../../../adapters/job-store';
import type { MessageMoveTasks } from '../../../adapters/message-move-tasks';
import type { PauseStore } from '../../../adapters/pause-store';
import type { QueueClient } from '../../../adapters/queue-client';
import type { QueueSettings } from '../../../core/runtime-config';
import type { TargetGuardOptions } from '../../../processors/target-guard';
import type { QueueDirectory } from '../queue-directory';
import type { QueueLocator } from './queue-locations';

/** What the admin routes need. */
export interface AdminDeps {
  /** Every queue of the catalog, in catalog order. */
  readonly settings: readonly QueueSettings[];
  readonly directory: QueueDirectory;
  readonly locate: QueueLocator;
  readonly store: Pick<JobStore, 'get'> & JobAdminStore;
  readonly metrics: MetricsStore;
  /** Failed and long-delayed jobs as they are now, from the indexes. */
  readonly census: JobCensus;
  /** Depths, and releasing and deleting received dead-letter messages. */
  readonly queues: Pick<QueueClient, 'depth' | 'changeVisibility' | 'delete'>;
  readonly deadLetters: DeadLetterQueue;
  readonly moveTasks: MessageMoveTasks;
  readonly eventSources: EventSourceControl;
  /** Each queue's pause state of record (the mappings follow it). */
  readonly pauses: PauseStore;
  /** The registry of delivery endpoints. */
  readonly endpoints: EndpointRegistry;
  /** What a registered endpoint URL may resolve to: the consumers' allowances (the local cloud allows loopback). */
  readonly targetGuard: TargetGuardOptions;
  /** Each queue's consumer function, by queue name. */
  readonly consumerFunctions: Readonly<Record<string, string>>;
  /** The SQS URL base and queue name prefix, for the shared queue counts. */
  readonly queueUrlBase: string;
  readonly prefix: string;
  readonly clock: Clock;
  readonly logger: Logger;
}
