import type { Logger } from '@aws-lambda-powertools/logger';
import type { Clock } from '../../adapters/clock';
import type { PendingJob, ScheduledJobStore } from '../../adapters/job-store';
import type { QueueClient } from '../../adapters/queue-client';
import type { QueueDirectory } from './queue-directory';
import { sendByLane } from './send-by-lane';

/** What the sweeper and the reconciler need. */
export interface EnqueueDeps {
  /** The scheduled functions' transitions; sending marks a job enqueued. */
  readonly store: ScheduledJobStore;
  readonly queues: QueueClient;
  readonly directory: QueueDirectory;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** How one run of the sweeper or the reconciler went. */
export interface EnqueueReport {
  readonly found: number;
  readonly sent: number;
  readonly failed: number;
}

/**
 * Sends jobs kept in the store to their lanes, batched per lane, and marks each
 * sent one enqueued. A job whose send fails stays as it was, for the next run;
 * a job sent twice is harmless, since only one claim of it can succeed.
 */
export async function enqueuePending(deps: EnqueueDeps, jobs: readonly PendingJob[], purpose: string): Promise<EnqueueReport> {
  const routed: { url: string; job: PendingJob }[] = [];
  let failed = 0;
  for (const job of jobs) {
    const settings = deps.directory.settings(job.message.queue);
    if (!settings) {
      deps.logger.error(`${purpose}: job of an unknown queue left as it is`, { job_id: job.message.jobId, queue: job.message.queue });
      failed += 1;
      continue;
    }
    routed.push({ url: deps.directory.laneUrl(settings, job.lane), job });
  }
  const unsent = await sendByLane(
    deps,
    routed.map(({ url, job }) => ({ url, job: { message: job.message, groupId: job.message.groupId, deduplicationId: job.message.runId } })),
  );
  const calls = [...unsent.values()].filter((reason): reason is Error => reason instanceof Error);
  for (const error of new Set(calls)) {
    deps.logger.error(`${purpose}: send failed; will try again next run`, { jobs: calls.filter((other) => other === error).length, error });
  }
  failed += unsent.size;
  let sent = 0;
  const now = deps.clock.now();
  await Promise.all(
    routed.map(async ({ job }, position) => {
      if (unsent.has(position)) return;
      try {
        await deps.store.markEnqueued(job.message.jobId, job.message.runId, now);
        sent += 1;
      } catch (error) {
        // The message is on its way; a claim may already have moved the job on.
        sent += 1;
        deps.logger.warn(`${purpose}: job sent but not marked`, { job_id: job.message.jobId, error: error as Error });
      }
    }),
  );
  return { found: jobs.length, sent, failed };
}
