import { InvalidRequestError } from '../../../core/errors';
import type { FailureCategory } from '../../../core/failure';
import type { FailedJob } from '../../../adapters/job-admin-store';
import { HttpError } from '../../http/http-error';
import type { AdminDeps } from './admin-deps';

/** One failed job in `GET /admin/queues/{queue}/failed`. */
export interface FailedJobView {
  readonly job_id: string;
  /** The partner who added the job; null for a job from before jobs recorded it. */
  readonly partner: string | null;
  readonly name: string;
  readonly priority: string;
  readonly lane: string;
  /** Why it failed: its last error's message. */
  readonly reason: string | null;
  readonly category: string | null;
  readonly attempts: number;
  readonly max_attempts: number;
  /** The last attempt's entry in the history (the reason as the attempt saw it, shorter). */
  readonly last_error: { readonly attempt: number; readonly at: string; readonly category: string | null; readonly message: string | null } | null;
  readonly failed_at: string;
  readonly created_at: string;
  readonly payload_bytes: number;
}

/** The snake_case view of a failed job. */
export function failedJobView(job: FailedJob): FailedJobView {
  const last = job.lastAttempt;
  return {
    job_id: job.jobId,
    partner: job.partner ?? null,
    name: job.name,
    priority: job.priority,
    lane: job.lane,
    reason: job.error?.message ?? null,
    category: job.error?.category ?? null,
    attempts: job.attempts,
    max_attempts: job.maxAttempts,
    last_error: last === undefined ? null : { attempt: last.attempt, at: last.at, category: last.category ?? null, message: last.message ?? null },
    failed_at: job.failedAt.toISOString(),
    created_at: job.createdAt,
    payload_bytes: job.payloadBytes,
  };
}

/** A page of a queue's failed jobs, newest first, with the cursor of the next page (null on the last). */
export async function failedPage(
  deps: AdminDeps,
  queue: string,
  query: { readonly limit: number; readonly cursor?: string; readonly category?: FailureCategory },
): Promise<{ jobs: FailedJobView[]; next_cursor: string | null }> {
  try {
    const page = await deps.store.listFailed(queue, query);
    return { jobs: page.jobs.map(failedJobView), next_cursor: page.cursor ?? null };
  } catch (error) {
    if (error instanceof InvalidRequestError) throw new HttpError(400, 'invalid_request', error.message, error.details);
    throw error;
  }
}

/**
 * Every failed job id of a queue that failed at or before `upTo` (a snapshot
 * for redriving or marking them all), read from the failed index a thousand
 * at a time.
 */
export async function failedIdsUpTo(deps: Pick<AdminDeps, 'store'>, queue: string, upTo: Date): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.listFailed(queue, { limit: 1000, failedUpTo: upTo, ...(cursor === undefined ? {} : { cursor }) });
    ids.push(...page.jobs.map((job) => job.jobId));
    cursor = page.cursor;
  } while (cursor !== undefined);
  return ids;
}
