import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Duration, Names, RemovalPolicy, Stage, Token } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, type RecursiveLoop } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat, type ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ConfigError } from '../functions/core/errors';
import type { LogLevelName } from './pipeline-context';

/** The project root: where `package.json`, `package-lock.json` and `functions/` are. */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/** The folder of the Lambda entry points. */
export const HANDLERS_DIR = path.join(PROJECT_ROOT, 'functions', 'handlers');

/**
 * What the bundles load in place of the SDK's default credential chain,
 * relative to {@link PROJECT_ROOT} (where esbuild runs).
 */
export const ENVIRONMENT_CREDENTIALS_MODULE = './functions/adapters/lambda-env-credentials.ts';

/** Newest Node.js runtime this aws-cdk-lib offers (cdk-nag AwsSolutions-L1 checks for it). */
export const FUNCTION_RUNTIME = Runtime.NODEJS_24_X;

/**
 * The bundle's language level. The local cloud runs the same bundles on Node 20
 * (the project's minimum), and Node 20 output runs unchanged on the Lambda runtime.
 */
export const BUNDLE_TARGET = 'node20';

/** Lambda's limit on a function's environment: 4 KB of names and values. */
export const MAX_ENVIRONMENT_BYTES = 4096;

/** Room assumed for a value only known at deploy time (a table name, an ARN, a URL). */
const UNRESOLVED_VALUE_BYTES = 256;

/** Properties of {@link PipelineFunction}. */
export interface PipelineFunctionProps {
  /** Entry file name under `functions/handlers/`, without `.ts`, e.g. `ingest`. Its module must export `handler`. */
  readonly handlerName: string;
  /** Powertools service name, e.g. `ingest` or `consumer-payments`. */
  readonly serviceName: string;
  /** What the function does, shown in the console. */
  readonly description: string;
  /** The function's timeout. */
  readonly timeout: Duration;
  /**
   * Variables the handler checks at module load (besides the Powertools ones added here).
   *
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Memory in MB.
   *
   * @default - 256
   */
  readonly memorySize?: number;
  /**
   * Reserved concurrency.
   *
   * @default - none: the function shares the account's unreserved pool
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Powertools log level.
   *
   * @default - INFO
   */
  readonly logLevel?: LogLevelName;
  /**
   * Whether stack traces in the logs point into `functions/` (Node's
   * `--enable-source-maps`). Off by default: Node then reads and parses the
   * bundle's source map at every cold start (20–40 ms here); the map is
   * shipped either way, so a minified position can be decoded later.
   *
   * @default false
   */
  readonly sourceMaps?: boolean;
  /**
   * How long the function's logs are kept.
   *
   * @default - RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * What happens to the log group when the stack is deleted.
   *
   * @default - RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Retries of an asynchronous invocation (scheduled functions set 0: the next run catches up).
   *
   * @default - Lambda's default, 2
   */
  readonly retryAttempts?: number;
  /**
   * What Lambda does when it sees the function in a recursive loop (a consumer
   * that sends messages back to its own queue is one by design).
   *
   * @default - Lambda's default: the loop is stopped after about 16 hops
   */
  readonly recursiveLoop?: RecursiveLoop;
  /**
   * Text files shipped beside the bundle, by file name, for what the function
   * reads only on some requests (it finds them next to its module, e.g.
   * `new URL('./openapi.json', import.meta.url)`): they cost the bundle
   * nothing at a cold start. They are part of the asset, so its hash changes
   * with them.
   *
   * @default - none
   */
  readonly files?: Readonly<Record<string, string>>;
}

/**
 * A Lambda function the way every function of the pipeline is built: bundled
 * locally by esbuild from `functions/handlers/<name>.ts` (minified, with source
 * maps, the AWS SDK included so the deployed code runs the versions that were
 * tested), arm64 on the newest Node.js runtime, its own log group with a
 * retention, and its own role that may write only to that log group (no
 * managed policy). Callers add exactly the grants the handler uses.
 *
 * @example
 * const ingest = new PipelineFunction(this, 'Ingest', {
 *   handlerName: 'ingest', serviceName: 'ingest', description: 'POST /jobs', timeout: Duration.seconds(10),
 *   environment: { TABLE_NAME: table.tableName },
 * });
 * jobs.grantJobStore(ingest.function);
 */
export class PipelineFunction extends Construct {
  /** The function. */
  public readonly function: NodejsFunction;
  /** Its execution role. */
  public readonly role: Role;
  /** Its log group. */
  public readonly logGroup: LogGroup;

  public constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);
    validate(id, props);
    const environment = {
      ...props.environment,
      POWERTOOLS_SERVICE_NAME: props.serviceName,
      POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
      // Stack traces point into functions/ rather than the minified bundle, at a cost at every cold start.
      ...(props.sourceMaps === true ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
    };
    checkEnvironmentSize(id, environment);

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.serviceName}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(HANDLERS_DIR, `${props.handlerName}.ts`),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      runtime: FUNCTION_RUNTIME,
      architecture: Architecture.ARM_64,
      description: props.description,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      retryAttempts: props.retryAttempts,
      recursiveLoop: props.recursiveLoop,
      role: this.role,
      logGroup: this.logGroup,
      environment,
      bundling: {
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        target: BUNDLE_TARGET,
        // ES modules tree-shake (the SDK clients and zod/mini keep only what is
        // used) and load faster than the same code as CommonJS. No dependency
        // calls `require` at run time, so no `createRequire` banner is needed:
        // the bundles test loads every bundle and would fail on one.
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        esbuildArgs: {
          // esbuild's default when bundling, said out loud: the bundle size goal depends on it.
          '--tree-shaking': 'true',
          // Lambda always puts the role's credentials in the environment, the first place the
          // SDK's default chain looks: the rest of the chain (about 130 KB) never runs there.
          '--alias': `@aws-sdk/credential-provider-node=${ENVIRONMENT_CREDENTIALS_MODULE}`,
        },
        bundleAwsSDK: true,
        forceDockerBundling: false,
        logLevel: LogLevel.ERROR,
        ...(props.files === undefined ? {} : { commandHooks: this.filesBeside(props.files) }),
      },
    });
  }

  /**
   * Writes the files into the cloud assembly (so they go when it goes) and
   * copies them beside the bundle once esbuild has written it.
   */
  private filesBeside(files: Readonly<Record<string, string>>): ICommandHooks {
    const stage = Stage.of(this);
    if (stage === undefined) throw new ConfigError(`PipelineFunction ${this.node.id}: files need an App to write its cloud assembly into`);
    const folder = path.join(stage.assetOutdir, `files-${Names.uniqueId(this)}`);
    mkdirSync(folder, { recursive: true });
    const names = Object.keys(files);
    for (const name of names) writeFileSync(path.join(folder, name), files[name] ?? '');
    return {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (_inputDir, outputDir) => names.map((name) => `cp "${path.join(folder, name)}" "${path.join(outputDir, name)}"`),
    };
  }
}

function validate(id: string, props: PipelineFunctionProps): void {
  for (const name of Object.keys(props.files ?? {})) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new ConfigError(`PipelineFunction ${id}: file name "${name}" must be a plain name of letters, digits, ".", "_" or "-"`);
  }
  if (!/^[a-z][a-z0-9-]*$/.test(props.handlerName)) {
    throw new ConfigError(
      `PipelineFunction ${id}: handlerName must name a file under functions/handlers without .ts, e.g. "ingest"; got "${props.handlerName}"`,
    );
  }
  const timeout = props.timeout.toSeconds();
  if (timeout < 1 || timeout > 900) {
    throw new ConfigError(`PipelineFunction ${id}: timeout must be 1 s to 15 min; got ${timeout} s`);
  }
  const memory = props.memorySize ?? 256;
  if (!Number.isInteger(memory) || memory < 128 || memory > 10_240) {
    throw new ConfigError(`PipelineFunction ${id}: memorySize must be a whole number of MB from 128 to 10240; got ${memory}`);
  }
  const reserved = props.reservedConcurrentExecutions;
  if (reserved !== undefined && (!Number.isInteger(reserved) || reserved < 0 || reserved > 1000)) {
    throw new ConfigError(`PipelineFunction ${id}: reservedConcurrentExecutions must be 0–1000; got ${reserved}`);
  }
}

/** Fails at synth, not at deploy, when the environment would exceed Lambda's 4 KB. */
function checkEnvironmentSize(id: string, environment: Record<string, string>): void {
  const sizes = Object.entries(environment).map(([name, value]) => ({
    name,
    bytes: Buffer.byteLength(name) + (Token.isUnresolved(value) ? UNRESOLVED_VALUE_BYTES : Buffer.byteLength(value)),
  }));
  const total = sizes.reduce((sum, entry) => sum + entry.bytes, 0);
  if (total > MAX_ENVIRONMENT_BYTES) {
    const largest = [...sizes].sort((a, b) => b.bytes - a.bytes)[0];
    throw new ConfigError(
      `PipelineFunction ${id}: its environment is about ${total} bytes, over Lambda's ${MAX_ENVIRONMENT_BYTES}; ` +
        `the largest is ${largest?.name} (${largest?.bytes} bytes). Fix: for QUEUE_SETTINGS shorten the entry's description ` +
        'and reason; QUEUES grows by about 170 bytes per catalog entry, so a much larger catalog needs the settings moved out of the environment',
    );
  }
}
