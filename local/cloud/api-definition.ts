import { randomBytes } from 'node:crypto';
import type { ApiKeyBinding, ApiRoute } from './http/api-gateway';
import type { GatewayResponseSpec } from './http/gateway-responses';
import type { JsonSchema } from './http/json-schema-draft4';
import type { MethodThrottle, MethodThrottles } from './http/usage-plans';
import { resolveValue, type ResolveScope, type UnresolvedReference } from './intrinsics';
import type { CfnResource, CfnTemplate } from './template';

/** The REST API as the local gateway needs it. */
export interface ApiDefinition {
  readonly restApiId: string;
  readonly stageName: string;
  readonly routes: ApiRoute[];
  readonly apiKeys: ApiKeyBinding[];
  /** The stage's `MethodSettings` throttles: the `/*` default, applied to each method on its own, and per-method entries. */
  readonly methodThrottles: MethodThrottles;
  /** The API's gateway responses, one per response type. */
  readonly gatewayResponses: GatewayResponseSpec[];
  /** Methods that are not served, keys that will be refused, and APIs beyond the first, with why. */
  readonly skipped: string[];
}

type Resources = readonly [string, CfnResource][];

/**
 * Reads the template's REST API: every `AWS_PROXY` method with its full
 * resource path, authorization and API key requirement, the function its
 * integration URI names, and the request models its validator checks bodies
 * against; the stage and its method throttles (`MethodSettings`); the gateway
 * responses; each API key with the usage plan of that stage it is in (its
 * throttle and quota). A key without a `Value` gets a random one, as API
 * Gateway generates one. Returns undefined when there is no REST API.
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

  const refOf = (logicalId: string): string => scope.resource(logicalId)?.ref ?? logicalId;
  const models = new Map<string, JsonSchema>();
  for (const [logicalId, resource] of ofType('AWS::ApiGateway::Model')) {
    const properties = props(resource);
    if (!mine(properties)) continue;
    const schema = typeof properties.Schema === 'string' ? (JSON.parse(properties.Schema) as unknown) : properties.Schema;
    if (typeof schema === 'object' && schema !== null) {
      models.set(refOf(logicalId), schema as JsonSchema);
      if (typeof properties.Name === 'string') models.set(properties.Name, schema as JsonSchema);
    }
  }
  const bodyValidators = new Set(
    ofType('AWS::ApiGateway::RequestValidator')
      .filter(([, resource]) => {
        const properties = props(resource);
        return mine(properties) && (properties.ValidateRequestBody === true || properties.ValidateRequestBody === 'true');
      })
      .map(([logicalId]) => refOf(logicalId)),
  );

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
      const requestModels = bodyValidators.has(String(properties.RequestValidatorId)) ? modelsOf(properties.RequestModels, models) : undefined;
      routes.push({
        method,
        resourcePath,
        authorization,
        apiKeyRequired: properties.ApiKeyRequired === true || properties.ApiKeyRequired === 'true',
        functionName,
        ...(requestModels === undefined ? {} : { requestModels }),
      });
    }
  }

  const stages = ofType('AWS::ApiGateway::Stage').map(([, resource]) => props(resource)).filter(mine);
  const stage = stages[0];
  const stageName = String(stage?.StageName ?? 'prod');
  const gatewayResponses = ofType('AWS::ApiGateway::GatewayResponse')
    .map(([, resource]) => props(resource))
    .filter(mine)
    .map(gatewayResponseOf);
  return {
    restApiId,
    stageName,
    routes,
    apiKeys: apiKeys(ofType, props, scope, restApiId, stageName, skipped),
    methodThrottles: methodThrottlesOf(stage),
    gatewayResponses,
    skipped,
  };
}

/** A method's `RequestModels` (content type → model name or ref) as schemas; models not found are left out. */
function modelsOf(requestModels: unknown, models: ReadonlyMap<string, JsonSchema>): Record<string, JsonSchema> | undefined {
  if (typeof requestModels !== 'object' || requestModels === null) return undefined;
  const found = Object.entries(requestModels).flatMap(([contentType, model]) => {
    const schema = models.get(String(model));
    return schema === undefined ? [] : [[contentType, schema] as const];
  });
  return found.length === 0 ? undefined : Object.fromEntries(found);
}

/**
 * A stage's `MethodSettings` throttles: `/*` with `*` is the default; any other
 * entry names one method, its resource path escaped as the API wants it
 * (`/~1health~1queue` for `/health/queue`).
 */
function methodThrottlesOf(stage: Record<string, unknown> | undefined): MethodThrottles {
  const settings = Array.isArray(stage?.MethodSettings) ? (stage.MethodSettings as Record<string, unknown>[]) : [];
  const throttle = (setting: Record<string, unknown>): { rateLimit?: number; burstLimit?: number } => ({
    ...(setting.ThrottlingRateLimit === undefined ? {} : { rateLimit: Number(setting.ThrottlingRateLimit) }),
    ...(setting.ThrottlingBurstLimit === undefined ? {} : { burstLimit: Number(setting.ThrottlingBurstLimit) }),
  });
  const hasThrottle = (setting: Record<string, unknown>): boolean => setting.ThrottlingRateLimit !== undefined || setting.ThrottlingBurstLimit !== undefined;
  const all = settings.find((setting) => setting.ResourcePath === '/*' && setting.HttpMethod === '*');
  const methods: MethodThrottle[] = settings
    .filter((setting) => setting !== all && hasThrottle(setting) && typeof setting.ResourcePath === 'string')
    .map((setting) => ({ resourcePath: unescapeResourcePath(String(setting.ResourcePath)), httpMethod: String(setting.HttpMethod ?? '*'), ...throttle(setting) }));
  return {
    ...(all === undefined || !hasThrottle(all) ? {} : { default: throttle(all) }),
    ...(methods.length === 0 ? {} : { methods }),
  };
}

/** `/~1jobs~1{id}` → `/jobs/{id}`: method settings escape each `/` of the path as `~1` (and `~` as `~0`). */
function unescapeResourcePath(escaped: string): string {
  const path = escaped.replace(/^\//, '').replaceAll('~1', '/').replaceAll('~0', '~');
  return path.startsWith('/') ? path : `/${path}`;
}

function gatewayResponseOf(properties: Record<string, unknown>): GatewayResponseSpec {
  const parameters = (properties.ResponseParameters ?? {}) as Record<string, unknown>;
  const headers = Object.fromEntries(
    Object.entries(parameters).flatMap(([name, source]) => {
      const header = /^gatewayresponse\.header\.(.+)$/.exec(name)?.[1];
      return header === undefined ? [] : [[header, String(source)]];
    }),
  );
  const templates = (properties.ResponseTemplates ?? undefined) as Record<string, string> | undefined;
  const status = properties.StatusCode === undefined ? undefined : Number(properties.StatusCode);
  return {
    type: String(properties.ResponseType),
    ...(status === undefined || !Number.isInteger(status) ? {} : { statusCode: status }),
    ...(templates === undefined ? {} : { templates }),
    ...(Object.keys(headers).length === 0 ? {} : { headers }),
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
