import type { JobNotify } from '../../core/job';
import type { JobRequest } from '../../core/job-request';
import { HttpError } from '../http/http-error';
import { resolveJobEndpoint, type EndpointLookup } from './job-endpoint';

/**
 * The `notify` endpoint a job request names, checked at ingest by the same
 * rule as `endpoint_id` (it exists, is enabled and is registered for the
 * requesting partner; another partner's reads as unknown), with the fields
 * of a refusal named `notify.endpoint_id`. A stage whose catalog has no
 * queue delivering to endpoints (`endpointQueue` undefined) cannot notify:
 * `400`. Resolves to undefined when the request names none.
 *
 * @example
 * const notify = await resolveNotifyEndpoint(deps.endpoints, deps.inboundQueue, request, 'acme'); // { endpointId: 'ep_…' } or undefined
 */
export async function resolveNotifyEndpoint(
  lookup: EndpointLookup,
  endpointQueue: string | undefined,
  request: Pick<JobRequest, 'notify'>,
  partner: string,
): Promise<JobNotify | undefined> {
  if (request.notify === undefined) return undefined;
  if (endpointQueue === undefined) {
    throw new HttpError(400, 'invalid_request', 'notify needs a queue that delivers to endpoints, and this stage\'s catalog has none', [
      { field: 'notify', message: 'not available on this stage' },
    ]);
  }
  try {
    const endpointId = await resolveJobEndpoint(lookup, { endpoint_id: request.notify.endpoint_id }, partner);
    return endpointId === undefined ? undefined : { endpointId };
  } catch (error) {
    if (!(error instanceof HttpError) || !Array.isArray(error.details)) throw error;
    const details = (error.details as { field: string; message: string }[]).map((detail) => ({ ...detail, field: `notify.${detail.field}` }));
    throw new HttpError(error.statusCode, error.code, `notify: ${error.message}`, details, { cause: error });
  }
}
