import { FAILURE_CATEGORIES } from './failure';
import { ref, type JsonObject } from './openapi-components';
import { answer, failure, pathParameter, queryParameter, type RouteDoc } from './openapi-operations';

const QUEUE = pathParameter('queue', 'A catalog queue name');
const JOB = pathParameter('id', 'A job id');
const ENDPOINT = pathParameter('id', 'An endpoint id (ep_…)');
const VIEW = answer('The view', ref('AdminAnswer'));
const UNKNOWN_QUEUE = failure('unknown_queue');

/**
 * The bodies of the redrive and clean routes. Their zod schemas belong to the
 * admin function's handlers, which this pure module may not import; the
 * infra test that compares this document with the stack keeps the routes in
 * step, and these shapes are README "Operations"'s.
 */
const REDRIVE_BODY: JsonObject = {
  oneOf: [
    { type: 'object', required: ['all'], additionalProperties: false, properties: { all: { const: true }, max_per_second: { type: 'integer', minimum: 1, maximum: 500 } } },
    {
      type: 'object',
      required: ['job_ids'],
      additionalProperties: false,
      properties: { job_ids: { type: 'array', minItems: 1, maxItems: 100, uniqueItems: true, items: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } } },
    },
  ],
};

const CLEAN_BODY: JsonObject = {
  type: 'object',
  required: ['state', 'older_than_hours'],
  additionalProperties: false,
  properties: { state: { enum: ['completed', 'failed', 'cancelled'] }, older_than_hours: { type: 'number', minimum: 0, maximum: 8784 } },
};

type AdminRoute = Pick<RouteDoc, 'method' | 'path' | 'summary' | 'parameters' | 'body'> & { readonly responses?: RouteDoc['responses']; readonly tag?: string };

/** `GET /admin/queues/{queue}` → `admin.get.queues.queue`: an id unique per route. */
function operationIdOf(method: string, path: string): string {
  return ['admin', method, ...path.split('/').filter((part) => part !== '' && part !== 'admin').map((part) => part.replace(/[{}]/g, ''))].join('.');
}

const ROUTES: readonly AdminRoute[] = [
  { method: 'get', path: '/queue/status', summary: 'Counts per queue with totals, from the shared snapshot', tag: 'health' },
  { method: 'get', path: '/api/queue/status', summary: "Seed 000's queue status: { ok, queues: { <queue>: { waiting, active, completed, failed, delayed, total } }, timestamp }", tag: 'seed routes' },
  { method: 'get', path: '/admin/queues', summary: 'Per queue and lane: waiting, active, delayed, 24 h counts, DLQ depth, paused or not' },
  {
    method: 'get',
    path: '/admin/queues/{queue}/metrics',
    summary: "Per-minute completed, failed, retried, dead-lettered and mean processing time (BullMQ's getMetrics)",
    parameters: [QUEUE, queryParameter('minutes', 'How many minutes back, 1–1440 (default 60)', { type: 'integer', minimum: 1, maximum: 1440 })],
  },
  {
    method: 'get',
    path: '/admin/queues/{queue}/failed',
    summary: 'Failed jobs, newest first',
    parameters: [
      QUEUE,
      queryParameter('limit', '1–100 (default 25)', { type: 'integer', minimum: 1, maximum: 100 }),
      queryParameter('cursor', 'The previous page\'s next_cursor', { type: 'string' }),
      queryParameter('category', 'Only this failure category', { enum: FAILURE_CATEGORIES }),
    ],
  },
  {
    method: 'post',
    path: '/admin/queues/{queue}/redrive',
    summary: 'Move dead letters back: all (an SQS message move task) or chosen job ids',
    parameters: [QUEUE],
    body: REDRIVE_BODY,
    responses: { '404': failure('unknown_queue, or not_in_dead_letter_queue'), '409': failure('dlq_empty, redrive_in_progress, not_redrivable') },
  },
  { method: 'get', path: '/admin/queues/{queue}/redrive', summary: "The latest redrive's status and counts", parameters: [QUEUE] },
  { method: 'get', path: '/admin/jobs/{id}', summary: 'Any job, whoever its partner', parameters: [JOB], responses: { '404': failure('job_not_found') } },
  { method: 'post', path: '/admin/jobs/{id}/retry', summary: 'One failed job back to work', parameters: [JOB], responses: { '404': failure('job_not_found'), '409': failure('not_failed') } },
  {
    method: 'delete',
    path: '/admin/queues/{queue}/dlq',
    summary: 'Purge the dead-letter queue and mark those records purged',
    parameters: [QUEUE, { name: 'confirm', in: 'query', required: true, description: 'The queue name again', schema: { type: 'string' } }],
    responses: { '400': failure('confirmation_required'), '404': UNKNOWN_QUEUE, '409': failure('purge_in_progress') },
  },
  { method: 'post', path: '/admin/queues/{queue}/pause', summary: "Disable the queue's event source mappings: messages wait untouched", parameters: [QUEUE] },
  { method: 'post', path: '/admin/queues/{queue}/resume', summary: "Enable the queue's event source mappings", parameters: [QUEUE] },
  { method: 'post', path: '/admin/queues/{queue}/clean', summary: 'Delete records of a state older than a grace period; answers the count', parameters: [QUEUE], body: CLEAN_BODY },
  {
    method: 'post',
    path: '/admin/endpoints',
    summary: "Register a user's app: answers its endpoint_id, secret (whsec_…) and inbound_url",
    body: ref('NewEndpointRequest'),
    responses: { '201': answer('Registered', ref('AdminAnswer')), '400': failure('invalid_request (an address the guard refuses included)') },
    tag: 'webhook relay',
  },
  {
    method: 'get',
    path: '/admin/endpoints',
    summary: 'List endpoints (no secrets)',
    parameters: [queryParameter('user_id', "Only this user's", { type: 'string' })],
    tag: 'webhook relay',
  },
  { method: 'get', path: '/admin/endpoints/{id}', summary: 'One endpoint, with its circuit, last failure and counts', parameters: [ENDPOINT], responses: { '404': failure('endpoint_not_found') }, tag: 'webhook relay' },
  {
    method: 'patch',
    path: '/admin/endpoints/{id}',
    summary: 'Change url, description, partner, headers, body, enabled or circuit',
    parameters: [ENDPOINT],
    body: ref('EndpointChangeRequest'),
    responses: { '404': failure('endpoint_not_found'), '409': failure('changed_meanwhile: send it again') },
    tag: 'webhook relay',
  },
  { method: 'delete', path: '/admin/endpoints/{id}', summary: 'Remove an endpoint', parameters: [ENDPOINT], responses: { '404': failure('endpoint_not_found') }, tag: 'webhook relay' },
  {
    method: 'post',
    path: '/admin/endpoints/{id}/rotate-secret',
    summary: 'A new signing secret; the old one keeps signing for 24 hours',
    parameters: [ENDPOINT],
    responses: { '404': failure('endpoint_not_found') },
    tag: 'webhook relay',
  },
  {
    method: 'post',
    path: '/admin/endpoints/{id}/rotate-token',
    summary: 'A new inbound URL; the old one stops at once',
    parameters: [ENDPOINT],
    responses: { '404': failure('endpoint_not_found') },
    tag: 'webhook relay',
  },
];

/** Every operator route (SigV4): the seeds' status views and everything under `/admin`. */
export function adminRoutes(): RouteDoc[] {
  return ROUTES.map((route) => ({
    ...route,
    operationId: operationIdOf(route.method, route.path),
    access: 'admin',
    tag: route.tag ?? 'operations',
    responses: { '200': VIEW, '400': failure('invalid_request'), ...(route.parameters?.includes(QUEUE) ? { '404': UNKNOWN_QUEUE } : {}), ...route.responses },
  }));
}
