import type { APIGatewayProxyEvent } from 'aws-lambda';
import { EndpointWriteConflictError } from '../../../adapters/dynamodb-endpoint-registry';
import type { EndpointChange } from '../../../adapters/endpoint-store';
import { ENDPOINT_ID_PATTERN, USER_ID_PATTERN, type Endpoint } from '../../../core/endpoint';
import { circuitSettingsOf, endpointChangeRequestSchema, newEndpointRequestSchema } from '../../../core/endpoint-request';
import { endpointView, endpointViewWithSecret, type EndpointViewContext } from '../../../core/endpoint-view';
import { InvalidRequestError, JobFailedError, NonRetryableError } from '../../../core/errors';
import * as z from '../../../core/validation';
import { ADDRESS_CLASS, type AddressClass } from '../../../processors/address-class';
import { allowedAddressesOf } from '../../../processors/target-guard';
import { HttpError } from '../../http/http-error';
import type { AdminDeps } from './admin-deps';
import { parseBody, parseQuery, pathParameter } from './admin-requests';

/** A listing shows this many endpoints unless `limit` says otherwise (at most 100). */
export const DEFAULT_ENDPOINT_PAGE = 25;

const limitMessage = 'limit must be a whole number from 1 to 100';

/** `GET /admin/endpoints` query. */
export const endpointListQuerySchema = /* @__PURE__ */ z.lazy(() =>
  z.object({
    user_id: z.optional(z.string().check(z.regex(USER_ID_PATTERN, { error: 'user_id must be 1–64 letters, digits, - or _' }))),
    limit: z.pipe(
      z.optional(
        z.pipe(
          z.pipe(z.string().check(z.regex(/^\d+$/, { error: limitMessage })), z.transform(Number)),
          z.int().check(z.minimum(1, { error: limitMessage }), z.maximum(100, { error: limitMessage })),
        ),
      ),
      z.transform((value: number | undefined) => value ?? DEFAULT_ENDPOINT_PAGE),
    ),
    cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
  }),
);

/** How each refused address class reads in a message. */
const CLASS_WORDS: Readonly<Record<AddressClass, string>> = {
  [ADDRESS_CLASS.public]: 'a public',
  [ADDRESS_CLASS.loopback]: 'a loopback',
  [ADDRESS_CLASS.private]: 'a private',
  [ADDRESS_CLASS.sharedCgnat]: 'a shared (CGNAT)',
  [ADDRESS_CLASS.linkLocal]: 'a link-local',
  [ADDRESS_CLASS.metadata]: 'the instance metadata',
  [ADDRESS_CLASS.unspecified]: 'an unspecified',
  [ADDRESS_CLASS.reserved]: 'a reserved',
};

/**
 * The base of inbound URLs, from the request that asked: `https://<domain>/<stage>`
 * as API Gateway serves a stage. A request that came in over plain http is
 * the local cloud's, which serves the routes at its root on its own port.
 */
export function inboundBaseOf(event: APIGatewayProxyEvent): string {
  const header = (name: string): string | undefined =>
    Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1] ?? undefined;
  const domain = event.requestContext.domainName ?? header('host');
  if (domain === undefined || domain === '') throw new Error('the request names no domain to build the inbound URL from');
  if (header('x-forwarded-proto') === 'http') {
    const port = header('x-forwarded-port');
    return `http://${domain.replace(/:\d+$/, '')}${port === undefined || port === '80' ? '' : `:${port}`}`;
  }
  return `https://${domain}/${event.requestContext.stage}`;
}

const viewContext = (deps: AdminDeps, event: APIGatewayProxyEvent): EndpointViewContext => ({ inboundBase: inboundBaseOf(event), now: deps.clock.now() });

/** The `{id}` of an endpoint route, or `400` when it cannot be an endpoint id. */
function endpointIdOf(event: APIGatewayProxyEvent): string {
  const endpointId = pathParameter(event, 'id');
  if (!ENDPOINT_ID_PATTERN.test(endpointId)) {
    throw new HttpError(400, 'invalid_request', 'the endpoint id is malformed', [{ field: 'id', message: 'an endpoint id is ep_ and 20 characters of a–z and 2–7' }]);
  }
  return endpointId;
}

const notFound = (endpointId: string): HttpError => new HttpError(404, 'endpoint_not_found', `there is no endpoint with id "${endpointId}"`);

/**
 * Refuses a URL the delivery would refuse: the same guard, with the admin
 * function's allowances (a literal address by its class; a host name by
 * every address it resolves to).
 */
async function assertDeliverable(deps: AdminDeps, url: string): Promise<void> {
  try {
    await allowedAddressesOf(new URL(url), deps.targetGuard);
  } catch (error) {
    if (!(error instanceof JobFailedError)) throw error;
    const { host, address, addressClass } = error.context as { host?: string; address?: string; addressClass?: AddressClass };
    const why =
      error instanceof NonRetryableError && addressClass !== undefined
        ? `${host ?? 'the host'} resolves to ${address ?? 'an address'}, ${CLASS_WORDS[addressClass]} address; deliveries there are refused`
        : `${host ?? 'the host'} does not resolve to any address`;
    throw new HttpError(400, 'invalid_request', `url is refused: ${why}`, [{ field: 'url', message: why }]);
  }
}

/** Runs a registry write, turning a lost race into `409` and a bad cursor into `400`. */
async function registryCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof EndpointWriteConflictError) throw new HttpError(409, 'changed_meanwhile', `${error.message}; try again`);
    if (error instanceof InvalidRequestError) throw new HttpError(400, 'invalid_request', error.message, error.details);
    throw error;
  }
}

const found = (endpoint: Endpoint | undefined, endpointId: string): Endpoint => {
  if (endpoint === undefined) throw notFound(endpointId);
  return endpoint;
};

/** `POST /admin/endpoints`: registers an endpoint; the answer holds its secret and inbound URL. */
export async function registerEndpoint(deps: AdminDeps, event: APIGatewayProxyEvent): Promise<Record<string, unknown>> {
  const request = parseBody(event, newEndpointRequestSchema);
  await assertDeliverable(deps, request.url);
  const circuit = circuitSettingsOf(request.circuit);
  const endpoint = await deps.endpoints.create({
    userId: request.user_id,
    url: request.url,
    ...(request.description === undefined ? {} : { description: request.description }),
    ...(request.partner === undefined ? {} : { partner: request.partner }),
    ...(request.headers === undefined ? {} : { headers: request.headers }),
    ...(request.body === undefined ? {} : { body: request.body }),
    ...(circuit === undefined ? {} : { circuit }),
    now: deps.clock.now(),
  });
  return { endpoint: endpointViewWithSecret(endpoint, viewContext(deps, event)) };
}

/** `GET /admin/endpoints`: every endpoint, or one user's, a page at a time (no secrets). */
export async function listEndpoints(deps: AdminDeps, event: APIGatewayProxyEvent): Promise<Record<string, unknown>> {
  const query = parseQuery(event, endpointListQuerySchema);
  const page = await registryCall(() =>
    deps.endpoints.list({
      limit: query.limit,
      ...(query.user_id === undefined ? {} : { userId: query.user_id }),
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
    }),
  );
  const context = viewContext(deps, event);
  return { endpoints: page.endpoints.map((endpoint) => endpointView(endpoint, context)), ...(page.cursor === undefined ? {} : { cursor: page.cursor }) };
}

/** `GET /admin/endpoints/{id}`: one endpoint, its secret, circuit, last failure and counts. */
export async function showEndpoint(deps: AdminDeps, event: APIGatewayProxyEvent): Promise<Record<string, unknown>> {
  const endpointId = endpointIdOf(event);
  const endpoint = found(await deps.endpoints.get(endpointId, { consistent: true }), endpointId);
  return { endpoint: endpointViewWithSecret(endpoint, viewContext(deps, event)) };
}

/** `PATCH /admin/endpoints/{id}`: changes the fields given; a new URL passes the guard first. */
export async function changeEndpoint(deps: AdminDeps, event: APIGatewayProxyEvent): Promise<Record<string, unknown>> {
  const endpointId = endpointIdOf(event);
  const request = parseBody(event, endpointChangeRequestSchema);
  if (request.url !== undefined) await assertDeliverable(deps, request.url);
  const circuit = circuitSettingsOf(request.circuit);
  const change: EndpointChange = {
    ...(request.url === undefined ? {} : { url: request.url }),
    ...(request.description === undefined ? {} : { description: request.description }),
    ...(request.partner === undefined ? {} : { partner: request.partner }),
    ...(request.headers === undefined ? {} : { headers: request.headers }),
    ...(request.body === undefined ? {} : { body: request.body }),
    ...(request.enabled === undefined ? {} : { enabled: request.enabled }),
    ...(circuit === undefined ? {} : { circuit }),
  };
  const endpoint = found(await registryCall(() => deps.endpoints.update(endpointId, change, deps.clock.now())), endpointId);
  return { endpoint: endpointView(endpoint, viewContext(deps, event)) };
}

/** `DELETE /admin/endpoints/{id}`. */
export async function removeEndpoint(deps: AdminDeps, event: APIGatewayProxyEvent): Promise<Record<string, unknown>> {
  const endpointId = endpointIdOf(event);
  if (!(await deps.endpoints.remove(endpointId))) throw notFound(endpointId);
  return { endpoint_id: endpointId, removed: true };
}

/** `POST /admin/endpoints/{id}/rotate-secret`: a new current secret; the old one signs beside it for 24 hours. */
export async function rotateEndpointSecret(deps: AdminDeps, event: APIGatewayProxyEvent): Promise<Record<string, unknown>> {
  const endpointId = endpointIdOf(event);
  const endpoint = found(await registryCall(() => deps.endpoints.rotateSecret(endpointId, deps.clock.now())), endpointId);
  return { endpoint: endpointViewWithSecret(endpoint, viewContext(deps, event)) };
}

/** `POST /admin/endpoints/{id}/rotate-token`: a new inbound URL; the old one stops working at once. */
export async function rotateEndpointToken(deps: AdminDeps, event: APIGatewayProxyEvent): Promise<Record<string, unknown>> {
  const endpointId = endpointIdOf(event);
  const endpoint = found(await registryCall(() => deps.endpoints.rotateToken(endpointId, deps.clock.now())), endpointId);
  return { endpoint: endpointView(endpoint, viewContext(deps, event)) };
}
