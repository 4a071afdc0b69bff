import type { JobData } from '../../adapters/job-data';
import type { JobRecord } from '../../core/job';

/**
 * A job record as the API shows it: snake_case, no internal fields (run id,
 * lease, progress token, correlation id), with the latest `progress` its
 * target reported. The partner is shown: only its owner (or an operator) ever
 * sees a job. With `data` (asked for by `?include=data`), the job's data, or
 * `data_available: false` when it is no longer kept.
 */
export function jobView(job: JobRecord, data?: JobData): Record<string, unknown> {
  return {
    ok: true,
    job_id: job.jobId,
    queue: job.queue,
    name: job.name,
    status: job.status,
    priority: job.priority,
    attempts: job.attempts,
    max_attempts: job.maxAttempts,
    created_at: job.createdAt,
    updated_at: job.updatedAt,
    ...(job.dueAt === undefined ? {} : { due_at: job.dueAt }),
    ...(job.groupId === undefined ? {} : { group_id: job.groupId }),
    ...(job.partner === undefined ? {} : { partner: job.partner }),
    ...(job.notify === undefined ? {} : { notify: { endpoint_id: job.notify.endpointId } }),
    ...(job.progress === undefined ? {} : { progress: job.progress }),
    ...(data === undefined ? {} : data.available ? { data: data.data } : { data_available: false }),
    ...(job.result === undefined ? {} : { result: job.result }),
    ...(job.error === undefined ? {} : { error: { category: job.error.category, message: job.error.message } }),
    history: job.history.map((entry) => ({
      attempt: entry.attempt,
      at: entry.at,
      outcome: entry.outcome,
      ...(entry.category === undefined ? {} : { category: entry.category }),
      ...(entry.message === undefined ? {} : { message: entry.message }),
      duration_ms: entry.durationMs,
      ...(entry.retryInMs === undefined ? {} : { retry_in_ms: entry.retryInMs }),
    })),
  };
}
