import { ref, type JsonObject } from './openapi-components';

/** Who may call a route: a partner's API key, an operator's SigV4 signature, or anyone. */
export type RouteAccess = 'partner' | 'admin' | 'public';

/** One route of the API as the OpenAPI document describes it. */
export interface RouteDoc {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** The path as API Gateway's resource has it, e.g. `/jobs/{id}`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly access: RouteAccess;
  readonly tag: string;
  readonly parameters?: readonly JsonObject[];
  /** The JSON body's schema. @default - no body */
  readonly body?: JsonObject;
  /** Answers by status code (the security answers are added from `access`). */
  readonly responses: Readonly<Record<string, JsonObject>>;
}

/** An answer with a JSON body. */
export function answer(description: string, schema: JsonObject, example?: unknown): JsonObject {
  return { description, content: { 'application/json': { schema, ...(example === undefined ? {} : { example }) } } };
}

/** An error answer: the envelope. */
export function failure(description: string): JsonObject {
  return answer(description, ref('Error'));
}

/** A required path parameter. */
export function pathParameter(name: string, description: string, schema: JsonObject = { type: 'string' }): JsonObject {
  return { name, in: 'path', required: true, description, schema };
}

/** An optional query parameter. */
export function queryParameter(name: string, description: string, schema: JsonObject): JsonObject {
  return { name, in: 'query', required: false, description, schema };
}

/** The security requirement of each access: the API key, SigV4, or none. */
const SECURITY: Record<RouteAccess, readonly JsonObject[]> = {
  partner: [{ apiKey: [] }],
  admin: [{ sigv4: [] }],
  public: [],
};

/** The answers every route of an access may get from the gateway itself. */
function gatewayAnswers(access: RouteAccess): Record<string, JsonObject> {
  const throttled = failure('Over the route\'s throttle or the partner\'s usage plan (rate_limited, quota_exceeded)');
  if (access === 'public') return { '429': throttled };
  return {
    '403': failure(access === 'partner' ? 'No API key, or one that is not valid (forbidden)' : 'Not signed, or signed by a caller without the admin policy (forbidden)'),
    '429': throttled,
  };
}

/** A route as an OpenAPI operation object. */
export function operationOf(route: RouteDoc): JsonObject {
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description === undefined ? {} : { description: route.description }),
    tags: [route.tag],
    security: SECURITY[route.access],
    ...(route.parameters === undefined || route.parameters.length === 0 ? {} : { parameters: route.parameters }),
    ...(route.body === undefined ? {} : { requestBody: { required: true, content: { 'application/json': { schema: route.body } } } }),
    responses: { ...gatewayAnswers(route.access), ...route.responses },
  };
}
