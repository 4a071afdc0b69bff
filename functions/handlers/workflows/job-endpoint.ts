import type { EndpointRegistry } from '../../adapters/endpoint-store';
import type { Endpoint } from '../../core/endpoint';
import type { JobRequest } from '../../core/job-request';
import { HttpError } from '../http/http-error';

/** What the ingest reads of the endpoint registry: one endpoint, or a user's. */
export type EndpointLookup = Pick<EndpointRegistry, 'get' | 'list'>;

/** One page of a user's endpoints per read; a user has a handful. */
const USER_PAGE_SIZE = 100;

/** Pages read at most when counting a user's enabled endpoints: a thousand endpoints of one user is already a mistake to report. */
const MAX_USER_PAGES = 10;

function whyDisabled(endpoint: Endpoint): string {
  return endpoint.disabledReason === 'gone' ? 'it answered 410 Gone' : 'by an operator';
}

function refused(field: 'endpoint_id' | 'user_id', message: string, detail: string): HttpError {
  return new HttpError(400, 'invalid_request', message, [{ field, message: detail }]);
}

/** The user's enabled endpoints that `partner` may name, from at most {@link MAX_USER_PAGES} pages of the registry. */
async function enabledEndpointsOf(lookup: EndpointLookup, userId: string, partner: string): Promise<Endpoint[]> {
  const enabled: Endpoint[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_USER_PAGES; page++) {
    const found = await lookup.list({ userId, limit: USER_PAGE_SIZE, ...(cursor === undefined ? {} : { cursor }) });
    enabled.push(...found.endpoints.filter((endpoint) => endpoint.enabled && endpoint.userId === userId && endpoint.partner === partner));
    cursor = found.cursor;
    if (cursor === undefined) break;
  }
  return enabled;
}

/**
 * The endpoint a job request names, checked at ingest so a job never waits
 * for a destination that is not there: `endpoint_id` must exist, be enabled
 * and be registered for the requesting partner; `user_id` stands for that
 * user's one enabled endpoint registered for the partner. An endpoint of
 * another partner (or of none: inbound callbacks only) is answered exactly as
 * one that does not exist, so a partner learns nothing of others' endpoints.
 * Resolves to undefined when the request names neither (the queue's own
 * target); throws `400 invalid_request` naming the endpoint or user, and why,
 * otherwise.
 *
 * @example
 * const endpointId = await resolveJobEndpoint(deps.endpoints, request, 'acme'); // 'ep_…' or undefined
 */
export async function resolveJobEndpoint(
  lookup: EndpointLookup,
  request: Pick<JobRequest, 'endpoint_id' | 'user_id'>,
  partner: string,
): Promise<string | undefined> {
  if (request.endpoint_id !== undefined) {
    const id = request.endpoint_id;
    const endpoint = await lookup.get(id);
    if (endpoint === undefined || endpoint.partner !== partner) {
      throw refused('endpoint_id', `endpoint ${id} does not exist for partner ${partner}; an operator registers one with POST /admin/endpoints and "partner": "${partner}"`, 'unknown endpoint');
    }
    if (!endpoint.enabled) {
      throw refused(
        'endpoint_id',
        `endpoint ${id} is disabled (${whyDisabled(endpoint)}); enable it with PATCH /admin/endpoints/${id} and { "enabled": true }`,
        'disabled endpoint',
      );
    }
    return endpoint.endpointId;
  }
  if (request.user_id !== undefined) {
    const userId = request.user_id;
    const enabled = await enabledEndpointsOf(lookup, userId, partner);
    const [only] = enabled;
    if (only === undefined) {
      throw refused('user_id', `user ${userId} has no enabled endpoint for partner ${partner}; an operator registers one with POST /admin/endpoints and "partner": "${partner}", or enables theirs`, 'no enabled endpoint');
    }
    if (enabled.length > 1) {
      throw refused('user_id', `user ${userId} has ${enabled.length} enabled endpoints; name endpoint_id`, 'more than one enabled endpoint');
    }
    return only.endpointId;
  }
  return undefined;
}
