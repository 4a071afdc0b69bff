import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { LocalCloudError } from '../errors';

/** How to run `cdk synth`. */
export interface SynthOptions {
  /** The project root (where `cdk.json` is). */
  readonly cwd: string;
  /** Arguments after `cdk`, e.g. from `synthArguments`. */
  readonly args: readonly string[];
  /** Told of each asset being bundled, with how many so far. */
  readonly onProgress?: (step: string, count: number) => void;
  /** Stops the CLI (and fails the synth) when aborted. */
  readonly signal?: AbortSignal;
}

/** How many output lines are kept to explain a failed synth. */
const KEPT_LINES = 200;

/**
 * Runs the project's pinned CDK CLI (the `aws-cdk` package in its
 * `node_modules`, as `npx cdk` would) with `args`, reporting each bundled
 * asset as progress. Its output is kept, and shown only if it fails. The
 * template is the one `cdk synth` writes; only CDK's own template validation
 * is skipped unless `CDK_VALIDATION` says otherwise (cdk-nag, in the app, runs).
 *
 * @throws LocalCloudError with the CLI's output when the synth fails
 * @example
 * await synthesize({ cwd: projectRoot, args: ['synth', '--quiet'], onProgress: (step) => console.log(step) });
 */
export async function synthesize(options: SynthOptions): Promise<void> {
  const require = createRequire(join(options.cwd, 'package.json'));
  const cli = join(dirname(require.resolve('aws-cdk/package.json')), 'bin', 'cdk');
  const child = spawn(process.execPath, [cli, ...options.args], {
    cwd: options.cwd,
    env: {
      ...process.env,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // A local run makes no network calls of its own: no version check, no telemetry.
      CDK_DISABLE_VERSION_CHECK: 'true',
      CDK_DISABLE_CLI_TELEMETRY: 'true',
      // CDK's built-in CloudFormation validation only reports on the template, never changes it, and is
      // about a third of the synth time here; `npm run synth` and CI keep it. Set CDK_VALIDATION=true to keep it locally.
      CDK_VALIDATION: process.env.CDK_VALIDATION ?? 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const lines: string[] = [];
  let bundled = 0;
  const collect = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      lines.push(line);
      const asset = /^Bundling asset (\S+?)(?:\/Code\/Stage)?\.\.\.$/.exec(line.trim());
      if (asset?.[1] !== undefined) options.onProgress?.(`bundling ${asset[1]}`, ++bundled);
    }
    lines.splice(0, Math.max(0, lines.length - KEPT_LINES));
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) {
    throw new LocalCloudError(`cdk ${options.args.join(' ')} failed (exit code ${code}):\n${lines.join('\n')}`, {
      context: { exitCode: code },
    });
  }
}
