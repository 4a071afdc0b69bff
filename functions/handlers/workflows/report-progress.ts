import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { PROGRESS_OUTCOME, type JobProgressStore } from '../../adapters/job-progress';
import { fieldProblems } from '../../core/job-request';
import { MAX_PROGRESS_OBJECT_BYTES, MAX_PROGRESS_TOKEN_LENGTH, progressRequestSchema } from '../../core/job-progress';
import { jsonBody } from '../http/body';
import { HttpError } from '../http/http-error';
import { json } from '../http/responses';

/** The progress route's resource: public, the token in its query is the credential. */
export const PROGRESS_RESOURCE = '/jobs/{id}/progress';

/** A progress body is at most this large: the 1 KB object and its envelope, with room for whitespace. */
const MAX_PROGRESS_BODY_BYTES = 4 * MAX_PROGRESS_OBJECT_BYTES;

/**
 * The one answer to every report that does not reach an active job's current
 * attempt: no such job, a wrong token, or one whose attempt has ended read
 * the same, so a caller learns nothing about which it was.
 */
function notFound(): HttpError {
  return new HttpError(404, 'not_found', 'no active job attempt for this progress URL; the token is good for its attempt only');
}

/**
 * `POST /jobs/{id}/progress?token=…`: a target reports the progress of the
 * job it is working on, `{ "progress": <0–100> | { … ≤ 1 KB } }`, any number
 * of times while the attempt lasts. No API key: the token, written by the
 * attempt's claim and removed when the attempt ends, is the credential. One
 * conditional write per report (one write unit while the job's record, its
 * progress included, stays under 1 KB); `200 { ok: true }`, `409
 * job_finished` once the job is final, `404 not_found` otherwise.
 */
export async function reportJobProgress(store: JobProgressStore, jobId: string, event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const token = event.queryStringParameters?.token;
  // A missing or impossible token cannot match: refused without a write.
  if (token === undefined || token === null || token.length === 0 || token.length > MAX_PROGRESS_TOKEN_LENGTH) throw notFound();
  const parsed = progressRequestSchema.safeParse(jsonBody(event, MAX_PROGRESS_BODY_BYTES, 'the progress limit'));
  if (!parsed.success) {
    throw new HttpError(400, 'invalid_request', 'the progress report is invalid; see details', fieldProblems(parsed.error));
  }
  const outcome = await store.reportProgress(jobId, token, parsed.data.progress);
  if (outcome === PROGRESS_OUTCOME.final) {
    throw new HttpError(409, 'job_finished', `job ${jobId} is final; progress is taken only while it is active`);
  }
  if (outcome === PROGRESS_OUTCOME.notFound) throw notFound();
  return json(200, { ok: true });
}
