import { randomBytes } from 'node:crypto';
import type { ApiKeyBinding, ApiRoute } from './http/api-gateway';
import { resolveValue, type ResolveScope, type UnresolvedReference } from './intrinsics';
import type { CfnResource, CfnTemplate } from './template';

/** The REST API as the local gateway needs it. */
export interface ApiDefinition {
  readonly restApiId: string;
  readonly stageName: string;
  readonly routes: ApiRoute[];
  readonly apiKeys: ApiKeyBinding[];
  readonly stageThrottle?: { readonly rateLimit?: number; readonly burstLimit?: number };
  /** Methods that are not served, keys that will be refused, and APIs beyond the first, with why. */
  readonly skipped: string[];
}

type Resources = readonly [string, CfnResource][];

/**
 * Reads the template's REST API: every `AWS_PROXY` method with its full
 * resource path, authorization and API key requirement, and the function its
 * integration URI names; the stage and its throttle (`MethodSettings` on
 * `/*`); each API key with the usage plan of that stage it is in (its throttle
 * and quota). A key without a `Value` gets a random one, as API Gateway
 * generates one. Returns undefined when there is no REST API.
 *
 * @example
 * const api = apiDefinition(template, scope, (arn) => functionsByArn.get(arn));
 */
export function apiDefinition(
  template: CfnTemplate,
  scope: ResolveScope,
  functionNameOfArn: (arn: string) => string | undefined,
  unresolved: UnresolvedReference[] = [],
): ApiDefinition | undefined {
  const all = Object.entries(template.Resources ?? {});
  const ofType = (type: string): Resources => all.filter(([, resource]) => resource.Type === type);
  const props = (resource: CfnResource): Record<string, unknown> => resolveValue(resource.Properties ?? {}, scope, unresolved) as Record<string, unknown>;
  const [api, ...otherApis] = ofType('AWS::ApiGateway::RestApi');
  if (api === undefined) return undefined;
  const skipped = otherApis.map(([logicalId]) => `${logicalId}: only one REST API is served`);
  const local = scope.resource(api[0]);
  const restApiId = local?.ref ?? api[0];
  const mine = (properties: Record<string, unknown>): boolean => properties.RestApiId === restApiId;

  const parents = new Map<string, { parentId: string; pathPart: string }>();
  for (const [logicalId, resource] of ofType('AWS::ApiGateway::Resource')) {
    const properties = props(resource);
    const id = scope.resource(logicalId)?.ref;
    if (id !== undefined && mine(properties)) parents.set(id, { parentId: String(properties.ParentId), pathPart: String(properties.PathPart) });
  }
  const pathOf = (resourceId: string): string => {
    const parts: string[] = [];
    for (let id: string | undefined = resourceId, depth = 0; id !== undefined && depth < 100; depth++) {
      const node = parents.get(id);
      if (node === undefined) break;
      parts.unshift(node.pathPart);
      id = node.parentId;
    }
    return `/${parts.join('/')}`;
  };

  const routes: ApiRoute[] = [];
  for (const [logicalId, resource] of ofType('AWS::ApiGateway::Method')) {
    const properties = props(resource);
    if (!mine(properties)) continue;
    const integration = (properties.Integration ?? {}) as Record<string, unknown>;
    const method = String(properties.HttpMethod);
    const resourcePath = pathOf(String(properties.ResourceId));
    const authorization = String(properties.AuthorizationType ?? 'NONE');
    const functionArn = /\/functions\/(arn:[^/]+)\/invocations$/.exec(String(integration.Uri ?? ''))?.[1];
    const functionName = functionArn === undefined ? undefined : functionNameOfArn(functionArn);
    if (integration.Type !== 'AWS_PROXY' || functionName === undefined) {
      skipped.push(`${method} ${resourcePath} (${logicalId}): only Lambda proxy integrations are served; this is ${String(integration.Type ?? 'none')}`);
    } else if (authorization !== 'NONE' && authorization !== 'AWS_IAM') {
      skipped.push(`${method} ${resourcePath} (${logicalId}): ${authorization} authorization is not emulated`);
    } else {
      routes.push({ method, resourcePath, authorization, apiKeyRequired: properties.ApiKeyRequired === true || properties.ApiKeyRequired === 'true', functionName });
    }
  }

  const stages = ofType('AWS::ApiGateway::Stage').map(([, resource]) => props(resource)).filter(mine);
  const stage = stages[0];
  const stageName = String(stage?.StageName ?? 'prod');
  const stageThrottle = throttleOf(stage);
  return {
    restApiId,
    stageName,
    routes,
    apiKeys: apiKeys(ofType, props, scope, restApiId, stageName, skipped),
    ...(stageThrottle === undefined ? {} : { stageThrottle }),
    skipped,
  };
}

function throttleOf(stage: Record<string, unknown> | undefined): ApiDefinition['stageThrottle'] {
  const settings = Array.isArray(stage?.MethodSettings) ? (stage.MethodSettings as Record<string, unknown>[]) : [];
  const all = settings.find((setting) => setting.ResourcePath === '/*' && setting.HttpMethod === '*');
  if (all === undefined || (all.ThrottlingRateLimit === undefined && all.ThrottlingBurstLimit === undefined)) return undefined;
  return {
    ...(all.ThrottlingRateLimit === undefined ? {} : { rateLimit: Number(all.ThrottlingRateLimit) }),
    ...(all.ThrottlingBurstLimit === undefined ? {} : { burstLimit: Number(all.ThrottlingBurstLimit) }),
  };
}

function apiKeys(
  ofType: (type: string) => Resources,
  props: (resource: CfnResource) => Record<string, unknown>,
  scope: ResolveScope,
  restApiId: string,
  stageName: string,
  skipped: string[],
): ApiKeyBinding[] {
  const plans = new Map<string, ApiKeyBinding['usagePlan']>();
  for (const [logicalId, resource] of ofType('AWS::ApiGateway::UsagePlan')) {
    const properties = props(resource);
    const stages = Array.isArray(properties.ApiStages) ? (properties.ApiStages as Record<string, unknown>[]) : [];
    if (!stages.some((entry) => entry.ApiId === restApiId && entry.Stage === stageName)) continue;
    const throttle = (properties.Throttle ?? {}) as Record<string, unknown>;
    const quota = properties.Quota as Record<string, unknown> | undefined;
    const period = String(quota?.Period ?? '');
    const id = scope.resource(logicalId)?.ref ?? logicalId;
    plans.set(id, {
      ...(throttle.RateLimit === undefined ? {} : { rateLimit: Number(throttle.RateLimit) }),
      ...(throttle.BurstLimit === undefined ? {} : { burstLimit: Number(throttle.BurstLimit) }),
      ...(quota?.Limit !== undefined && (period === 'DAY' || period === 'WEEK' || period === 'MONTH')
        ? { quota: { limit: Number(quota.Limit), period, ...(quota.Offset === undefined ? {} : { offset: Number(quota.Offset) }) } }
        : {}),
    });
  }
  const planOfKey = new Map<string, ApiKeyBinding['usagePlan']>();
  for (const [, resource] of ofType('AWS::ApiGateway::UsagePlanKey')) {
    const properties = props(resource);
    const plan = plans.get(String(properties.UsagePlanId));
    if (plan !== undefined) planOfKey.set(String(properties.KeyId), plan);
  }
  const bindings: ApiKeyBinding[] = [];
  for (const [logicalId, resource] of ofType('AWS::ApiGateway::ApiKey')) {
    const properties = props(resource);
    const name = typeof properties.Name === 'string' ? properties.Name : constructPath(logicalId, resource);
    const id = scope.resource(logicalId)?.ref ?? logicalId;
    const plan = planOfKey.get(id);
    const enabled = properties.Enabled !== false && properties.Enabled !== 'false';
    // The gateway refuses disabled keys and keys in no plan, as API Gateway does; they are served to be refused.
    if (!enabled) skipped.push(`API key ${name}: disabled`);
    else if (plan === undefined) skipped.push(`API key ${name}: in no usage plan of stage ${stageName}, so it is refused`);
    const value = typeof properties.Value === 'string' ? properties.Value : randomBytes(30).toString('base64url').slice(0, 40);
    bindings.push({ name, value, id, enabled, ...(plan === undefined ? {} : { usagePlan: plan }) });
  }
  return bindings;
}

/** `Stack/Api/Partner-acme/Key/Resource` → `Api/Partner-acme/Key`; the logical id without path metadata. */
function constructPath(logicalId: string, resource: CfnResource): string {
  const path = resource.Metadata?.['aws:cdk:path'];
  if (typeof path !== 'string') return logicalId;
  return path.split('/').slice(1).filter((part, index, parts) => !(index === parts.length - 1 && part === 'Resource')).join('/');
}
