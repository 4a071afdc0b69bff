import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataSchemaOf } from '../../functions/core/data-schemas';
import { documentedRoutes } from '../../functions/core/openapi';
import { parseCatalog } from '../../functions/core/queue-config';
import { catalog } from '../../lib/catalog';
import { OPENAPI_THROTTLE } from '../../lib/ingest-api';
import { edgeSchemaOf } from '../../lib/request-models';
import { resourcesOf, synthPipeline, type TemplateResource } from './support';

/** Every method of the template's REST API as `VERB /path`, the path rebuilt from the resource tree. */
function templateRoutes(template: Template): Map<string, TemplateResource> {
  const resources = resourcesOf(template, 'AWS::ApiGateway::Resource');
  const pathOf = (ref: unknown): string => {
    const id = (ref as { Ref?: string }).Ref;
    const resource = id ? resources[id] : undefined;
    return resource ? `${pathOf(resource.Properties?.ParentId)}/${String(resource.Properties?.PathPart)}` : '';
  };
  return new Map(
    Object.values(resourcesOf(template, 'AWS::ApiGateway::Method'))
      .filter((method) => method.Properties?.HttpMethod !== 'OPTIONS')
      .map((method) => [`${String(method.Properties?.HttpMethod)} ${pathOf(method.Properties?.ResourceId) || '/'}`, method]),
  );
}

describe('the OpenAPI document against the synthesized stack', () => {
  const queues = parseCatalog(catalog);
  let template: Template;
  let routes: Map<string, TemplateResource>;

  beforeAll(() => {
    ({ template } = synthPipeline());
    routes = templateRoutes(template);
  });

  it('describes every route the stack serves, and no route it does not', () => {
    // Act
    const documented = documentedRoutes(queues).map((route) => `${route.method.toUpperCase()} ${route.path}`);

    // Assess: a route added to the stack must be added to functions/core/openapi-routes.ts or openapi-admin-routes.ts
    expect([...routes.keys()].filter((route) => !documented.includes(route))).toEqual([]);
    expect(documented.filter((route) => !routes.has(route))).toEqual([]);
    expect(routes.size).toBeGreaterThan(30);
  });

  it('documents each route with the security the stack gives it: API key, SigV4, or none', () => {
    // Act
    const mismatched = documentedRoutes(queues).flatMap((route) => {
      const method = routes.get(`${route.method.toUpperCase()} ${route.path}`)?.Properties ?? {};
      const actual = method.AuthorizationType === 'AWS_IAM' ? 'admin' : method.ApiKeyRequired === true ? 'partner' : 'public';
      return actual === route.access ? [] : [`${route.method} ${route.path}: documented ${route.access}, deployed ${actual}`];
    });

    // Assess
    expect(mismatched).toEqual([]);
  });

  it('gives each queue with a data schema its own POST routes, its model’s data that schema at the edge', () => {
    // Prepare
    const models = resourcesOf(template, 'AWS::ApiGateway::Model');
    const modelOf = (route: string) => {
      const ref = (routes.get(route)?.Properties?.RequestModels as Record<string, { Ref: string }> | undefined)?.['application/json']?.Ref ?? '';
      return models[ref]?.Properties?.Schema as { properties: Record<string, unknown> } | undefined;
    };

    // Act
    const typed = queues.filter((queue) => queue.dataSchema !== undefined);

    // Assess
    expect(typed.map((queue) => queue.name)).toContain('payments');
    for (const queue of typed) {
      const { schema: _version, ...data } = edgeSchemaOf(dataSchemaOf(queue.dataSchema ?? 'email'));
      expect(modelOf(`POST /jobs/${queue.name}`)?.properties.data, queue.name).toEqual(data);
      // The batch model leaves each job to the function, so one bad job is refused on its own (207).
      expect(modelOf(`POST /jobs/${queue.name}/batch`)?.properties.jobs, queue.name).toMatchObject({ items: { type: 'object' } });
      expect(routes.get(`POST /jobs/${queue.name}`)?.Properties, queue.name).toMatchObject({ ApiKeyRequired: true, RequestValidatorId: expect.anything() });
    }
    // The generic route stays for the others, and GET / DELETE /jobs/{id} are untouched.
    expect(['POST /jobs/{id}', 'POST /jobs/{id}/batch', 'GET /jobs/{id}', 'DELETE /jobs/{id}'].filter((route) => !routes.has(route))).toEqual([]);
  });

  it('serves GET /openapi.json publicly from the health function under its own throttle, as the typed routes get theirs', () => {
    // Act
    const method = routes.get('GET /openapi.json')?.Properties;
    const stage = Object.values(resourcesOf(template, 'AWS::ApiGateway::Stage'))[0];
    const settings = (stage?.Properties?.MethodSettings ?? []) as Record<string, unknown>[];
    const throttleOf = (httpMethod: string, path: string) =>
      settings.find((entry) => entry.HttpMethod === httpMethod && entry.ResourcePath === `/${path.replace(/\//g, '~1')}`);

    // Assess
    expect(method).toMatchObject({ AuthorizationType: 'NONE' });
    expect(method?.ApiKeyRequired).toBeFalsy();
    expect(JSON.stringify(method?.Integration)).toMatch(/Health/);
    expect(throttleOf('GET', '/openapi.json')).toMatchObject({ ThrottlingRateLimit: OPENAPI_THROTTLE.rateLimit, ThrottlingBurstLimit: OPENAPI_THROTTLE.burstLimit });
    expect(throttleOf('POST', '/jobs/payments')).toMatchObject({ ThrottlingRateLimit: expect.any(Number) });
    expect(throttleOf('POST', '/jobs/payments/batch')).toMatchObject({ ThrottlingRateLimit: expect.any(Number) });
  });

  it('answers a body the model refuses with API Gateway’s own validation message inside the error envelope', () => {
    // Act
    const response = Object.values(resourcesOf(template, 'AWS::ApiGateway::GatewayResponse')).find((candidate) => candidate.Properties?.ResponseType === 'BAD_REQUEST_BODY');
    const body = (response?.Properties?.ResponseTemplates as Record<string, string>)['application/json'] ?? '';
    // API Gateway fills the variable escaped for a JSON string, e.g. [object has missing required properties ([\"data\"])].
    const filled = JSON.parse(body.replace('$context.error.validationErrorString', '[object has missing required properties ([\\"data\\"])]')) as unknown;

    // Assess
    expect(filled).toEqual({ ok: false, error: { code: 'invalid_request', message: expect.stringContaining('[object has missing required properties (["data"])]') } });
  });
});
