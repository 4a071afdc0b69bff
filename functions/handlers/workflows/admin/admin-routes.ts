import type { APIGatewayProxyEvent } from 'aws-lambda';
import { HttpError } from '../../http/http-error';
import { requireQueue } from '../accept-job';
import type { AdminDeps } from './admin-deps';
import { cleanBodySchema, failedQuerySchema, JOB_ID_PATTERN, metricsQuerySchema, parseBody, parseQuery, parseRedriveBody, pathParameter } from './admin-requests';
import { cleanQueue } from './clean-records';
import { switchConsumer } from './consumer-switch';
import { changeEndpoint, listEndpoints, registerEndpoint, removeEndpoint, rotateEndpointSecret, rotateEndpointToken, showEndpoint } from './endpoint-routes';
import { failedPage } from './failed-view';
import { readJobRoute } from './job-route';
import { metricsSeries, windowStart } from './metrics-series';
import { redriveStatus } from './move-task-view';
import { purgeDeadLetters } from './purge-dead-letters';
import { OLDEST_AGE_NOTE, queuesView } from './queues-view';
import { redriveAll } from './redrive-all';
import { retryJob } from './retry-job';
import { redriveJobs } from './selective-redrive';

/** A route's answer: its status and its body (`ok: true` is added). */
export interface RouteAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** One admin route. */
export type AdminRoute = (deps: AdminDeps, event: APIGatewayProxyEvent) => Promise<RouteAnswer>;

const ok = (body: Record<string, unknown>, status = 200): RouteAnswer => ({ status, body });
const queueOf = (deps: AdminDeps, event: APIGatewayProxyEvent) => requireQueue(deps.directory, pathParameter(event, 'queue'));

/**
 * The admin routes by `METHOD resource`, as API Gateway names the resource.
 * Each checks its input before it changes anything.
 */
export const ADMIN_ROUTES: Readonly<Record<string, AdminRoute>> = {
  'GET /admin/queues': async (deps) =>
    ok({ timestamp: deps.clock.now().toISOString(), queues: await queuesView(deps), notes: { oldest_message_age: OLDEST_AGE_NOTE } }),

  'GET /admin/queues/{queue}/metrics': async (deps, event) => {
    const settings = queueOf(deps, event);
    const { minutes } = parseQuery(event, metricsQuerySchema);
    const now = deps.clock.now();
    const items = await deps.metrics.minutesSince(settings.name, windowStart(now, minutes));
    return ok({ queue: settings.name, minutes, ...metricsSeries(items, now, minutes) });
  },

  'GET /admin/queues/{queue}/failed': async (deps, event) => {
    const settings = queueOf(deps, event);
    const query = parseQuery(event, failedQuerySchema);
    return ok({ queue: settings.name, ...(await failedPage(deps, settings.name, query)) });
  },

  'POST /admin/queues/{queue}/redrive': async (deps, event) => {
    const settings = queueOf(deps, event);
    const body = parseRedriveBody(event);
    if ('all' in body) return ok({ ...(await redriveAll(deps, settings, body.max_per_second)) }, 202);
    return ok({ ...(await redriveJobs(deps, settings, body.job_ids)) });
  },

  'GET /admin/queues/{queue}/redrive': async (deps, event) => ok({ ...(await redriveStatus(deps, queueOf(deps, event))) }),

  'GET /admin/jobs/{id}': readJobRoute,

  'POST /admin/jobs/{id}/retry': async (deps, event) => {
    const jobId = pathParameter(event, 'id');
    if (!JOB_ID_PATTERN.test(jobId)) {
      throw new HttpError(400, 'invalid_request', 'the job id is malformed', [{ field: 'id', message: 'letters, digits, - and _ only' }]);
    }
    return ok({ ...(await retryJob(deps, jobId)) });
  },

  'DELETE /admin/queues/{queue}/dlq': async (deps, event) =>
    ok({ ...(await purgeDeadLetters(deps, queueOf(deps, event), event.queryStringParameters?.confirm)) }),

  'POST /admin/queues/{queue}/pause': async (deps, event) => ok({ ...(await switchConsumer(deps, queueOf(deps, event), false)) }),

  'POST /admin/queues/{queue}/resume': async (deps, event) => ok({ ...(await switchConsumer(deps, queueOf(deps, event), true)) }),

  'POST /admin/queues/{queue}/clean': async (deps, event) => {
    const settings = queueOf(deps, event);
    return ok({ ...(await cleanQueue(deps, settings, parseBody(event, cleanBodySchema))) });
  },

  'POST /admin/endpoints': async (deps, event) => ok(await registerEndpoint(deps, event), 201),

  'GET /admin/endpoints': async (deps, event) => ok(await listEndpoints(deps, event)),

  'GET /admin/endpoints/{id}': async (deps, event) => ok(await showEndpoint(deps, event)),

  'PATCH /admin/endpoints/{id}': async (deps, event) => ok(await changeEndpoint(deps, event)),

  'DELETE /admin/endpoints/{id}': async (deps, event) => ok(await removeEndpoint(deps, event)),

  'POST /admin/endpoints/{id}/rotate-secret': async (deps, event) => ok(await rotateEndpointSecret(deps, event)),

  'POST /admin/endpoints/{id}/rotate-token': async (deps, event) => ok(await rotateEndpointToken(deps, event)),
};
