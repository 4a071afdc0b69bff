/** A job's status as the server names it. */
export type ServerJobStatus = 'waiting' | 'delayed' | 'active' | 'retrying' | 'completed' | 'failed' | 'cancelled';

/** BullMQ's job states that this API has, and `unknown` as BullMQ answers for a job that is gone. */
export type JobState = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed' | 'unknown';

/**
 * The server's statuses under BullMQ's state names. `retrying` (waiting out
 * its backoff) is `delayed`, where BullMQ keeps a job between attempts; a
 * `cancelled` job is `unknown`, as BullMQ's `getState()` answers for a job
 * that was removed.
 */
export const STATE_OF_STATUS: Readonly<Record<ServerJobStatus, JobState>> = {
  waiting: 'waiting',
  delayed: 'delayed',
  active: 'active',
  retrying: 'delayed',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'unknown',
};

/** BullMQ's state of a server status; `unknown` for a status this client does not know. */
export function stateOf(status: string): JobState {
  return (STATE_OF_STATUS as Readonly<Record<string, JobState>>)[status] ?? 'unknown';
}

/** Statuses a job never leaves. */
export function isFinalStatus(status: string): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

/** `GET /jobs/{id}`'s answer, the fields this client reads. */
export interface JobView {
  readonly job_id: string;
  readonly queue: string;
  readonly name?: string;
  readonly status: string;
  readonly priority?: string;
  readonly attempts?: number;
  readonly max_attempts?: number;
  readonly created_at?: string;
  readonly updated_at?: string;
  readonly result?: unknown;
  readonly error?: { readonly category?: string; readonly message?: string };
  readonly progress?: unknown;
  readonly data?: unknown;
}

/** Whether an answer body is a job view. */
export function isJobView(body: unknown): body is JobView {
  if (body === null || typeof body !== 'object') return false;
  const view = body as Partial<JobView>;
  return typeof view.job_id === 'string' && typeof view.status === 'string';
}
