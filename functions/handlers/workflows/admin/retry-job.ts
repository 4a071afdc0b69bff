import { JOB_STATUS } from '../../../core/job';
import { HttpError } from '../../http/http-error';
import type { AdminDeps } from './admin-deps';
import { redriveJobs } from './selective-redrive';

/**
 * `POST /admin/jobs/{id}/retry`: one failed job back to work: its letter
 * moved from its queue's DLQ to its lane, its record reset (a selective
 * redrive of one id).
 */
export async function retryJob(deps: AdminDeps, jobId: string): Promise<{ job_id: string; queue: string; status: 'waiting'; lane: string }> {
  const job = await deps.store.get(jobId);
  if (job === undefined) throw new HttpError(404, 'job_not_found', `there is no job with id "${jobId}"`);
  if (job.status !== JOB_STATUS.failed) {
    throw new HttpError(409, 'not_failed', `job ${jobId} is ${job.status}; only failed jobs can be retried`);
  }
  const settings = deps.directory.settings(job.queue);
  if (settings === undefined) throw new HttpError(404, 'unknown_queue', `job ${jobId} belongs to queue "${job.queue}", which this stack does not run`);
  const result = await redriveJobs(deps, settings, [jobId]);
  return { job_id: jobId, queue: settings.name, status: JOB_STATUS.waiting, lane: result.moved[0]?.lane ?? 'default' };
}
