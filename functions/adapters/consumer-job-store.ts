import { completeAttempt, failAttempt, retryAttempt } from './attempt-finishes';
import type { StoreContext } from './conditional-update';
import { claimJob, randomProgressToken } from './job-claim';
import { createJob } from './job-create';
import { readJob } from './job-read';
import type { ConsumerJobStore } from './job-store';
import { abandonJob, markLettered } from './letter-transitions';

/** What else a consumer's job store may take. */
export interface ConsumerJobStoreOptions {
  /**
   * Makes each claim's progress token (the credential of the delivery's
   * `webhook-progress-url`).
   * @default - 16 random bytes, base64url (22 characters)
   */
  readonly newProgressToken?: () => string;
}

/**
 * A queue consumer's job store on DynamoDB: claim, settle, dead-letter, and
 * the create of a final job's event. The operations routes' transitions,
 * listings and cleaning are not in it, nor in the consumer's bundle.
 *
 * @example
 * const store = consumerJobStore(jobStoreContext({ client: dynamodb, tableName: 'jobs' }));
 * const outcome = await store.claim(message.jobId, message.runId, new Date(), 60_000);
 */
export function consumerJobStore(context: StoreContext, options: ConsumerJobStoreOptions = {}): ConsumerJobStore {
  const newProgressToken = options.newProgressToken ?? randomProgressToken;
  return {
    create: (job) => createJob(context, job),
    get: (jobId) => readJob(context, jobId),
    claim: (jobId, runId, now, leaseMs, claimOptions) =>
      claimJob(context, { jobId, runId, now, leaseMs, progressToken: newProgressToken(), options: claimOptions }),
    complete: (ref, outcome) => completeAttempt(context, ref, outcome),
    retry: (ref, outcome) => retryAttempt(context, ref, outcome),
    fail: (ref, outcome) => failAttempt(context, ref, outcome),
    abandon: (jobId, runId, outcome) => abandonJob(context, jobId, runId, outcome),
    markLettered: (jobId, runId, failedAt) => markLettered(context, jobId, runId, failedAt),
  };
}
