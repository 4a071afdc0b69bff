import { Option, type Command } from 'commander';
import { counted } from '../../functions/core/wording';
import { hours } from '../arguments';
import { expectOk, globalsOf, print, segment, type CommandKit } from './command-kit';

/** `pause <queue>`, `resume <queue>` and `clean <queue> --state … --older-than …`. */
export function addControlCommands(program: Command, kit: CommandKit): void {
  for (const [name, description] of [
    ['pause', "pause the queue (kept in the jobs table, so a deploy cannot undo it) and stop its consumer: jobs wait in the queue"],
    ['resume', "start the queue's consumer again"],
  ] as const) {
    program
      .command(`${name} <queue>`)
      .description(description)
      .action(async (queue: string, _options: object, command: Command) => {
        const globals = globalsOf(command);
        const api = await kit.connect(globals);
        const answer = expectOk(await api.request('POST', `/admin/queues/${segment(queue)}/${name}`));
        print(kit.io, globals, answer, (body) => switchedText(queue, body));
      });
  }

  program
    .command('clean <queue>')
    .description('delete job records in a state older than a number of hours')
    .addOption(new Option('--state <state>', 'which records').choices(['completed', 'failed', 'cancelled']).makeOptionMandatory())
    .addOption(new Option('--older-than <hours>', 'last changed more than this many hours ago').argParser(hours).makeOptionMandatory())
    .action(async (queue: string, options: { state: string; olderThan: number }, command: Command) => {
      const globals = globalsOf(command);
      const api = await kit.connect(globals);
      const answer = expectOk(
        await api.request('POST', `/admin/queues/${segment(queue)}/clean`, { body: { state: options.state, older_than_hours: options.olderThan } }),
      );
      print(kit.io, globals, answer, (body) =>
        `deleted ${typeof body.deleted === 'number' ? counted(body.deleted, `${options.state} record`) : `the ${options.state} records`} of ${queue} older than ${counted(options.olderThan, 'hour')}`);
    });
}

/** A mapping as the pause and resume routes report it. */
interface MappingView {
  readonly uuid?: string;
  readonly lane?: string | null;
  readonly state?: string;
}

/**
 * What pause or resume did, the queue's state first, then each mapping's
 * lane and Lambda's answer, said apart: `email is paused (lane default:
 * mapping disabling)`.
 */
export function switchedText(queue: string, body: Record<string, unknown>): string {
  const mappings = Array.isArray(body.mappings) ? (body.mappings as MappingView[]) : [];
  const states = mappings.map((mapping) => {
    const state = (mapping.state ?? 'state unknown').toLowerCase();
    return typeof mapping.lane === 'string' ? `lane ${mapping.lane}: mapping ${state}` : `mapping ${mapping.uuid ?? '?'} on no lane of ${queue}: ${state}`;
  });
  return `${queue} is ${body.paused === true ? 'paused' : 'running'} (${states.length === 0 ? 'its consumer has no event source mappings' : states.join('; ')})`;
}
