import { Match, Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { jobRequestSchema } from '../../functions/core/job-request';
import { HEALTH_THROTTLES, INBOUND_THROTTLE, PROGRESS_THROTTLE, IngestApi, type IngestApiProps } from '../../lib/ingest-api';
import type { PartnerPlan } from '../../lib/pipeline-context';
import { batchRequestModelSchema, jobRequestModelSchema, paymentIntentModelSchema } from '../../lib/request-models';
import { resourceAt, resourcesOf, testStack, type TemplateResource } from './support';

const ACME: PartnerPlan = { name: 'acme', rateLimit: 20, burstLimit: 40, quotaPerDay: 5000 };
const GLOBEX: PartnerPlan = { name: 'globex', rateLimit: 100, burstLimit: 200, quotaPerDay: 1_000_000 };

function apiStack(props: Partial<IngestApiProps> = {}) {
  const stack = testStack();
  const fn = (id: string) => new LambdaFunction(stack, id, { runtime: Runtime.NODEJS_24_X, handler: 'index.handler', code: Code.fromInline('exports.handler = async () => ({})') });
  const make = () =>
    new IngestApi(stack, 'Api', {
      ingestFunction: fn('IngestFn'),
      jobStatusFunction: fn('StatusFn'),
      healthFunction: fn('HealthFn'),
      partners: [ACME, GLOBEX],
      ...props,
    });
  return { stack, make };
}

/** Every method as `VERB /path`, with the resource path rebuilt from the Resource tree. */
function routes(template: Template): Map<string, TemplateResource> {
  const resources = resourcesOf(template, 'AWS::ApiGateway::Resource');
  const pathOfResource = (ref: unknown): string => {
    const id = (ref as { Ref?: string }).Ref;
    const resource = id ? resources[id] : undefined;
    if (!resource) return '';
    return `${pathOfResource(resource.Properties?.ParentId)}/${String(resource.Properties?.PathPart)}`;
  };
  return new Map(
    Object.values(resourcesOf(template, 'AWS::ApiGateway::Method')).map((method) => [
      `${String(method.Properties?.HttpMethod)} ${pathOfResource(method.Properties?.ResourceId) || '/'}`,
      method,
    ]),
  );
}

describe('IngestApi', () => {
  it('routes partners’ calls and queue health with an API key; only liveness and the inbound callbacks without one', () => {
    // Prepare
    const { stack, make } = apiStack();

    // Act
    make();
    const template = Template.fromStack(stack);

    // Assess
    const methods = routes(template);
    expect([...methods.keys()].sort()).toEqual(
      [
        'DELETE /jobs/{id}',
        'GET /health',
        'GET /health/queue',
        'GET /jobs/{id}',
        'GET /openapi.json',
        'POST /jobs/{id}',
        'POST /jobs/{id}/batch',
        'POST /jobs/{id}/progress',
        'POST /api/payments/intent/queue',
        'POST /webhook/{user_id}/{token}',
      ].sort(),
    );
    for (const route of ['POST /jobs/{id}', 'POST /jobs/{id}/batch', 'GET /jobs/{id}', 'DELETE /jobs/{id}', 'GET /health/queue', 'POST /api/payments/intent/queue']) {
      expect(methods.get(route)?.Properties, route).toMatchObject({ ApiKeyRequired: true, AuthorizationType: 'NONE' });
    }
    for (const route of ['GET /health', 'GET /openapi.json', 'POST /webhook/{user_id}/{token}', 'POST /jobs/{id}/progress']) {
      expect(methods.get(route)?.Properties?.ApiKeyRequired, route).toBeFalsy();
      expect(methods.get(route)?.Properties?.AuthorizationType, route).toBe('NONE');
    }
    expect(methods.get('POST /webhook/{user_id}/{token}')?.Properties?.RequestParameters).toEqual({
      'method.request.path.user_id': true,
      'method.request.path.token': true,
    });
    // The progress route's credential is its token: a request without one is refused at the edge.
    expect(methods.get('POST /jobs/{id}/progress')?.Properties?.RequestParameters).toEqual({
      'method.request.path.id': true,
      'method.request.querystring.token': true,
    });
  });

  it('sends each route to its function through a proxy integration', () => {
    // Prepare
    const { stack, make } = apiStack();

    // Act
    make();
    const template = Template.fromStack(stack);

    // Assess
    const target = (route: string) =>
      JSON.stringify((routes(template).get(route)?.Properties?.Integration as { Uri: unknown; Type: string }).Uri).match(
        /(IngestFn|StatusFn|HealthFn)/,
      )?.[1];
    expect(target('POST /jobs/{id}')).toBe('IngestFn');
    expect(target('POST /jobs/{id}/batch')).toBe('IngestFn');
    expect(target('POST /api/payments/intent/queue')).toBe('IngestFn');
    expect(target('POST /webhook/{user_id}/{token}')).toBe('IngestFn');
    expect(target('GET /jobs/{id}')).toBe('StatusFn');
    expect(target('DELETE /jobs/{id}')).toBe('StatusFn');
    expect(target('POST /jobs/{id}/progress')).toBe('StatusFn');
    expect(target('GET /health/queue')).toBe('HealthFn');
    template.allResourcesProperties('AWS::ApiGateway::Method', { Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' } });
  });

  it('gives every partner its own API key and usage plan with its throttle and daily quota', () => {
    // Prepare
    const { stack, make } = apiStack();

    // Act
    make();
    const template = Template.fromStack(stack);

    // Assess
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 2);
    template.resourceCountIs('AWS::ApiGateway::UsagePlan', 2);
    template.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 2);
    for (const partner of [ACME, GLOBEX]) {
      const [keyId] = resourceAt(template, 'AWS::ApiGateway::ApiKey', `Test/Api/Partner-${partner.name}/Key`);
      const [planId] = resourceAt(template, 'AWS::ApiGateway::UsagePlan', `Test/Api/RestApi/UsagePlan-${partner.name}`);
      expect(template.toJSON().Resources[keyId]?.Properties).toMatchObject({ Name: partner.name, Enabled: true });
      template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
        Throttle: { RateLimit: partner.rateLimit, BurstLimit: partner.burstLimit },
        Quota: { Limit: partner.quotaPerDay, Period: 'DAY' },
        ApiStages: [Match.objectLike({ Stage: Match.anyValue() })],
      });
      template.hasResourceProperties('AWS::ApiGateway::UsagePlanKey', { KeyId: { Ref: keyId }, UsagePlanId: { Ref: planId }, KeyType: 'API_KEY' });
    }
  });

  it('checks POST bodies at the edge against models derived from the function’s zod schemas', () => {
    // Prepare
    const { stack, make } = apiStack();

    // Act
    make();
    const template = Template.fromStack(stack);

    // Assess
    const [validatorId] = resourceAt(template, 'AWS::ApiGateway::RequestValidator', 'Test/Api/BodyValidator');
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', { ValidateRequestBody: true, ValidateRequestParameters: true });
    const [jobModelId] = resourceAt(template, 'AWS::ApiGateway::Model', 'Test/Api/JobRequestModel');
    const [batchModelId] = resourceAt(template, 'AWS::ApiGateway::Model', 'Test/Api/JobBatchRequestModel');
    const methods = routes(template);
    expect(methods.get('POST /jobs/{id}')?.Properties).toMatchObject({
      RequestValidatorId: { Ref: validatorId },
      RequestModels: { 'application/json': { Ref: jobModelId } },
    });
    expect(methods.get('POST /jobs/{id}/batch')?.Properties).toMatchObject({
      RequestValidatorId: { Ref: validatorId },
      RequestModels: { 'application/json': { Ref: batchModelId } },
    });
    const [intentModelId] = resourceAt(template, 'AWS::ApiGateway::Model', 'Test/Api/PaymentIntentRequestModel');
    expect(methods.get('POST /api/payments/intent/queue')?.Properties).toMatchObject({
      RequestValidatorId: { Ref: validatorId },
      RequestModels: { 'application/json': { Ref: intentModelId } },
    });
    // Any JSON reaches the inbound route's function, which checks and keeps it as sent.
    expect(methods.get('POST /webhook/{user_id}/{token}')?.Properties?.RequestModels).toBeUndefined();
    const [, jobModel] = resourceAt(template, 'AWS::ApiGateway::Model', 'Test/Api/JobRequestModel');
    expect(jobModel.Properties?.Schema).toMatchObject({
      $schema: 'http://json-schema.org/draft-04/schema#',
      type: 'object',
      required: ['data'],
      additionalProperties: false,
    });
  });

  it('derives the job model from jobRequestSchema: same fields, bounds and patterns, no formats', () => {
    // Act
    const model = JSON.parse(JSON.stringify(jobRequestModelSchema())) as Record<string, unknown>;
    const generated = z.toJSONSchema(jobRequestSchema, { target: 'draft-4', io: 'input' }) as { properties: Record<string, unknown> };

    // Assess
    const properties = model.properties as Record<string, Record<string, unknown>>;
    expect(Object.keys(properties).sort()).toEqual(Object.keys(generated.properties).sort());
    expect(properties.priority).toEqual(generated.properties.priority);
    expect(properties.attempts).toEqual({ type: 'integer', minimum: 1, maximum: 25 });
    expect(properties.run_at?.format).toBeUndefined();
    expect(properties.run_at?.pattern).toEqual(expect.any(String));
    expect(JSON.stringify(model)).not.toContain('"format"');
  });

  it('takes the per-job backoff and endpoint fields at the edge, with the function’s bounds and patterns', () => {
    // Act
    const properties = jobRequestModelSchema().properties ?? {};

    // Assess
    expect(properties.backoff).toMatchObject({
      type: 'object',
      required: ['type', 'delay'],
      additionalProperties: false,
      properties: { type: { enum: ['fixed', 'exponential'] }, delay: { type: 'integer', minimum: 100, maximum: 43_200_000 } },
    });
    expect(properties.endpoint_id).toMatchObject({ type: 'string', pattern: '^ep_[a-z2-7]{20}$' });
    expect(properties.user_id).toMatchObject({ type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' });
  });

  it('checks a payment intent at the edge: intent_id and an object payload required, no other fields', () => {
    // Act
    const model = paymentIntentModelSchema();

    // Assess
    expect(model).toMatchObject({ type: 'object', required: ['intent_id', 'payload'], additionalProperties: false, title: 'PaymentIntentRequest' });
    expect(Object.keys(model.properties ?? {}).sort()).toEqual(['delay', 'intent_id', 'payload', 'priority']);
    expect(model.properties?.payload).toMatchObject({ type: 'object', properties: { action: { type: 'string' } } });
  });

  it('checks only the envelope of a batch at the edge: 1 to 100 objects, each judged by the function', () => {
    // Act
    const model = batchRequestModelSchema();

    // Assess
    expect(model.required).toEqual(['jobs']);
    expect(model.additionalProperties).toBe(false);
    expect(model.properties?.jobs).toMatchObject({ type: 'array', minItems: 1, maxItems: 100, items: { type: 'object' } });
  });

  it('logs access as JSON, execution errors only, never bodies, and keeps the stage-wide defaults', () => {
    // Prepare
    const { stack, make } = apiStack({ rateLimit: 300, burstLimit: 600 });

    // Act
    make();
    const template = Template.fromStack(stack);

    // Assess
    const [logsId] = resourceAt(template, 'AWS::Logs::LogGroup', 'Test/Api/AccessLogs');
    const [, stage] = resourceAt(template, 'AWS::ApiGateway::Stage', 'Test/Api/RestApi/DeploymentStage.v1');
    expect(JSON.stringify((stage.Properties?.AccessLogSetting as { DestinationArn: unknown }).DestinationArn)).toContain(
      JSON.stringify({ Ref: logsId }),
    );
    expect(stage.Properties?.StageName).toBe('v1');
    expect(stage.Properties?.MethodSettings).toContainEqual({
      HttpMethod: '*',
      ResourcePath: '/*',
      LoggingLevel: 'ERROR',
      DataTraceEnabled: false,
      MetricsEnabled: true,
      ThrottlingRateLimit: 300,
      ThrottlingBurstLimit: 600,
    });
    const format = JSON.parse(String((stage.Properties?.AccessLogSetting as { Format: string }).Format)) as Record<string, string>;
    expect(format).toMatchObject({ request_id: '$context.requestId', status: '$context.status', api_key_id: '$context.identity.apiKeyId' });
    // An inbound callback's path holds its endpoint's token: no field may log it.
    expect(Object.values(format)).not.toContain('$context.path');
    expect(format.resource).toBe('$context.resourcePath');
  });

  it('throttles every route on its own: partner routes at the given limits, the health routes lower, each still logged', () => {
    // Prepare
    const { stack, make } = apiStack({ rateLimit: 300, burstLimit: 600 });

    // Act
    make();
    const template = Template.fromStack(stack);

    // Assess
    const [, stage] = resourceAt(template, 'AWS::ApiGateway::Stage', 'Test/Api/RestApi/DeploymentStage.v1');
    const settings = stage.Properties?.MethodSettings as Record<string, unknown>[];
    const byRoute = new Map(settings.map((entry) => [`${String(entry.HttpMethod)} ${String(entry.ResourcePath).replace(/~1/g, '/').replace(/^\/\//, '/')}`, entry]));
    const throttleOf = (route: string) => {
      const entry = byRoute.get(route);
      return entry && { rate: entry.ThrottlingRateLimit, burst: entry.ThrottlingBurstLimit };
    };
    for (const route of ['POST /jobs/{id}', 'POST /jobs/{id}/batch', 'GET /jobs/{id}', 'DELETE /jobs/{id}', 'POST /api/payments/intent/queue']) {
      expect(throttleOf(route), route).toEqual({ rate: 300, burst: 600 });
    }
    expect(throttleOf('POST /webhook/{user_id}/{token}')).toEqual({ rate: INBOUND_THROTTLE.rateLimit, burst: INBOUND_THROTTLE.burstLimit });
    expect(throttleOf('POST /jobs/{id}/progress')).toEqual({ rate: PROGRESS_THROTTLE.rateLimit, burst: PROGRESS_THROTTLE.burstLimit });
    expect(throttleOf('GET /health')).toEqual({ rate: HEALTH_THROTTLES.health.rateLimit, burst: HEALTH_THROTTLES.health.burstLimit });
    expect(throttleOf('GET /health/queue')).toEqual({ rate: HEALTH_THROTTLES.queueHealth.rateLimit, burst: HEALTH_THROTTLES.queueHealth.burstLimit });
    expect(HEALTH_THROTTLES.health.rateLimit).toBeLessThan(300);
    // Every method of the API has its own entry, and every entry keeps the stage's logging and metrics.
    const methods = [...routes(template).keys()];
    expect(methods.filter((route) => !byRoute.has(route))).toEqual([]);
    for (const entry of settings) expect(entry).toMatchObject({ LoggingLevel: 'ERROR', DataTraceEnabled: false, MetricsEnabled: true });
  });

  it('acknowledges the missing authorizer with reasons true of each route: keyed, partner-scoped, or liveness only', () => {
    // Prepare
    const { make } = apiStack();

    // Act
    const api = make();

    // Assess
    const reasonOf = (route: string) => {
      const method = api.api.methods.find((candidate) => `${candidate.httpMethod} ${candidate.resource.path}` === route);
      if (!method) throw new Error(`no method ${route}`);
      const acknowledged = method.node.metadata.filter((entry) => entry.type === 'aws:cdk:acknowledged-rules');
      return JSON.stringify(acknowledged.map((entry) => entry.data));
    };
    expect(reasonOf('GET /health')).toMatch(/AwsSolutions-APIG4.*liveness only/);
    expect(reasonOf('GET /health')).not.toMatch(/queue counts/i);
    expect(reasonOf('GET /health/queue')).toMatch(/AwsSolutions-APIG4.*need an API key/);
    for (const route of ['POST /jobs/{id}', 'GET /jobs/{id}', 'DELETE /jobs/{id}', 'POST /api/payments/intent/queue']) {
      expect(reasonOf(route), route).toMatch(/AwsSolutions-APIG4.*API key.*only its own jobs.*404/);
    }
    expect(reasonOf('POST /webhook/{user_id}/{token}')).toMatch(/AwsSolutions-APIG4.*Public by design.*token.*constant time.*404/);
    expect(reasonOf('POST /webhook/{user_id}/{token}')).toMatch(/AwsSolutions-COG4/);
  });

  it('takes the inbound route’s throttle from its props, and refuses one that is not a whole positive number', () => {
    // Prepare
    const { stack, make } = apiStack({ inboundThrottle: { rateLimit: 5, burstLimit: 10 } });

    // Act
    make();

    // Assess
    const [, stage] = resourceAt(Template.fromStack(stack), 'AWS::ApiGateway::Stage', 'Test/Api/RestApi/DeploymentStage.v1');
    expect(stage.Properties?.MethodSettings).toContainEqual(
      expect.objectContaining({ HttpMethod: 'POST', ResourcePath: '/~1webhook~1{user_id}~1{token}', ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 }),
    );
    expect(apiStack({ inboundThrottle: { rateLimit: 5, burstLimit: 0 } }).make).toThrow(/inboundThrottle\.burstLimit must be a whole number of requests, at least 1; got 0/);
  });

  it('answers gateway-made errors in the API’s JSON envelope', () => {
    // Prepare
    const { stack, make } = apiStack();

    // Act
    make();
    const template = Template.fromStack(stack);

    // Assess
    const responses = Object.values(resourcesOf(template, 'AWS::ApiGateway::GatewayResponse'));
    const byType = new Map(responses.map((response) => [String(response.Properties?.ResponseType), response]));
    for (const [type, code] of [
      ['BAD_REQUEST_BODY', 'invalid_request'],
      ['INVALID_API_KEY', 'forbidden'],
      ['THROTTLED', 'rate_limited'],
      ['QUOTA_EXCEEDED', 'quota_exceeded'],
      ['REQUEST_TOO_LARGE', 'payload_too_large'],
      ['DEFAULT_4XX', 'request_refused'],
      ['DEFAULT_5XX', 'internal_error'],
    ]) {
      const body = (byType.get(type)?.Properties?.ResponseTemplates as Record<string, string> | undefined)?.['application/json'] ?? '';
      // The template is JSON once API Gateway fills `$context.error.messageString` (a quoted string).
      const filled = JSON.parse(body.replace('$context.error.messageString', '"Forbidden"')) as { ok: boolean; error: { code: string } };
      expect(filled, type).toMatchObject({ ok: false, error: { code } });
    }
  });

  it('turns CORS on only when origins are given', () => {
    // Prepare
    const off = apiStack();
    const on = apiStack({ corsOrigins: ['https://app.example.com'] });

    // Act
    off.make();
    on.make();

    // Assess
    expect([...routes(Template.fromStack(off.stack)).keys()].filter((route) => route.startsWith('OPTIONS'))).toEqual([]);
    const onTemplate = Template.fromStack(on.stack);
    const preflight = routes(onTemplate).get('OPTIONS /jobs/{id}');
    expect(JSON.stringify(preflight?.Properties?.Integration)).toContain("'https://app.example.com'");
    onTemplate.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'THROTTLED',
      ResponseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'https://app.example.com'" },
    });
    expect(
      Object.values(resourcesOf(Template.fromStack(off.stack), 'AWS::ApiGateway::GatewayResponse')).every(
        (response) => response.Properties?.ResponseParameters === undefined,
      ),
    ).toBe(true);
  });

  it.each([
    [{ partners: [] }, /partners must name at least one partner.*-c partners=acme/],
    [{ partners: [{ ...ACME, rateLimit: 900 }] }, /partner acme's limits \(900\/s, burst 40\) exceed the stage's \(500\/s, burst 1000\)/],
    [{ stageName: 'v1-beta' }, /stageName must be letters, digits or _; got "v1-beta"/],
    [{ corsOrigins: ['app.example.com'] }, /CORS origin "app\.example\.com" must be scheme and host/],
  ])('refuses %j with a message naming the value and the fix', (props, message) => {
    const { make } = apiStack(props);
    expect(make).toThrow(message);
  });
});
