import { adminRoutes } from './openapi-admin-routes';
import { componentSchemas, type JsonObject } from './openapi-components';
import { operationOf, type RouteDoc } from './openapi-operations';
import { partnerRoutes, type DocumentedQueue } from './openapi-routes';

export type { DocumentedQueue } from './openapi-routes';
export type { JsonObject } from './openapi-components';

/** What the document is built from. */
export interface OpenApiOptions {
  /** The catalog's queues: their names, and the data schema of each that has one. */
  readonly queues: readonly DocumentedQueue[];
  /**
   * The API's base URL, the stage included (`https://…/v1`).
   *
   * @default - no `servers`: paths are relative to wherever the document was read
   */
  readonly serverUrl?: string;
  /** @default - `0.1.0` */
  readonly version?: string;
}

/**
 * The security schemes: partners send an API key in `x-api-key`; operators
 * sign with SigV4. OpenAPI has no SigV4 type: API Gateway exports it as an
 * `apiKey` scheme on the `Authorization` header marked
 * `x-amazon-apigateway-authtype: awsSigv4`, and so does this document.
 */
export const SECURITY_SCHEMES = {
  apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: "A partner's API key, under its usage plan (throttle and daily quota)." },
  sigv4: {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description: 'AWS Signature Version 4 (service execute-api) by a caller with the stack\'s admin invoke policy.',
    'x-amazon-apigateway-authtype': 'awsSigv4',
  },
} as const;

/** Every route the document describes, partner and public first, then the operators'. */
export function documentedRoutes(queues: readonly DocumentedQueue[]): RouteDoc[] {
  return [...partnerRoutes(queues), ...adminRoutes()];
}

/**
 * The OpenAPI 3.1 document of the whole API: every partner, public and admin
 * route with its security, the request bodies derived from the zod schemas
 * the functions check (each typed queue's `data` from its data schema), the
 * main answers and the error envelope. Pure: the health function serves it at
 * `GET /openapi.json` and `npm run openapi` writes it.
 *
 * @example
 * const document = buildOpenApiDocument({ queues: [{ name: 'payments', dataSchema: 'payment-intent' }, { name: 'email' }] });
 */
export function buildOpenApiDocument(options: OpenApiOptions): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const route of documentedRoutes(options.queues)) {
    const item = (paths[route.path] ??= {});
    item[route.method] = operationOf(route);
  }
  const schemas = options.queues.flatMap((queue) => (queue.dataSchema === undefined ? [] : [queue.dataSchema]));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Job pipeline API',
      version: options.version ?? '0.1.0',
      description:
        "BullMQ's job semantics over HTTP: add jobs to a queue, read and await them, cancel them; operators inspect, redrive and " +
        'pause. JSON in and out, snake_case fields; every error is { "ok": false, "error": { "code", "message", "details"? } }.',
    },
    ...(options.serverUrl === undefined ? {} : { servers: [{ url: options.serverUrl }] }),
    tags: [
      { name: 'jobs', description: 'Add, read, await and cancel jobs (API key)' },
      { name: 'health', description: 'Liveness and queue counts' },
      { name: 'seed routes', description: "The replaced systems' own routes" },
      { name: 'webhook relay', description: 'Inbound callbacks and delivery endpoints' },
      { name: 'operations', description: 'Operators (SigV4): queues, failed jobs, redrive, pause, clean' },
    ],
    paths,
    components: { securitySchemes: SECURITY_SCHEMES, schemas: componentSchemas(schemas) },
  };
}
