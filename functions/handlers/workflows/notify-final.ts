import type { JobRecord } from '../../core/job';
import type { JobRequest } from '../../core/job-request';
import { notifyEventOf } from '../../core/notify-event';
import { recordJob, sendRecorded, type AcceptDeps } from './accept-job';

/** Adds the event of a job that has just become final, when it asked for one. */
export interface FinalJobNotifier {
  /**
   * Records the `job.completed` / `job.failed` event of `job` (its record as
   * the final transition left it) for its `notify` endpoint and sends it to
   * the endpoint queue's lane. Never throws: a failure is logged, and the
   * original job's outcome stands.
   */
  jobFinished(job: JobRecord): Promise<void>;
}

/** What the notifier needs: the ingest's means of recording and sending a job, and the queue that delivers to endpoints. */
export interface FinalJobNotifierDeps extends AcceptDeps {
  /** The queue events go to (the catalog's first with `endpoints`, `webhook-delivery`); its settings must be in `directory`. */
  readonly notifyQueue: string;
}

/**
 * The notifier of a consumer. An event is a job of the endpoint queue, named
 * after its type, delivered to the `notify` endpoint (signed with its
 * secret, retried and dead-lettered like any delivery), owned by the job's
 * partner, with a deterministic id: its dedup key is the job's id, run and
 * final status, and any twin blocks it (finished ones too), so settling the
 * same outcome twice adds one event. A recorded event whose send fails is
 * waiting with its schedule entry, and the reconciler sends it as it would
 * any job. Cost, for a job with `notify` only: the event job's own writes
 * (create, claim, complete: about 3 write units) and its SQS messages.
 *
 * @example
 * const notifier = finalJobNotifier({ store, queues, directory, clock, logger, notifyQueue: 'webhook-delivery' });
 * await notifier.jobFinished(completedRecord);
 */
export function finalJobNotifier(deps: FinalJobNotifierDeps): FinalJobNotifier {
  return {
    async jobFinished(job: JobRecord): Promise<void> {
      const event = notifyEventOf(job);
      if (event === undefined) return;
      const fields = { job_id: job.jobId, event: event.name, endpoint_id: event.endpointId };
      const settings = deps.directory.settings(deps.notifyQueue);
      if (settings === undefined) {
        deps.logger.error('notify event not added: the endpoint queue is not configured', { ...fields, queue: deps.notifyQueue });
        return;
      }
      try {
        const request: JobRequest = { name: event.name, data: event.data, dedup_key: event.dedupKey };
        const { acceptance, send } = await recordJob(deps, settings, request, job.correlationId ?? job.jobId, event.partner, {
          endpointId: event.endpointId,
          dedupAcrossFinished: true,
        });
        if (send !== undefined) await sendRecorded(deps, [send]);
        deps.logger.info(acceptance.duplicate ? 'notify event already added' : 'notify event added', { ...fields, event_job_id: acceptance.jobId });
      } catch (error) {
        deps.logger.error('notify event not added; the job keeps its outcome', { ...fields, error: error as Error });
      }
    },
  };
}
