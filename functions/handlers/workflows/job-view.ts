import type { JobRecord } from '../../core/job';

/**
 * A job record as the API shows it: snake_case, no internal fields (run id,
 * lease, correlation id). The partner is shown: only its owner (or an
 * operator) ever sees a job.
 */
export function jobView(job: JobRecord): Record<string, unknown> {
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
