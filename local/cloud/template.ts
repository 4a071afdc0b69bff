import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LocalCloudError } from '../errors';

/** One resource of a CloudFormation template, as synthesized. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
  readonly Metadata?: Readonly<Record<string, unknown>>;
  /** Name of a condition that decides whether the resource exists. */
  readonly Condition?: string;
}

/** The parts of a template the local cloud reads. */
export interface CfnTemplate {
  readonly Resources?: Readonly<Record<string, CfnResource>>;
  readonly Parameters?: Readonly<Record<string, { readonly Default?: unknown; readonly Type?: string }>>;
  readonly Conditions?: Readonly<Record<string, unknown>>;
  readonly Mappings?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
  readonly Outputs?: Readonly<Record<string, { readonly Value?: unknown }>>;
}

/** One stack of a cloud assembly (`cdk.out`), with its template loaded. */
export interface StackTemplate {
  /** The CloudFormation stack name. */
  readonly stackName: string;
  /** The assembly directory the template and its assets are in. */
  readonly assemblyDir: string;
  /** The region the stack is pinned to, when it is. */
  readonly region?: string;
  readonly template: CfnTemplate;
}

/** Where a function's code is and how Lambda would start it. */
export interface FunctionCode {
  /** Absolute directory of the bundled asset (Lambda's `/var/task`). */
  readonly assetDir: string;
  /** The `Handler` setting, e.g. `index.handler`. */
  readonly handler: string;
  /** The `Runtime` setting, e.g. `nodejs24.x`. */
  readonly runtime?: string;
}

interface AssemblyManifest {
  readonly artifacts?: Readonly<Record<string, { readonly type?: string; readonly environment?: string; readonly properties?: Record<string, unknown> }>>;
}

interface AssetManifest {
  readonly files?: Readonly<Record<string, { readonly source?: { readonly path?: string }; readonly destinations?: Record<string, { readonly objectKey?: string }> }>>;
}

/**
 * Reads the cloud assembly `cdk synth` wrote: its `manifest.json`, then the
 * template of the one CloudFormation stack in it (or of `stackName` when the
 * assembly holds several).
 *
 * @throws LocalCloudError when the directory holds no assembly, no stack, or several and none was chosen
 * @example
 * const stack = readStackTemplate('cdk.out');
 * resourcesOfType(stack.template, 'AWS::SQS::Queue');
 */
export function readStackTemplate(assemblyDir: string, stackName?: string): StackTemplate {
  const dir = resolve(assemblyDir);
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new LocalCloudError(`no cloud assembly in ${dir} (manifest.json is missing); run cdk synth first`, { context: { dir } });
  }
  const manifest = readJson<AssemblyManifest>(manifestPath);
  const stacks = Object.entries(manifest.artifacts ?? {})
    .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
    .map(([id, artifact]) => {
      const properties = artifact.properties ?? {};
      const name = typeof properties.stackName === 'string' ? properties.stackName : id;
      const templateFile = typeof properties.templateFile === 'string' ? properties.templateFile : `${id}.template.json`;
      const region = /^aws:\/\/[^/]+\/([a-z0-9-]+)$/.exec(artifact.environment ?? '')?.[1];
      return { id, name, templateFile, region: region === 'unknown-region' ? undefined : region };
    });
  const chosen = stackName === undefined ? stacks : stacks.filter((stack) => stack.name === stackName || stack.id === stackName);
  const [stack, ...others] = chosen;
  if (stack === undefined || others.length > 0) {
    const names = stacks.map((candidate) => candidate.name).join(', ') || 'none';
    throw new LocalCloudError(
      stack === undefined
        ? `no stack ${stackName === undefined ? '' : `"${stackName}" `}in the cloud assembly at ${dir} (stacks: ${names})`
        : `the cloud assembly at ${dir} holds several stacks (${names}); the local cloud runs one: name it`,
      { context: { dir, stacks: names } },
    );
  }
  return {
    stackName: stack.name,
    assemblyDir: dir,
    ...(stack.region === undefined ? {} : { region: stack.region }),
    template: readJson<CfnTemplate>(join(dir, stack.templateFile)),
  };
}

/**
 * The resources of one type, in template order.
 *
 * @example
 * for (const [logicalId, queue] of resourcesOfType(template, 'AWS::SQS::Queue')) console.log(logicalId, queue.Properties);
 */
export function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources ?? {}).filter(([, resource]) => resource.Type === type);
}

/**
 * How many resources of each type the template declares.
 *
 * @example
 * countByType(template).get('AWS::CloudWatch::Alarm'); // 14
 */
export function countByType(template: CfnTemplate): Map<string, number> {
  const counts = new Map<string, number>();
  for (const resource of Object.values(template.Resources ?? {})) counts.set(resource.Type, (counts.get(resource.Type) ?? 0) + 1);
  return counts;
}

/**
 * Where an `AWS::Lambda::Function`'s bundled code is: the `aws:asset:path`
 * metadata the CLI asks CDK to write, or else the asset whose object key is the
 * function's `Code.S3Key`, looked up in the assembly's asset manifests (an app
 * synthesized without asset metadata, as in tests).
 *
 * @throws LocalCloudError when the function has no asset in the assembly (inline or image code)
 * @example
 * functionCode(stack, 'Ingest1A2B3C').assetDir; // '/repo/cdk.out/asset.5f…'
 */
export function functionCode(stack: StackTemplate, logicalId: string): FunctionCode {
  const resource = stack.template.Resources?.[logicalId];
  if (resource?.Type !== 'AWS::Lambda::Function') {
    throw new LocalCloudError(`${logicalId} is not an AWS::Lambda::Function of stack ${stack.stackName}`, { context: { logicalId } });
  }
  const properties = resource.Properties ?? {};
  const handler = properties.Handler;
  if (typeof handler !== 'string') {
    throw new LocalCloudError(`function ${logicalId} has no Handler (container image functions are not emulated)`, { context: { logicalId } });
  }
  const metadataPath = resource.Metadata?.['aws:asset:path'];
  const assetPath = typeof metadataPath === 'string' ? metadataPath : assetPathOfKey(stack.assemblyDir, s3KeyOf(properties.Code));
  if (assetPath === undefined) {
    throw new LocalCloudError(
      `function ${logicalId} has no bundled asset in ${stack.assemblyDir} (inline ZipFile code and images are not emulated)`,
      { context: { logicalId } },
    );
  }
  const runtime = typeof properties.Runtime === 'string' ? properties.Runtime : undefined;
  return { assetDir: resolve(stack.assemblyDir, assetPath), handler, ...(runtime === undefined ? {} : { runtime }) };
}

function s3KeyOf(code: unknown): string | undefined {
  if (typeof code !== 'object' || code === null) return undefined;
  const key = (code as { S3Key?: unknown }).S3Key;
  return typeof key === 'string' ? key : undefined;
}

/** The asset directory published under `objectKey`, from the `*.assets.json` manifests. */
function assetPathOfKey(assemblyDir: string, objectKey: string | undefined): string | undefined {
  if (objectKey === undefined) return undefined;
  const manifest = readJson<AssemblyManifest>(join(assemblyDir, 'manifest.json'));
  for (const artifact of Object.values(manifest.artifacts ?? {})) {
    const file = artifact.properties?.file;
    if (artifact.type !== 'cdk:asset-manifest' || typeof file !== 'string') continue;
    const assets = readJson<AssetManifest>(join(assemblyDir, file));
    for (const asset of Object.values(assets.files ?? {})) {
      const keys = Object.values(asset.destinations ?? {}).map((destination) => destination.objectKey);
      if (keys.includes(objectKey) && asset.source?.path !== undefined) return asset.source.path;
    }
  }
  return undefined;
}

function readJson<T>(path: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (error) {
    throw new LocalCloudError(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error, context: { path } });
  }
}
