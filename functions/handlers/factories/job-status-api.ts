import middy from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Clock } from '../../adapters/clock';
import type { JobStatusStore } from '../../adapters/job-status-store';
import type { JobStore } from '../../adapters/job-store';
import { isFinal, isOwnedBy, type JobRecord } from '../../core/job';
import { JobNotFoundError, TransitionConflictError } from '../../core/errors';
import { correlationIdOf } from '../http/correlation';
import { HttpError } from '../http/http-error';
import { jsonErrors } from '../http/json-errors';
import { partnerOf, type PartnerDirectory } from '../http/partner';
import { json } from '../http/responses';
import type { QueueDirectory } from '../workflows/queue-directory';
import { jobView } from '../workflows/job-view';
import { PROGRESS_RESOURCE, reportJobProgress } from '../workflows/report-progress';

/** The longest `?wait=N` a caller may ask for, in seconds. */
export const MAX_WAIT_SECONDS = 20;

/**
 * How often a waiting request reads the job again: about once a second, so a
 * 20 s long-poll costs about 21 reads, and the answer comes at most this late
 * after the job reaches a final state.
 */
export const WAIT_POLL_MS = 1000;

/** What the status, cancel and progress routes need. */
export interface JobStatusDeps {
  /** Job records; a target's progress reports; a job's data for its owner. */
  readonly store: JobStatusStore;
  readonly directory: QueueDirectory;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The partner of each API key id: a partner sees and cancels only its own jobs. */
  readonly partners: PartnerDirectory;
}

function waitSeconds(event: APIGatewayProxyEvent): number {
  const raw = event.queryStringParameters?.wait;
  if (raw === undefined || raw === null) return 0;
  const seconds = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || seconds > MAX_WAIT_SECONDS) {
    throw new HttpError(400, 'invalid_request', `wait must be a number of seconds from 0 to ${MAX_WAIT_SECONDS}`, [
      { field: 'wait', message: `got "${raw}"` },
    ]);
  }
  return seconds;
}

/** Whether `GET /jobs/{id}` is asked for the job's data too (`?include=data`, the only value taken). */
function includesData(event: APIGatewayProxyEvent): boolean {
  const raw = event.queryStringParameters?.include;
  if (raw === undefined || raw === null) return false;
  if (raw !== 'data') {
    throw new HttpError(400, 'invalid_request', 'include takes one value: data', [{ field: 'include', message: `got "${raw}"` }]);
  }
  return true;
}

/** The answer for a job that does not exist, and for one another partner owns: the same, so ids cannot be probed. */
function jobNotFound(jobId: string): HttpError {
  return new HttpError(404, 'job_not_found', `there is no job with id "${jobId}"`);
}

/** The partner's job, or `404 job_not_found` when there is none or another partner owns it. */
async function readOwnJob(store: Pick<JobStore, 'get'>, jobId: string, partner: string): Promise<JobRecord> {
  const job = await store.get(jobId);
  if (!job || !isOwnedBy(job, partner)) throw jobNotFound(jobId);
  return job;
}

/**
 * `GET /jobs/{id}` (with `?wait=N` long-polling for a final state, and
 * `?include=data` for the job's data), `DELETE /jobs/{id}` (cancel a waiting
 * or delayed job) and the public `POST /jobs/{id}/progress?token=…` (a
 * target's progress report, see `report-progress.ts`). A partner reaches
 * only its own jobs: another partner's job is `404 job_not_found`, word for
 * word as for an id that does not exist.
 */
export function createJobStatusHandler(deps: JobStatusDeps) {
  const route = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    deps.logger.appendKeys({ correlation_id: correlationIdOf(event) });
    const jobId = event.pathParameters?.id ?? '';
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(jobId)) {
      throw new HttpError(400, 'invalid_request', 'the job id is malformed', [{ field: 'id', message: 'letters, digits, - and _ only' }]);
    }
    // The public route first: it has no API key, so no partner; its token is the credential.
    if (event.resource === PROGRESS_RESOURCE && event.httpMethod === 'POST') return reportJobProgress(deps.store, jobId, event);
    const partner = partnerOf(event, deps.partners);
    deps.logger.appendKeys({ partner });

    if (event.httpMethod === 'DELETE') return cancel(jobId, partner);

    const withData = includesData(event);
    const deadline = deps.clock.now().getTime() + waitSeconds(event) * 1000;
    let job = await readOwnJob(deps.store, jobId, partner);
    let left = deadline - deps.clock.now().getTime();
    while (!isFinal(job.status) && left > 0) {
      // The last sleep is cut to the deadline, so the last read lands on it and never after.
      await deps.clock.sleep(Math.min(WAIT_POLL_MS, left));
      job = await readOwnJob(deps.store, jobId, partner);
      left = deadline - deps.clock.now().getTime();
    }
    // Only when asked: the data costs a read or two (the state item, then the payload item if it is kept apart).
    return json(200, withData ? jobView(job, await deps.store.readData(job.jobId, job.runId)) : jobView(job));
  };

  const cancel = async (jobId: string, partner: string): Promise<APIGatewayProxyResult> => {
    const existing = await readOwnJob(deps.store, jobId, partner);
    const settings = deps.directory.settings(existing.queue);
    const retentionHours = settings?.retention.completedHours ?? 24;
    const now = deps.clock.now();
    try {
      const job = await deps.store.cancel(jobId, partner, now, new Date(now.getTime() + retentionHours * 3_600_000));
      deps.logger.info('job cancelled', { job_id: jobId, queue: job.queue });
      return json(200, jobView(job));
    } catch (error) {
      if (error instanceof JobNotFoundError) throw jobNotFound(jobId);
      if (error instanceof TransitionConflictError) {
        const current = await deps.store.get(jobId);
        if (current !== undefined && !isOwnedBy(current, partner)) throw jobNotFound(jobId);
        throw new HttpError(409, 'not_cancellable', `job ${jobId} is ${current?.status ?? 'gone'}; only waiting or delayed jobs can be cancelled`);
      }
      throw error;
    }
  };

  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    .use(jsonErrors(deps.logger))
    .handler(route);
}
