import { JOB_STATUS, type JobRecord } from './job';

/** The kinds of event a job's `notify` endpoint gets. */
export const NOTIFY_EVENT_TYPE = {
  completed: 'job.completed',
  failed: 'job.failed',
} as const;

/** One of the values of {@link NOTIFY_EVENT_TYPE}. */
export type NotifyEventType = (typeof NOTIFY_EVENT_TYPE)[keyof typeof NOTIFY_EVENT_TYPE];

/** The data of a notify event: what the endpoint receives as the event job's `data`. */
export interface NotifyEventData {
  readonly type: NotifyEventType;
  readonly job_id: string;
  readonly queue: string;
  readonly name: string;
  readonly status: 'completed' | 'failed';
  readonly result?: unknown;
  readonly error?: { readonly category: string; readonly message: string };
  readonly attempts: number;
  readonly finished_at: string;
}

/** The event job to add for a final job: its name, data and the dedup key that makes it once per outcome of a run. */
export interface NotifyEvent {
  readonly endpointId: string;
  /** The event job's name within its queue: the event type. */
  readonly name: NotifyEventType;
  readonly data: NotifyEventData;
  /**
   * `notify:<job id>:<run id>:<status>`: the same for every settle of one
   * outcome, so a repeated settle finds the event already recorded and adds
   * none; a redriven run that then completes is a new outcome and is told.
   */
  readonly dedupKey: string;
  /** The partner the event job belongs to: the job's own. */
  readonly partner: string;
}

/**
 * The `job.completed` or `job.failed` event of a job that has just become
 * final, or undefined when there is nothing to tell: no `notify`, no partner,
 * or a state that is not completed or failed (a cancelled job was never run).
 *
 * @example
 * notifyEventOf(completedJob)?.data.type; // 'job.completed'
 */
export function notifyEventOf(job: JobRecord): NotifyEvent | undefined {
  if (job.notify === undefined || job.partner === undefined) return undefined;
  if (job.status !== JOB_STATUS.completed && job.status !== JOB_STATUS.failed) return undefined;
  const completed = job.status === JOB_STATUS.completed;
  const type = completed ? NOTIFY_EVENT_TYPE.completed : NOTIFY_EVENT_TYPE.failed;
  return {
    endpointId: job.notify.endpointId,
    name: type,
    partner: job.partner,
    dedupKey: `notify:${job.jobId}:${job.runId}:${job.status}`,
    data: {
      type,
      job_id: job.jobId,
      queue: job.queue,
      name: job.name,
      status: job.status,
      ...(completed && job.result !== undefined ? { result: job.result } : {}),
      ...(!completed && job.error !== undefined ? { error: { category: job.error.category, message: job.error.message } } : {}),
      attempts: job.attempts,
      finished_at: job.updatedAt,
    },
  };
}
