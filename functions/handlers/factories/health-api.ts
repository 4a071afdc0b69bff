import middy from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { QueueSettings } from '../../core/runtime-config';
import { HttpError } from '../http/http-error';
import { jsonErrors } from '../http/json-errors';
import { json } from '../http/responses';
import { queueCounts, type OverviewDeps, type QueueCounts } from '../workflows/queue-overview';

/** The name this service reports in health answers. */
export const SERVICE_NAME = 'job-pipeline';

/** What the health routes need. */
export interface HealthDeps extends OverviewDeps {
  readonly settings: readonly QueueSettings[];
  readonly logger: Logger;
}

/**
 * `GET /health` (liveness), `GET /health/queue` (public: per queue counts and
 * `healthy` or `degraded`) and `GET /queue/status` (admin: the seeds' view, with
 * totals), for teams migrating from the systems they replace.
 */
export function createHealthHandler(deps: HealthDeps) {
  const allCounts = async (): Promise<Record<string, QueueCounts>> =>
    Object.fromEntries(await Promise.all(deps.settings.map(async (settings) => [settings.name, await queueCounts(deps, settings)] as const)));

  const route = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const timestamp = deps.clock.now().toISOString();
    const path = event.resource ?? event.path;
    if (path === '/health') return json(200, { ok: true, status: 'ok', service: SERVICE_NAME, timestamp });
    if (path === '/health/queue') {
      const queues = await allCounts();
      const degraded = Object.values(queues).some((counts) => counts.dlq > 0);
      return json(200, { ok: true, service: SERVICE_NAME, timestamp, status: degraded ? 'degraded' : 'healthy', queues });
    }
    if (path === '/queue/status') {
      const counts = await allCounts();
      const queues = Object.fromEntries(
        Object.entries(counts).map(([name, queue]) => [
          name,
          { ...queue, total: queue.waiting + queue.active + queue.delayed + queue.completed + queue.failed },
        ]),
      );
      return json(200, { ok: true, queues, timestamp });
    }
    throw new HttpError(404, 'not_found', `no route for ${path}`);
  };

  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    .use(jsonErrors(deps.logger))
    .handler(route);
}
