import { Template } from 'aws-cdk-lib/assertions';
import { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { AccountRootPrincipal, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { AdminApi, type AdminApiProps, type AdminMethod } from '../../lib/admin-api';
import { HEALTH_THROTTLES } from '../../lib/ingest-api';
import { resourceAt, resourcesOf, testStack } from './support';

function adminStack(props: Partial<AdminApiProps> = {}) {
  const stack = testStack();
  const api = new RestApi(stack, 'Api', { deployOptions: { stageName: 'v1', throttlingRateLimit: 500, throttlingBurstLimit: 1000 } });
  api.root.addMethod('GET');
  const fn = (id: string) =>
    new LambdaFunction(stack, id, { runtime: Runtime.NODEJS_24_X, handler: 'index.handler', code: Code.fromInline('exports.handler = 1') });
  const admin = new AdminApi(stack, 'Admin', { api, statusFunction: fn('StatusFn'), ...props });
  return { stack, admin, fn };
}

/** The stage's method settings as `VERB /path` → throttle. */
function throttles(template: Template): Map<string, { rate: unknown; burst: unknown }> {
  const [, stage] = resourceAt(template, 'AWS::ApiGateway::Stage', 'Test/Api/DeploymentStage.v1');
  const settings = stage.Properties?.MethodSettings as Record<string, unknown>[];
  return new Map(
    settings.map((entry) => [
      `${String(entry.HttpMethod)} ${String(entry.ResourcePath).replace(/~1/g, '/').replace(/^\/\//, '/')}`,
      { rate: entry.ThrottlingRateLimit, burst: entry.ThrottlingBurstLimit },
    ]),
  );
}

describe('AdminApi', () => {
  it.each(['queue/status', 'api/queue/status'])('serves GET /%s with AWS_IAM and no API key, answered by the status function', (path) => {
    // Prepare
    const { stack } = adminStack();

    // Act
    const template = Template.fromStack(stack);

    // Assess
    const [statusId] = resourceAt(template, 'AWS::ApiGateway::Resource', `Test/Api/Default/${path}`);
    const [, method] = Object.entries(resourcesOf(template, 'AWS::ApiGateway::Method')).find(
      ([, candidate]) => JSON.stringify(candidate.Properties?.ResourceId) === JSON.stringify({ Ref: statusId }),
    ) ?? [undefined, undefined];
    expect(method?.Properties).toMatchObject({ HttpMethod: 'GET', AuthorizationType: 'AWS_IAM', ApiKeyRequired: false });
    expect(JSON.stringify(method?.Properties?.Integration)).toContain('StatusFn');
    resourceAt(template, 'AWS::ApiGateway::Resource', 'Test/Api/Default/admin');
  });

  it('adds later routes under /admin, each AWS_IAM, sharing one integration per function', () => {
    // Prepare
    const { stack, admin, fn } = adminStack();
    const operations = fn('OpsFn');

    // Act
    const routes: [AdminMethod, string][] = [
      ['GET', 'queues/{queue}/failed'],
      ['POST', '/queues/{queue}/redrive/'],
      ['DELETE', '/admin/jobs/{id}'],
    ];
    for (const [method, path] of routes) admin.addRoute(method, path, operations);
    const template = Template.fromStack(stack);

    // Assess
    const methods = Object.values(resourcesOf(template, 'AWS::ApiGateway::Method')).filter(
      (method) => method.Properties?.AuthorizationType === 'AWS_IAM',
    );
    expect(methods).toHaveLength(5);
    expect(admin.methods).toHaveLength(5);
    resourceAt(template, 'AWS::ApiGateway::Resource', 'Test/Api/Default/admin/queues/{queue}/redrive');
    resourceAt(template, 'AWS::ApiGateway::Resource', 'Test/Api/Default/admin/jobs/{id}');
    const permissions = Object.values(resourcesOf(template, 'AWS::Lambda::Permission'));
    expect(permissions.filter((permission) => JSON.stringify(permission.Properties?.FunctionName).includes('OpsFn'))).toHaveLength(3);
  });

  it('lets the invoke policy call exactly the admin routes, path variables as wildcards', () => {
    // Prepare
    const { stack, admin, fn } = adminStack();
    admin.addRoute('POST', 'queues/{queue}/redrive', fn('OpsFn'));
    const operators = new Role(stack, 'Operators', { assumedBy: new AccountRootPrincipal() });

    // Act
    admin.grantInvoke(operators);
    const template = Template.fromStack(stack);

    // Assess
    const [policyId, policy] = resourceAt(template, 'AWS::IAM::ManagedPolicy', 'Test/Admin/InvokePolicy');
    const document = JSON.stringify(policy.Properties?.PolicyDocument);
    expect(document).toContain('"execute-api:Invoke"');
    expect(document).toContain('"/GET/queue/status"');
    expect(document).toContain('"/GET/api/queue/status"');
    expect(document).toContain('"/POST/admin/queues/*/redrive"');
    // The API's other methods (here GET /) are not in it.
    expect(document).not.toMatch(/"\/GET\/"\]/);
    expect(document.match(/execute-api:Invoke/g)).toHaveLength(1);
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: [{ Ref: policyId }] });
  });

  it('acknowledges each route’s path-parameter wildcard in the invoke policy, and no other wildcard', () => {
    // Prepare
    const { stack, admin, fn } = adminStack();
    const operations = fn('OpsFn');
    admin.addRoute('POST', 'queues/{queue}/redrive', operations);
    admin.addRoute('GET', 'jobs/{id}', operations);
    const findings = () =>
      new AwsSolutionsChecks(stack.node.root)
        .validateScope(stack)
        .violations.filter((violation) => violation.violatingResources.some((resource) => (resource.constructPath ?? '').startsWith('Test/Admin/')))
        .map((violation) => violation.ruleName);

    // Act / Assess
    expect(findings()).toEqual([]);
    admin.invokePolicy.addStatements(new PolicyStatement({ actions: ['execute-api:Invoke'], resources: [admin.adminResource.api.arnForExecuteApi('*', '/*', 'v1')] }));
    expect(findings()).toEqual([expect.stringMatching(/^AwsSolutions-IAM5\[Resource::arn:.*\/v1\/\*\/\*\]$/)]);
  });

  it('throttles every admin route on its own, /queue/status as /health/queue, keeping the stage-wide default', () => {
    // Prepare
    const { stack, admin, fn } = adminStack();
    const operations = fn('OpsFn');
    admin.addRoute('POST', 'queues/{queue}/redrive', operations);
    admin.addRoute('GET', 'queues', operations);

    // Act
    const template = Template.fromStack(stack);

    // Assess
    expect(Object.fromEntries(throttles(template))).toEqual({
      '* /*': { rate: 500, burst: 1000 },
      'GET /queue/status': { rate: HEALTH_THROTTLES.queueHealth.rateLimit, burst: HEALTH_THROTTLES.queueHealth.burstLimit },
      'GET /api/queue/status': { rate: HEALTH_THROTTLES.queueHealth.rateLimit, burst: HEALTH_THROTTLES.queueHealth.burstLimit },
      'POST /admin/queues/{queue}/redrive': { rate: 10, burst: 20 },
      'GET /admin/queues': { rate: 10, burst: 20 },
    });
    const [, stage] = resourceAt(template, 'AWS::ApiGateway::Stage', 'Test/Api/DeploymentStage.v1');
    for (const entry of (stage.Properties?.MethodSettings as Record<string, unknown>[]).slice(1)) {
      expect(entry).toMatchObject({ LoggingLevel: 'ERROR', MetricsEnabled: true, DataTraceEnabled: false });
    }
  });

  it('takes the admin routes’ throttle from its props, and refuses one that is not a whole positive number', () => {
    // Prepare
    const { stack, admin, fn } = adminStack({ throttle: { rateLimit: 3, burstLimit: 6 } });

    // Act
    admin.addRoute('GET', 'queues', fn('OpsFn'));

    // Assess
    expect(throttles(Template.fromStack(stack)).get('GET /admin/queues')).toEqual({ rate: 3, burst: 6 });
    expect(() => adminStack({ throttle: { rateLimit: 0, burstLimit: 6 } })).toThrow(/throttle\.rateLimit must be a whole number of requests, at least 1; got 0/);
  });

  it.each([
    ['GET', 'queues/{queue}/../x?'],
    ['TRACE', 'queues'],
  ])('refuses %s %s naming the value', (method, path) => {
    const { admin, fn } = adminStack();
    expect(() => admin.addRoute(method as AdminMethod, path, fn('OpsFn'))).toThrow(new RegExp(`got "${method === 'TRACE' ? 'TRACE' : path.replace(/[?.{}/]/g, '\\$&')}"`));
  });
});
