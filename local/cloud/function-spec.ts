/** What the Lambda host runs (`FunctionSpec`, from the template) and how (`FunctionHostOptions`). Types only. */
import type { UsageRecorder } from './meter';

/** One function as the host runs it. */
export interface FunctionSpec {
  /** The function's name, as `Ref` gives it. */
  readonly name: string;
  readonly arn: string;
  /** Absolute directory of the bundle. */
  readonly assetDir: string;
  readonly handler: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** Reserved concurrency: a hard cap, beyond which invocations are throttled. */
  readonly reservedConcurrency?: number;
  /**
   * Instances started with the cloud (`FunctionHost.provision`) and kept while it runs, as Lambda keeps
   * an alias's provisioned concurrency initialized. @default - none
   */
  readonly provisionedConcurrency?: number;
  /** The aliases and published versions the function can be invoked through, each with the version it runs, e.g. `{ live: '1', '1': '1' }`. @default - none */
  readonly qualifiers?: Readonly<Record<string, string>>;
  /** The complete environment of each instance. */
  readonly environment: Readonly<Record<string, string>>;
  /** The short name logs are prefixed with, e.g. `ingest`. */
  readonly label: string;
}

/** How the host runs instances. */
export interface FunctionHostOptions {
  /** Most instances of a function without reserved concurrency; more invocations wait. @default 10 */
  readonly localConcurrencyCap?: number;
  /** An idle on-demand instance is stopped after this long, as Lambda recycles them; provisioned ones stay. @default 600000 */
  readonly idleTimeoutMs?: number;
  /**
   * Where lines go: the host's own (`[label] cold start: …`) and the function's output, one short line per event
   * (`12:01:02.345 label INFO message key=value`, see `displayLogLine`). @default console.log
   */
  readonly log?: (line: string) => void;
  /** Told of each invocation's billed time and of the bytes the function logs. @default - not metered */
  readonly meter?: Pick<UsageRecorder, 'lambdaInvocation' | 'logBytes'>;
}
