/**
 * job-pipeline-client: a BullMQ-shaped client for the job pipeline's HTTP
 * API. Move a BullMQ producer by changing its import and its connection
 * options: `new Queue('payments', { url, apiKey })`.
 *
 * @example
 * import { Queue } from 'job-pipeline-client';
 * const queue = new Queue('email', { url: 'https://api.example.com/prod', apiKey: 'key' });
 * const job = await queue.add('welcome', { to: 'a@example.com' }, { attempts: 5, backoff: { type: 'exponential', delay: 2000 } });
 * await job.waitUntilFinished(60_000);
 *
 * @packageDocumentation
 */
export { Queue, MAX_BATCH_JOBS, type BulkJob, type QueueData, type QueueOptions } from './queue.js';
export { Job, MAX_WAIT_SECONDS, type JobProgress } from './job.js';
export { ALL_JOB_COUNT_TYPES, type JobCountType } from './job-counts.js';
export { STATE_OF_STATUS, type JobState, type ServerJobStatus } from './job-state.js';
export { PRIORITY_TABLE, priorityLevelOf, type BackoffOptions, type JobsOptions, type PriorityLevel } from './options.js';
export { DEFAULT_RETRY_POLICY, type RetryOptions } from './retry.js';
export type { FetchFunction } from './transport.js';
export type { QueueDataTypes } from './queue-types.js';
export { BulkAddError, type BulkAddResult } from './bulk-add-error.js';
export {
  InvalidOptionError,
  JobCancelledError,
  JobFailedError,
  JobNotCancellableError,
  JobPipelineError,
  NetworkError,
  RateLimitedError,
  UnsupportedOptionError,
  WaitTimeoutError,
  type JobPipelineErrorOptions,
} from './errors.js';
