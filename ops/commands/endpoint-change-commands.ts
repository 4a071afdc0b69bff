import { Argument, Option, type Command } from 'commander';
import { endpointId, httpUrl } from '../arguments';
import { OpsError } from '../errors';
import { endpointChanged, secretRotated, tokenRotated } from '../format/endpoint-views';
import { expectOk, globalsOf, print, segment, type CommandKit } from './command-kit';
import { circuitOf, cooldownOption, endpointOf, failureThresholdOption, headerOption, partnerOption, type CircuitOptions } from './endpoint-commands';

/** What `endpoint-change` was given. */
interface ChangeOptions extends CircuitOptions {
  readonly url?: string;
  readonly description?: string;
  /** A name with `--partner`, false with `--no-partner` (commander's negated option). */
  readonly partner?: string | false;
  readonly header?: Record<string, string>;
  /** False with `--no-headers` (commander's negated option), true otherwise. */
  readonly headers?: boolean;
  readonly raw?: boolean;
  readonly envelope?: boolean;
  readonly enable?: boolean;
  readonly disable?: boolean;
}

const CHANGE_OPTIONS = '--url, --description, --partner, --no-partner, --header, --no-headers, --raw, --envelope, --enable, --disable, --failure-threshold or --cooldown';

/** The `PATCH` body of the options given: only the fields they change. */
function patchOf(options: ChangeOptions): Record<string, unknown> {
  return {
    ...(options.url === undefined ? {} : { url: options.url }),
    ...(options.description === undefined ? {} : { description: options.description }),
    ...(options.partner === undefined ? {} : { partner: options.partner === false ? null : options.partner }),
    ...(options.header === undefined ? {} : { headers: options.header }),
    ...(options.headers === false ? { headers: {} } : {}),
    ...(options.raw === true ? { body: 'raw' } : options.envelope === true ? { body: 'envelope' } : {}),
    ...(options.enable === true ? { enabled: true } : options.disable === true ? { enabled: false } : {}),
    ...circuitOf(options),
  };
}

const idArgument = (): Argument => new Argument('<id>', 'the endpoint id').argParser(endpointId);

/** `endpoint-change <id> …`, `endpoint-rotate-secret <id>`, `endpoint-rotate-token <id>` and `endpoint-remove <id> --yes`. */
export function addEndpointChangeCommands(program: Command, kit: CommandKit): void {
  program
    .command('endpoint-change')
    .addArgument(idArgument())
    .description('change an endpoint: only the fields given')
    .addOption(new Option('--url <url>', 'a new delivery URL').argParser(httpUrl))
    .option('--description <text>', 'a new note for operators')
    .addOption(partnerOption())
    .option('--no-partner', 'no partner may name it: only its inbound callbacks reach it')
    .addOption(headerOption().conflicts('headers'))
    .option('--no-headers', 'remove every static header')
    .addOption(new Option('--raw', 'deliver the original payload byte for byte').conflicts('envelope'))
    .option('--envelope', 'deliver the job envelope')
    .addOption(new Option('--enable', 'enable it (this also closes its circuit)').conflicts('disable'))
    .option('--disable', 'disable it (its jobs fail with category endpoint_disabled)')
    .addOption(failureThresholdOption())
    .addOption(cooldownOption())
    .action(async (id: string, options: ChangeOptions, command: Command) => {
      const patch = patchOf(options);
      if (Object.keys(patch).length === 0) throw new OpsError(`say what to change: ${CHANGE_OPTIONS}; nothing was sent`);
      const globals = globalsOf(command);
      const api = await kit.connect(globals);
      const answer = expectOk(await api.request('PATCH', `/admin/endpoints/${segment(id)}`, { body: patch }));
      print(kit.io, globals, answer, (body) => endpointChanged(endpointOf(body), Object.keys(patch)));
    });

  program
    .command('endpoint-rotate-secret')
    .addArgument(idArgument())
    .description('a new signing secret; the previous one keeps signing beside it for 24 hours')
    .action(async (id: string, _options: object, command: Command) => {
      const globals = globalsOf(command);
      const api = await kit.connect(globals);
      const answer = expectOk(await api.request('POST', `/admin/endpoints/${segment(id)}/rotate-secret`));
      print(kit.io, globals, answer, (body) => secretRotated(endpointOf(body)));
    });

  program
    .command('endpoint-rotate-token')
    .addArgument(idArgument())
    .description('a new inbound URL; the previous one stops working at once')
    .action(async (id: string, _options: object, command: Command) => {
      const globals = globalsOf(command);
      const api = await kit.connect(globals);
      const answer = expectOk(await api.request('POST', `/admin/endpoints/${segment(id)}/rotate-token`));
      print(kit.io, globals, answer, (body) => tokenRotated(endpointOf(body)));
    });

  program
    .command('endpoint-remove')
    .addArgument(idArgument())
    .description('delete an endpoint for good (needs --yes)')
    .option('--yes', 'confirm the removal')
    .action(async (id: string, options: { yes?: boolean }, command: Command) => {
      if (options.yes !== true) {
        throw new OpsError(`endpoint-remove deletes endpoint ${id} for good: its URL, secret and inbound URL stop working. Pass --yes to remove it; nothing was removed`);
      }
      const globals = globalsOf(command);
      const api = await kit.connect(globals);
      const answer = expectOk(await api.request('DELETE', `/admin/endpoints/${segment(id)}`));
      print(kit.io, globals, answer, (body) => `removed endpoint ${String(body.endpoint_id ?? id)}`);
    });
}
