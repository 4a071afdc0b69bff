import { Command, CommanderError } from 'commander';
import type { AdminApi } from './admin-api';
import { addControlCommands } from './commands/control-commands';
import { addEndpointChangeCommands } from './commands/endpoint-change-commands';
import { addEndpointCommands } from './commands/endpoint-commands';
import type { GlobalOptions } from './commands/command-kit';
import { addReadCommands } from './commands/read-commands';
import { addRedriveCommands } from './commands/redrive-commands';
import { OpsError } from './errors';
import type { OpsIo } from './io';

/** The local cloud writes its API URL and admin credentials here. */
export const LOCAL_CLOUD_FILE = '.local-cloud.json';

/**
 * The ops CLI: `queues`, `status`, `metrics`, `failed`, `job`, `redrive`,
 * `redrive-status`, `retry`, `purge`, `pause`, `resume`, `clean`, and the
 * relay's `endpoints`, `endpoint`, `endpoint-add`, `endpoint-change`,
 * `endpoint-rotate-secret`, `endpoint-rotate-token`, `endpoint-remove`; each
 * signed with SigV4 against the admin routes.
 * `connect` is called once a command's arguments are known to be good.
 */
export function buildProgram(io: OpsIo, connect: (options: GlobalOptions) => Promise<AdminApi>): Command {
  const program = new Command('ops')
    .description('operate the job pipeline: queues, jobs, failed jobs, redrive, pause / resume, clean, and the relay\'s endpoints')
    .option('--api-url <url>', 'the API (with its stage); signs with your AWS credentials (default: the local cloud, from --config)')
    .option('--region <region>', 'the API region (default: AWS_REGION, or from the URL)')
    .option('--config <path>', "the local cloud's file", LOCAL_CLOUD_FILE)
    .option('--json', 'print JSON, for scripts')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text.trimEnd()), writeErr: (text) => io.err(text.trimEnd()) });
  const kit = { io, connect };
  addReadCommands(program, kit);
  addRedriveCommands(program, kit);
  addControlCommands(program, kit);
  addEndpointCommands(program, kit);
  addEndpointChangeCommands(program, kit);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/**
 * Runs the CLI on arguments (without `node` and the script) and resolves to
 * the exit code: 0 when the command did what it said, 1 otherwise, with the
 * reason on standard error.
 *
 * @example
 * process.exitCode = await runOps(process.argv.slice(2), terminalIo(), connect);
 */
export async function runOps(argv: readonly string[], io: OpsIo, connect: (options: GlobalOptions) => Promise<AdminApi>): Promise<number> {
  try {
    await buildProgram(io, connect).parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 1;
    if (error instanceof OpsError) {
      io.err(`error: ${error.message}`);
      return 1;
    }
    io.err(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
