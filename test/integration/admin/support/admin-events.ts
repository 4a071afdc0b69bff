import type { APIGatewayProxyEvent } from 'aws-lambda';
import { apiEvent } from '../../support/api-events';

/** An admin request as API Gateway sends it, signed (an IAM caller in the request context). */
function adminEvent(method: string, resource: string, path: string, options: { pathParameters?: Record<string, string>; query?: Record<string, string>; body?: unknown } = {}): APIGatewayProxyEvent {
  const event = apiEvent({
    method,
    resource,
    path,
    pathParameters: options.pathParameters,
    query: options.query,
    body: options.body === undefined ? null : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
  });
  return { ...event, requestContext: { ...event.requestContext, identity: { ...event.requestContext.identity, apiKey: null, apiKeyId: null, userArn: 'arn:aws:iam::000000000000:user/ops' } } };
}

const onQueue = (method: string, suffix: string, queue: string, options: { query?: Record<string, string>; body?: unknown } = {}) =>
  adminEvent(method, `/admin/queues/{queue}${suffix}`, `/admin/queues/${queue}${suffix}`, { pathParameters: { queue }, ...options });

/** Admin request factories, one per route. */
export const admin = {
  queues: () => adminEvent('GET', '/admin/queues', '/admin/queues'),
  metrics: (queue: string, minutes?: string) => onQueue('GET', '/metrics', queue, minutes === undefined ? {} : { query: { minutes } }),
  failed: (queue: string, query: Record<string, string> = {}) => onQueue('GET', '/failed', queue, { query }),
  redrive: (queue: string, body: unknown) => onQueue('POST', '/redrive', queue, { body }),
  redriveStatus: (queue: string) => onQueue('GET', '/redrive', queue),
  retry: (jobId: string) => adminEvent('POST', '/admin/jobs/{id}/retry', `/admin/jobs/${jobId}/retry`, { pathParameters: { id: jobId } }),
  purge: (queue: string, confirm?: string) => onQueue('DELETE', '/dlq', queue, confirm === undefined ? {} : { query: { confirm } }),
  pause: (queue: string) => onQueue('POST', '/pause', queue),
  resume: (queue: string) => onQueue('POST', '/resume', queue),
  clean: (queue: string, body: unknown) => onQueue('POST', '/clean', queue, { body }),
};
