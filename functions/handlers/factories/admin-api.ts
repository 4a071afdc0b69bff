import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { correlationIdOf } from '../http/correlation';
import { HttpError } from '../http/http-error';
import { jsonErrors } from '../http/json-errors';
import { json } from '../http/responses';
import type { AdminDeps } from '../workflows/admin/admin-deps';
import { ADMIN_ROUTES } from '../workflows/admin/admin-routes';

/**
 * The admin Lambda behind the `AWS_IAM` routes under `/admin`: queue status
 * and metrics, failed jobs, redrive, retry, purge, pause / resume, clean.
 * Routes by API Gateway's resource template and method; every answer is JSON
 * (`{ ok: true, … }`, or the error envelope).
 *
 * @example
 * export const handler = createAdminHandler(adminRuntime(process.env));
 */
export function createAdminHandler(deps: AdminDeps) {
  const route = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    deps.logger.appendKeys({ correlation_id: correlationIdOf(event) });
    const resource = event.resource ?? event.path;
    const handle = ADMIN_ROUTES[`${event.httpMethod} ${resource}`];
    if (handle === undefined) {
      const known = Object.keys(ADMIN_ROUTES).some((key) => key.endsWith(` ${resource}`));
      if (known) throw new HttpError(405, 'method_not_allowed', `${event.httpMethod} is not allowed on ${resource}`);
      throw new HttpError(404, 'not_found', `no admin route for ${event.httpMethod} ${resource}`);
    }
    const answer = await handle(deps, event);
    return json(answer.status, { ok: true, ...answer.body });
  };

  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    .use(jsonErrors(deps.logger))
    .handler(route);
}
