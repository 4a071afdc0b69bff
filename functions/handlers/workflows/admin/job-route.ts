import type { APIGatewayProxyEvent } from 'aws-lambda';
import { HttpError } from '../../http/http-error';
import { jobView } from '../job-view';
import type { AdminDeps } from './admin-deps';
import { JOB_ID_PATTERN, pathParameter } from './admin-requests';
import type { RouteAnswer } from './admin-routes';

/**
 * `GET /admin/jobs/{id}`: any job, whoever its partner, in the view partners
 * get from `GET /jobs/{id}` (the partner shown). A malformed id is `400`, an
 * unknown one `404 job_not_found`.
 *
 * @example
 * const { body } = await readJobRoute(deps, event); // body.status === 'completed'
 */
export async function readJobRoute(deps: AdminDeps, event: APIGatewayProxyEvent): Promise<RouteAnswer> {
  const jobId = pathParameter(event, 'id');
  if (!JOB_ID_PATTERN.test(jobId)) {
    throw new HttpError(400, 'invalid_request', 'the job id is malformed', [{ field: 'id', message: 'letters, digits, - and _ only' }]);
  }
  const job = await deps.store.get(jobId);
  if (job === undefined) throw new HttpError(404, 'job_not_found', `there is no job with id "${jobId}"`);
  return { status: 200, body: jobView(job) };
}
