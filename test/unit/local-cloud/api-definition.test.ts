import { describe, expect, it } from 'vitest';
import { apiDefinition } from '../../../local/cloud/api-definition';
import type { CfnResource } from '../../../local/cloud/template';
import { aFunction, aTemplate, localOf } from './template-factory';

const proxyTo = (fn: string) => ({
  Type: 'AWS_PROXY',
  IntegrationHttpMethod: 'POST',
  Uri: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':apigateway:us-east-1:lambda:path/2015-03-31/functions/', { 'Fn::GetAtt': [fn, 'Arn'] }, '/invocations']] },
});
const resource = (parent: unknown, pathPart: string): CfnResource => ({ Type: 'AWS::ApiGateway::Resource', Properties: { ParentId: parent, PathPart: pathPart, RestApiId: { Ref: 'Api' } } });
const method = (on: string, httpMethod: string, extra: Record<string, unknown>): CfnResource => ({
  Type: 'AWS::ApiGateway::Method',
  Properties: { RestApiId: { Ref: 'Api' }, ResourceId: { Ref: on }, HttpMethod: httpMethod, AuthorizationType: 'NONE', ...extra },
});

/** A REST API shaped as CDK synthesizes one: resources by parent id, proxy methods, a stage, a key in a plan. */
const template = aTemplate({
  Ingest: aFunction({ FunctionName: 'ingest' }),
  Admin: aFunction({ FunctionName: 'admin' }),
  Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'jobs' } },
  Jobs: resource({ 'Fn::GetAtt': ['Api', 'RootResourceId'] }, 'jobs'),
  JobsId: resource({ Ref: 'Jobs' }, '{id}'),
  Batch: resource({ Ref: 'JobsId' }, 'batch'),
  AdminRes: resource({ 'Fn::GetAtt': ['Api', 'RootResourceId'] }, 'admin'),
  PostJob: method('JobsId', 'POST', {
    ApiKeyRequired: true,
    Integration: proxyTo('Ingest'),
    RequestValidatorId: { Ref: 'BodyValidator' },
    RequestModels: { 'application/json': { Ref: 'JobModel' } },
  }),
  BodyValidator: { Type: 'AWS::ApiGateway::RequestValidator', Properties: { RestApiId: { Ref: 'Api' }, ValidateRequestBody: true, ValidateRequestParameters: true } },
  JobModel: {
    Type: 'AWS::ApiGateway::Model',
    Properties: { RestApiId: { Ref: 'Api' }, ContentType: 'application/json', Schema: { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object', required: ['data'] } },
  },
  KeyError: {
    Type: 'AWS::ApiGateway::GatewayResponse',
    Properties: {
      RestApiId: { Ref: 'Api' },
      ResponseType: 'INVALID_API_KEY',
      ResponseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'https://app.example.com'" },
      ResponseTemplates: { 'application/json': '{"ok":false,"error":{"code":"forbidden","message":$context.error.messageString}}' },
    },
  },
  Default5xx: { Type: 'AWS::ApiGateway::GatewayResponse', Properties: { RestApiId: { Ref: 'Api' }, ResponseType: 'DEFAULT_5XX', StatusCode: '500' } },
  PostBatch: method('Batch', 'POST', { ApiKeyRequired: true, Integration: proxyTo('Ingest') }),
  AdminGet: method('AdminRes', 'GET', { AuthorizationType: 'AWS_IAM', Integration: proxyTo('Admin') }),
  Options: method('JobsId', 'OPTIONS', { Integration: { Type: 'MOCK' } }),
  Stage: {
    Type: 'AWS::ApiGateway::Stage',
    Properties: {
      RestApiId: { Ref: 'Api' },
      StageName: 'v1',
      MethodSettings: [
        { ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000, MetricsEnabled: true },
        { ResourcePath: '/~1jobs~1{id}~1batch', HttpMethod: 'POST', ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
        { ResourcePath: '/~1admin', HttpMethod: 'GET', MetricsEnabled: true },
      ],
    },
  },
  Key: { Type: 'AWS::ApiGateway::ApiKey', Properties: { Enabled: true }, Metadata: { 'aws:cdk:path': 'Demo/Api/Partner-acme/Key/Resource' } },
  Loose: { Type: 'AWS::ApiGateway::ApiKey', Properties: { Name: 'loose', Value: 'loose-key-value-0123456789' } },
  Plan: {
    Type: 'AWS::ApiGateway::UsagePlan',
    Properties: {
      ApiStages: [{ ApiId: { Ref: 'Api' }, Stage: { Ref: 'Stage' } }],
      Throttle: { RateLimit: 10, BurstLimit: 20 },
      Quota: { Limit: 1000, Period: 'DAY' },
    },
  },
  PlanKey: { Type: 'AWS::ApiGateway::UsagePlanKey', Properties: { KeyId: { Ref: 'Key' }, KeyType: 'API_KEY', UsagePlanId: { Ref: 'Plan' } } },
});

describe('apiDefinition', () => {
  const { scope } = localOf(template);
  const functionOfArn = (arn: string): string | undefined => arn.split(':function:')[1];

  it('serves each proxy method at its full resource path with its authorization and key requirement', () => {
    // Act
    const api = apiDefinition(template, scope, functionOfArn);

    // Assess
    expect(api?.stageName).toBe('v1');
    expect(api?.routes).toEqual([
      {
        method: 'POST',
        resourcePath: '/jobs/{id}',
        authorization: 'NONE',
        apiKeyRequired: true,
        functionName: 'ingest',
        requestModels: { 'application/json': { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object', required: ['data'] } },
      },
      { method: 'POST', resourcePath: '/jobs/{id}/batch', authorization: 'NONE', apiKeyRequired: true, functionName: 'ingest' },
      { method: 'GET', resourcePath: '/admin', authorization: 'AWS_IAM', apiKeyRequired: false, functionName: 'admin' },
    ]);
    expect(api?.skipped).toContainEqual(expect.stringMatching(/^OPTIONS \/jobs\/\{id\} \(Options\): only Lambda proxy integrations/));
  });

  it('reads the stage throttle and each key with its usage plan, generating values as API Gateway does', () => {
    // Act
    const api = apiDefinition(template, scope, functionOfArn);

    // Assess
    expect(api?.methodThrottles).toEqual({
      default: { rateLimit: 500, burstLimit: 1000 },
      methods: [{ resourcePath: '/jobs/{id}/batch', httpMethod: 'POST', rateLimit: 20, burstLimit: 40 }],
    });
    const [acme, loose] = api?.apiKeys ?? [];
    expect(acme).toMatchObject({ name: 'Api/Partner-acme/Key', enabled: true, usagePlan: { rateLimit: 10, burstLimit: 20, quota: { limit: 1000, period: 'DAY' } } });
    expect(acme?.value).toMatch(/^[A-Za-z0-9_-]{40}$/);
    expect(loose).toMatchObject({ name: 'loose', value: 'loose-key-value-0123456789' });
    expect(loose?.usagePlan).toBeUndefined();
    expect(api?.skipped).toContain('API key loose: in no usage plan of stage v1, so it is refused');
  });

  it("reads the gateway responses: type, status, templates and static headers", () => {
    // Act
    const api = apiDefinition(template, scope, functionOfArn);

    // Assess
    expect(api?.gatewayResponses).toEqual([
      {
        type: 'INVALID_API_KEY',
        templates: { 'application/json': '{"ok":false,"error":{"code":"forbidden","message":$context.error.messageString}}' },
        headers: { 'Access-Control-Allow-Origin': "'https://app.example.com'" },
      },
      { type: 'DEFAULT_5XX', statusCode: 500 },
    ]);
  });

  it('checks no body where the method has no body validator', () => {
    // Prepare: the same method, its validator checking parameters only.
    const loose = aTemplate({
      ...template.Resources,
      BodyValidator: { Type: 'AWS::ApiGateway::RequestValidator', Properties: { RestApiId: { Ref: 'Api' }, ValidateRequestParameters: true } },
    });

    // Act
    const api = apiDefinition(loose, localOf(loose).scope, functionOfArn);

    // Assess
    expect(api?.routes.every((route) => route.requestModels === undefined)).toBe(true);
  });

  it('is undefined for a template without a REST API', () => {
    // Act and assess
    expect(apiDefinition(aTemplate({}), localOf(aTemplate({})).scope, functionOfArn)).toBeUndefined();
  });
});
