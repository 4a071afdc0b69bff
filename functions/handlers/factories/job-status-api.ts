import middy from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Clock } from '../../adapters/clock';
import type { JobStore } from '../../adapters/job-store';
import { isFinal, type JobRecord } from '../../core/job';
import { JobNotFoundError, TransitionConflictError } from '../../core/errors';
import { correlationIdOf } from '../http/correlation';
import { HttpError } from '../http/http-error';
import { jsonErrors } from '../http/json-errors';
import { json } from '../http/responses';
import type { QueueDirectory } from '../workflows/queue-directory';
import { jobView } from '../workflows/job-view';

/** The longest `?wait=N` a caller may ask for, in seconds. */
export const MAX_WAIT_SECONDS = 20;

/** How often a waiting request reads the job again. */
const WAIT_POLL_MS = 200;

/** What the status and cancel routes need. */
export interface JobStatusDeps {
  readonly store: JobStore;
  readonly directory: QueueDirectory;
  readonly clock: Clock;
  readonly logger: Logger;
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

async function readJob(store: JobStore, jobId: string): Promise<JobRecord> {
  const job = await store.get(jobId);
  if (!job) throw new HttpError(404, 'job_not_found', `there is no job with id "${jobId}"`);
  return job;
}

/**
 * `GET /jobs/{id}` (with `?wait=N` long-polling for a final state) and
 * `DELETE /jobs/{id}` (cancel a waiting or delayed job).
 */
export function createJobStatusHandler(deps: JobStatusDeps) {
  const route = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    deps.logger.appendKeys({ correlation_id: correlationIdOf(event) });
    const jobId = event.pathParameters?.id ?? '';
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(jobId)) {
      throw new HttpError(400, 'invalid_request', 'the job id is malformed', [{ field: 'id', message: 'letters, digits, - and _ only' }]);
    }

    if (event.httpMethod === 'DELETE') return cancel(jobId);

    const deadline = deps.clock.now().getTime() + waitSeconds(event) * 1000;
    let job = await readJob(deps.store, jobId);
    while (!isFinal(job.status) && deps.clock.now().getTime() + WAIT_POLL_MS <= deadline) {
      await deps.clock.sleep(WAIT_POLL_MS);
      job = await readJob(deps.store, jobId);
    }
    return json(200, jobView(job));
  };

  const cancel = async (jobId: string): Promise<APIGatewayProxyResult> => {
    const existing = await readJob(deps.store, jobId);
    const settings = deps.directory.settings(existing.queue);
    const retentionHours = settings?.retention.completedHours ?? 24;
    const now = deps.clock.now();
    try {
      const job = await deps.store.cancel(jobId, now, new Date(now.getTime() + retentionHours * 3_600_000));
      deps.logger.info('job cancelled', { job_id: jobId, queue: job.queue });
      return json(200, jobView(job));
    } catch (error) {
      if (error instanceof JobNotFoundError) throw new HttpError(404, 'job_not_found', `there is no job with id "${jobId}"`);
      if (error instanceof TransitionConflictError) {
        const current = await deps.store.get(jobId);
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
