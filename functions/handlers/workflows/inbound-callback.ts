import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { recogniseCallback } from '../../core/daraja-callback';
import { endpointIdOfToken, USER_ID_PATTERN, type Endpoint } from '../../core/endpoint';
import { tokensMatch } from '../../core/endpoint-ids';
import { PipelineError } from '../../core/errors';
import type { QueueSettings } from '../../core/runtime-config';
import { correlationIdOf } from '../http/correlation';
import { jsonBodyWithText } from '../http/body';
import { HttpError } from '../http/http-error';
import { json } from '../http/responses';
import { recordJob, sendRecorded, type AcceptDeps } from './accept-job';
import type { EndpointLookup } from './job-endpoint';

/** What the inbound route needs besides accepting jobs. */
export interface InboundDeps extends AcceptDeps {
  readonly endpoints: EndpointLookup;
  /**
   * The queue inbound callbacks go to: the catalog's queue with `endpoints`
   * (the first, in catalog order, if several have it).
   */
  readonly inboundQueue?: string;
}

/**
 * The queue inbound callbacks go to: the first, in catalog order, whose entry
 * has `endpoints`; undefined when none has.
 *
 * @example
 * inboundQueueOf(config.QUEUES); // 'webhook-delivery'
 */
export function inboundQueueOf(queues: readonly Pick<QueueSettings, 'name' | 'endpoints'>[]): string | undefined {
  return queues.find((queue) => queue.endpoints)?.name;
}

/** Daraja's acknowledgement: what it expects from a callback URL, for a first callback and a repeat alike. */
export const DARAJA_ACKNOWLEDGEMENT = { ResultCode: 0, ResultDesc: 'Accepted' } as const;

/** The partner an inbound callback's job belongs to: no API key's partner can have a `:` in its name, so none can read it. */
export function inboundPartnerOf(userId: string): string {
  return `user:${userId}`;
}

/**
 * The one answer to every URL that does not lead to an endpoint: unknown
 * endpoint, another user's, or a wrong token all read the same, so a caller
 * learns nothing about which part was wrong.
 */
function notFound(): HttpError {
  return new HttpError(404, 'not_found', 'no such callback URL');
}

/** The endpoint an inbound URL leads to, or a 404: the token names it, and must be its current one, in constant time. */
async function endpointOfUrl(lookup: EndpointLookup, userId: string, token: string): Promise<Endpoint> {
  const endpointId = endpointIdOfToken(token);
  if (endpointId === undefined || !USER_ID_PATTERN.test(userId)) throw notFound();
  const endpoint = await lookup.get(endpointId);
  // The comparison runs whether or not the user matched, so the two refusals take the same time.
  const tokenMatches = tokensMatch(endpoint?.inboundToken ?? '', token);
  if (endpoint === undefined || endpoint.userId !== userId || !tokenMatches) throw notFound();
  return endpoint;
}

function inboundSettings(deps: InboundDeps): QueueSettings {
  const settings = deps.inboundQueue === undefined ? undefined : deps.directory.settings(deps.inboundQueue);
  // A stage whose catalog has no queue with `endpoints` cannot take callbacks: a 500, so the provider sends again later.
  if (settings === undefined) throw new PipelineError('no queue of the catalog takes endpoints, so inbound callbacks have nowhere to go');
  return settings;
}

/**
 * `POST /webhook/{user_id}/{token}`: a provider's callback (Safaricom's Daraja)
 * for one user's endpoint, with no API key; the unguessable token is the
 * credential. A wrong user or token is a `404` and writes nothing; a disabled
 * endpoint a `503` (the provider calls again later). The body, any JSON up to
 * the inbound queue's `maxPayloadBytes`, is kept as received (`raw`) and
 * parsed (`data`); a Daraja callback it recognises is deduplicated per
 * endpoint by its natural id, against finished twins too, so a repeat is
 * acknowledged but never delivered twice, and its lane follows seed 001's
 * rules. The answer, Daraja's acknowledgement, comes once the job's record is
 * durable; the job is sent to its lane after it (a failed send is the
 * reconciler's to repeat).
 *
 * @example
 * if (event.resource === INBOUND_RESOURCE) return acceptInboundCallback(deps, event);
 */
export async function acceptInboundCallback(deps: InboundDeps, event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const correlationId = correlationIdOf(event);
  deps.logger.appendKeys({ correlation_id: correlationId });
  const userId = event.pathParameters?.user_id ?? '';
  const endpoint = await endpointOfUrl(deps.endpoints, userId, event.pathParameters?.token ?? '');
  const fields = { endpoint_id: endpoint.endpointId, user_id: endpoint.userId };
  if (!endpoint.enabled) {
    deps.logger.warn('inbound callback refused: the endpoint is disabled', { ...fields, disabled_reason: endpoint.disabledReason });
    throw new HttpError(503, 'endpoint_disabled', 'this callback URL is disabled for now; nothing was accepted');
  }

  const settings = inboundSettings(deps);
  const { text, value } = jsonBodyWithText(event, settings.maxPayloadBytes, `queue "${settings.name}"'s maxPayloadBytes`);
  const callback = recogniseCallback(value);
  const { acceptance, send } = await recordJob(
    deps,
    settings,
    {
      name: callback.name,
      data: value,
      priority: callback.priority,
      ...(callback.naturalId === undefined ? {} : { dedup_key: `${endpoint.endpointId}:${callback.naturalId}` }),
      // The endpoint's callbacks keep their order on a FIFO queue; webhook-delivery is a standard one.
      ...(settings.fifo ? { group_id: endpoint.endpointId } : {}),
    },
    correlationId,
    inboundPartnerOf(endpoint.userId),
    { endpointId: endpoint.endpointId, raw: text, dedupAcrossFinished: true },
  );
  if (send) await sendRecorded(deps, [send]);
  deps.logger.info(acceptance.duplicate ? 'inbound callback repeated; acknowledged, not delivered again' : 'inbound callback accepted', {
    ...fields,
    job_id: acceptance.jobId,
    kind: callback.kind ?? callback.name,
    priority: callback.priority,
    status: acceptance.status,
  });
  return json(200, DARAJA_ACKNOWLEDGEMENT);
}
