import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { parseFunctionName } from './function-names';
import { resolveString, resolveValue, type ResolveScope, type UnresolvedReference } from './intrinsics';
import type { FunctionSpec } from './lambda-host';
import { localizeUrl, type UrlRewrite } from './service-urls';
import { functionCode, type CfnResource, type StackTemplate } from './template';

/** The local endpoints and identity every function gets through its environment. */
export interface FunctionEndpoints {
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly sqs: string;
  readonly dynamodb: string;
  readonly lambda: string;
  readonly secretsManager: string;
}

/** Lambda's defaults for a function that sets neither. */
const DEFAULT_TIMEOUT_SECONDS = 3;
const DEFAULT_MEMORY_MB = 128;

/**
 * The functions of a template as the host runs them: bundle and handler, local
 * name and ARN, timeout, memory and reserved concurrency, and the environment
 * of each instance. That environment is the template's `Environment.Variables`
 * resolved to local values (service URLs rewritten by `rewrites`), plus what
 * Lambda itself sets (`AWS_REGION`, `AWS_LAMBDA_FUNCTION_NAME`, credentials…)
 * and the SDK's standard endpoint variables pointing at the local emulators,
 * which is how the same function code reaches them with no local branch.
 * The function's aliases and versions (`AWS::Lambda::Alias`,
 * `AWS::Lambda::Version`) give it the qualifiers it can be invoked through and
 * its provisioned concurrency: the sum of their
 * `ProvisionedConcurrencyConfig.ProvisionedConcurrentExecutions`.
 *
 * @example
 * const specs = functionSpecs(stack, resourcesOfType(stack.template, 'AWS::Lambda::Function'), scope, rewrites, endpoints);
 */
export function functionSpecs(
  stack: StackTemplate,
  functions: readonly [string, CfnResource][],
  scope: ResolveScope,
  rewrites: readonly UrlRewrite[],
  endpoints: FunctionEndpoints,
  unresolved: UnresolvedReference[] = [],
): FunctionSpec[] {
  const published = publishedQualifiers(stack, scope, unresolved);
  return functions.map(([logicalId, resource]) => {
    const local = scope.resource(logicalId);
    const name = local?.ref ?? logicalId;
    const code = functionCode(stack, logicalId);
    const properties = resource.Properties ?? {};
    const variables = resolveValue((properties.Environment as { Variables?: unknown } | undefined)?.Variables ?? {}, scope, unresolved);
    const templateEnvironment = Object.fromEntries(
      Object.entries((variables ?? {}) as Record<string, unknown>).map(([key, value]) => [key, localizeUrl(String(value), rewrites)]),
    );
    const memoryMb = Number(resolveValue(properties.MemorySize, scope, unresolved) ?? DEFAULT_MEMORY_MB);
    const reserved = resolveValue(properties.ReservedConcurrentExecutions, scope, unresolved);
    const qualified = published.get(name);
    return {
      name,
      arn: local?.attributes.Arn ?? name,
      assetDir: code.assetDir,
      handler: code.handler,
      timeoutSeconds: Number(resolveValue(properties.Timeout, scope, unresolved) ?? DEFAULT_TIMEOUT_SECONDS),
      memoryMb,
      ...(reserved === undefined ? {} : { reservedConcurrency: Number(reserved) }),
      ...(qualified === undefined ? {} : { qualifiers: qualified.qualifiers }),
      ...(qualified === undefined || qualified.provisioned === 0 ? {} : { provisionedConcurrency: qualified.provisioned }),
      label: labelOf(templateEnvironment, logicalId),
      environment: {
        ...templateEnvironment,
        ...lambdaEnvironment({ name, memoryMb, handler: code.handler, assetDir: code.assetDir, runtime: code.runtime }, endpoints),
      },
    };
  });
}

/** What a function's aliases and versions give it: the qualifiers it answers to, with the version each runs, and its provisioned concurrency. */
interface Published {
  readonly qualifiers: Record<string, string>;
  provisioned: number;
}

/** The aliases and versions of the template that exist, by the name of their function. */
function publishedQualifiers(stack: StackTemplate, scope: ResolveScope, unresolved: UnresolvedReference[]): Map<string, Published> {
  const byFunction = new Map<string, Published>();
  for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
    if (resource.Type !== 'AWS::Lambda::Version' && resource.Type !== 'AWS::Lambda::Alias') continue;
    // Only what exists (its condition holds) has local values.
    const local = scope.resource(logicalId);
    if (local === undefined) continue;
    const properties = resource.Properties ?? {};
    const name = parseFunctionName(resolveString(properties.FunctionName ?? '', scope, unresolved)).name;
    const entry = byFunction.get(name) ?? { qualifiers: {}, provisioned: 0 };
    byFunction.set(name, entry);
    if (resource.Type === 'AWS::Lambda::Version') {
      const version = local.attributes.Version ?? '1';
      entry.qualifiers[version] = version;
    } else {
      entry.qualifiers[resolveString(properties.Name ?? logicalId, scope, unresolved)] = resolveString(properties.FunctionVersion ?? '$LATEST', scope, unresolved);
    }
    const config = resolveValue(properties.ProvisionedConcurrencyConfig, scope, unresolved) as { ProvisionedConcurrentExecutions?: unknown } | undefined;
    entry.provisioned += Number(config?.ProvisionedConcurrentExecutions ?? 0);
  }
  return byFunction;
}

/** The name logs are prefixed with: the Powertools service name when set (`ingest`), else the logical id. */
function labelOf(environment: Record<string, string>, logicalId: string): string {
  return environment.POWERTOOLS_SERVICE_NAME ?? logicalId;
}

/** What Lambda sets in every function's environment, with the local endpoints. */
function lambdaEnvironment(
  fn: { name: string; memoryMb: number; handler: string; assetDir: string; runtime: string | undefined },
  endpoints: FunctionEndpoints,
): Record<string, string> {
  return {
    AWS_REGION: endpoints.region,
    AWS_DEFAULT_REGION: endpoints.region,
    AWS_ACCESS_KEY_ID: endpoints.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: endpoints.credentials.secretAccessKey,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime ?? 'nodejs'}`,
    AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
    LAMBDA_TASK_ROOT: fn.assetDir,
    _HANDLER: fn.handler,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_LAMBDA: endpoints.lambda,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.secretsManager,
    // Lambda's runtime provides the AWS SDK to bundles that leave it out; here the project's copy does.
    NODE_PATH: runtimeModulesDir(),
    // The warning is about this machine's Node, older than Lambda's runtime, not about the function.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

let modulesDir: string | undefined;

/** The `node_modules` directory holding the project's AWS SDK. */
function runtimeModulesDir(): string {
  if (modulesDir !== undefined) return modulesDir;
  const require = createRequire(import.meta.url);
  // <dir>/node_modules/@aws-sdk/client-sqs/package.json → <dir>/node_modules
  modulesDir = dirname(dirname(dirname(require.resolve('@aws-sdk/client-sqs/package.json'))));
  return modulesDir;
}
