/** The `cdk synth` command line `npm start` runs, and what it reads from it. */
export interface SynthArguments {
  /** Arguments after `cdk`: `synth --quiet --no-notices`, the user's, then the local defaults the user did not set. */
  readonly args: string[];
  /** Every context value given, the defaults included. */
  readonly context: Readonly<Record<string, string>>;
  /** Where the cloud assembly is written (`-o`), relative to the project. */
  readonly outdir: string;
}

/** What the local run sets unless the user does. */
export interface LocalDefaults {
  /** The built-in receiver's URL, for queues given no `targets.<queue>`. */
  readonly defaultTarget: string;
}

/** The partner a local run has unless `-c partners=…` is given. */
export const DEFAULT_LOCAL_PARTNER = 'local';

/**
 * Builds the `cdk synth` arguments of a local run from what the user passed
 * after `npm start --` (every argument passes through as given) and the local
 * defaults, each added only when the user set no value for its key:
 * `defaultTarget` (the receiver), `allowLoopbackTargets=true` (the receiver and
 * local targets are on loopback) and `partners=local`.
 *
 * @example
 * synthArguments(['-c', 'partners=acme'], { defaultTarget: 'http://127.0.0.1:4000/deliveries' }).args;
 * // ['synth', '--quiet', '--no-notices', '-c', 'partners=acme', '-c', 'defaultTarget=http://…', '-c', 'allowLoopbackTargets=true']
 */
export function synthArguments(userArgs: readonly string[], defaults: LocalDefaults): SynthArguments {
  const context: Record<string, string> = {};
  let outdir = 'cdk.out';
  for (let index = 0; index < userArgs.length; index++) {
    const arg = userArgs[index] ?? '';
    const next = userArgs[index + 1];
    let pair: string | undefined;
    if ((arg === '-c' || arg === '--context') && next !== undefined) {
      pair = next;
      index++;
    } else if (arg.startsWith('--context=')) {
      pair = arg.slice('--context='.length);
    } else if ((arg === '-o' || arg === '--output') && next !== undefined) {
      outdir = next;
      index++;
    } else if (arg.startsWith('--output=')) {
      outdir = arg.slice('--output='.length);
    }
    if (pair === undefined) continue;
    const equals = pair.indexOf('=');
    if (equals > 0) context[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  const added: [string, string][] = [
    ['defaultTarget', defaults.defaultTarget],
    ['allowLoopbackTargets', 'true'],
    ['partners', DEFAULT_LOCAL_PARTNER],
  ];
  // No notices: they are fetched from the network, and a local run needs none.
  const args = ['synth', '--quiet', '--no-notices', ...userArgs];
  for (const [key, value] of added) {
    if (context[key] !== undefined) continue;
    context[key] = value;
    args.push('-c', `${key}=${value}`);
  }
  return { args, context, outdir };
}
