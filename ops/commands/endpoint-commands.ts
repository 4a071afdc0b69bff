import { Argument, Option, type Command } from 'commander';
import { CIRCUIT_BOUNDS } from '../../functions/core/endpoint';
import { endpointId, header, httpUrl, partnerName, userId, wholeNumber } from '../arguments';
import { endpointAdded, endpointDetail, endpointsTable } from '../format/endpoint-views';
import { expectOk, globalsOf, print, segment, type CommandKit } from './command-kit';

/** The circuit options of `endpoint-add` and `endpoint-change`. */
export interface CircuitOptions {
  readonly failureThreshold?: number;
  readonly cooldown?: number;
}

/** The `circuit` field of a request: only the settings given, none when neither is (the API keeps or defaults the rest). */
export function circuitOf(options: CircuitOptions): { circuit?: { failure_threshold?: number; cooldown_seconds?: number } } {
  if (options.failureThreshold === undefined && options.cooldown === undefined) return {};
  return {
    circuit: {
      ...(options.failureThreshold === undefined ? {} : { failure_threshold: options.failureThreshold }),
      ...(options.cooldown === undefined ? {} : { cooldown_seconds: options.cooldown }),
    },
  };
}

/** `--failure-threshold <n>` within the API's bounds. */
export const failureThresholdOption = (): Option =>
  new Option('--failure-threshold <n>', `retryable failures in a row that open the circuit (${CIRCUIT_BOUNDS.failureThreshold.min}–${CIRCUIT_BOUNDS.failureThreshold.max})`).argParser(
    wholeNumber('--failure-threshold', CIRCUIT_BOUNDS.failureThreshold.min, CIRCUIT_BOUNDS.failureThreshold.max),
  );

/** `--cooldown <seconds>` within the API's bounds. */
export const cooldownOption = (): Option =>
  new Option('--cooldown <seconds>', `how long an open circuit waits before one probe (${CIRCUIT_BOUNDS.cooldownSeconds.min}–${CIRCUIT_BOUNDS.cooldownSeconds.max} s)`).argParser(
    wholeNumber('--cooldown', CIRCUIT_BOUNDS.cooldownSeconds.min, CIRCUIT_BOUNDS.cooldownSeconds.max),
  );

/** `--header 'Name: value'`, repeatable. */
export const headerOption = (): Option =>
  new Option('--header <header>', "a static header sent with every delivery, as 'Name: value' (repeat for more)").argParser(header);

/** Reads a JSON answer's `endpoint` object. */
export const endpointOf = (body: Record<string, unknown>): Record<string, unknown> =>
  typeof body.endpoint === 'object' && body.endpoint !== null ? (body.endpoint as Record<string, unknown>) : {};

/** `--json` output of an endpoint without its secret. */
function withoutSecret(body: Record<string, unknown>): Record<string, unknown> {
  const { secret: _secret, ...endpoint } = endpointOf(body);
  return { ...body, endpoint };
}

/** `endpoints`, `endpoint <id>` and `endpoint-add`: the relay's delivery endpoints. */
export function addEndpointCommands(program: Command, kit: CommandKit): void {
  program
    .command('endpoints')
    .description('registered delivery endpoints: user, URL, body format, enabled, circuit state')
    .option('--user <id>', "only this user's endpoints", userId)
    .option('--limit <n>', 'endpoints per page (1–100)', wholeNumber('--limit', 1, 100))
    .option('--cursor <cursor>', 'the next page, as the previous one printed it')
    .action(async (options: { user?: string; limit?: number; cursor?: string }, command: Command) => {
      const globals = globalsOf(command);
      const api = await kit.connect(globals);
      const answer = await api.request('GET', '/admin/endpoints', {
        query: { user_id: options.user, limit: options.limit === undefined ? undefined : String(options.limit), cursor: options.cursor },
      });
      print(kit.io, globals, expectOk(answer), (body) => endpointsTable(body, options));
    });

  program
    .command('endpoint')
    .addArgument(new Argument('<id>', 'the endpoint id').argParser(endpointId))
    .description('one endpoint: URL, headers, inbound URL, circuit, last failure, counts (the secret only with --show-secret)')
    .option('--show-secret', 'also print the signing secret and the static header values')
    .action(async (id: string, options: { showSecret?: boolean }, command: Command) => {
      const globals = globalsOf(command);
      const api = await kit.connect(globals);
      const answer = expectOk(await api.request('GET', `/admin/endpoints/${segment(id)}`));
      const shown = options.showSecret === true ? answer : withoutSecret(answer);
      print(kit.io, globals, shown, () => endpointDetail(endpointOf(answer), { showSecret: options.showSecret === true }));
    });

  program
    .command('endpoint-add')
    .description("register a user's app as an endpoint; prints its secret (store it) and its inbound URL (paste it into Daraja)")
    .addOption(new Option('--user <id>', 'the user the endpoint belongs to').argParser(userId).makeOptionMandatory())
    .addOption(new Option('--url <url>', "where deliveries go (the user's app)").argParser(httpUrl).makeOptionMandatory())
    .option('--description <text>', 'a note for operators')
    .addOption(partnerOption())
    .addOption(headerOption())
    .option('--raw', 'deliver the original payload byte for byte instead of the job envelope')
    .addOption(failureThresholdOption())
    .addOption(cooldownOption())
    .action(async (options: { user: string; url: string; description?: string; partner?: string; header?: Record<string, string>; raw?: boolean } & CircuitOptions, command: Command) => {
      const globals = globalsOf(command);
      const api = await kit.connect(globals);
      const answer = await api.request('POST', '/admin/endpoints', {
        body: {
          user_id: options.user,
          url: options.url,
          ...(options.description === undefined ? {} : { description: options.description }),
          ...(options.partner === undefined ? {} : { partner: options.partner }),
          ...(options.header === undefined ? {} : { headers: options.header }),
          ...(options.raw === true ? { body: 'raw' } : {}),
          ...circuitOf(options),
        },
      });
      print(kit.io, globals, expectOk(answer), (body) => endpointAdded(endpointOf(body)));
    });
}

/** `--partner <name>`: the API-key partner whose jobs may name the endpoint. */
export function partnerOption(): Option {
  return new Option('--partner <name>', "the partner whose jobs may name this endpoint (without one, only its inbound callbacks reach it)").argParser(partnerName);
}
