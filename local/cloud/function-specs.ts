import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { resolveValue, type ResolveScope, type UnresolvedReference } from './intrinsics';
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
    return {
      name,
      arn: local?.attributes.Arn ?? name,
      assetDir: code.assetDir,
      handler: code.handler,
      timeoutSeconds: Number(resolveValue(properties.Timeout, scope, unresolved) ?? DEFAULT_TIMEOUT_SECONDS),
      memoryMb,
      ...(reserved === undefined ? {} : { reservedConcurrency: Number(reserved) }),
      label: labelOf(templateEnvironment, logicalId),
      environment: {
        ...templateEnvironment,
        ...lambdaEnvironment({ name, memoryMb, handler: code.handler, assetDir: code.assetDir, runtime: code.runtime }, endpoints),
      },
    };
  });
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
