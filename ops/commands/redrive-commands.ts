import { Option, type Command } from 'commander';
import { counted } from '../../functions/core/wording';
import type { AdminApi } from '../admin-api';
import { jobIds, wholeNumber } from '../arguments';
import { OpsError } from '../errors';
import { progressLine } from '../format/views';
import type { OpsIo } from '../io';
import { expectOk, globalsOf, print, segment, type CommandKit } from './command-kit';

/** How often `redrive --all` reads its running task's progress. */
export const PROGRESS_POLL_MS = 1000;

/** How often `redrive-status --watch` reads the task's progress. */
export const WATCH_POLL_MS = 2000;

const ACTIVE = new Set(['RUNNING', 'CANCELLING']);

/** How {@link followRedrive} follows a task. */
export interface FollowOptions {
  /** Show no progress (for `--json`). */
  readonly quiet: boolean;
  /** @default PROGRESS_POLL_MS */
  readonly pollMs?: number;
}

/**
 * Follows a move task until it ends, showing a progress line each time it
 * changes; resolves to its last status answer (`{ queue, dlq, task }`).
 */
export async function followRedrive(api: AdminApi, io: OpsIo, queue: string, options: FollowOptions): Promise<Record<string, unknown>> {
  let shown: string | undefined;
  for (;;) {
    const status = expectOk(await api.request('GET', `/admin/queues/${segment(queue)}/redrive`));
    const task = status.task as Record<string, unknown> | null | undefined;
    const line = progressLine(queue, task);
    if (!options.quiet && line !== shown) io.progress(line);
    shown = line;
    if (task === null || task === undefined || !ACTIVE.has(String(task.status))) {
      if (!options.quiet) io.endProgress();
      return status;
    }
    await io.sleep(options.pollMs ?? PROGRESS_POLL_MS);
  }
}

/** The status a task ended with, or undefined when no redrive has run. */
const endedWith = (status: Record<string, unknown>): unknown => (status.task as { status?: unknown } | null | undefined)?.status;

/** `redrive <queue> (--all | --ids a,b) [--rate n]`, `redrive-status <queue> [--watch]`, `retry <job>` and `purge <queue>`. */
export function addRedriveCommands(program: Command, kit: CommandKit): void {
  program
    .command('redrive <queue>')
    .description("put dead-lettered jobs back to work: all of them (SQS's move task, with a live progress line) or the ones named")
    .addOption(new Option('--all', 'every job in the DLQ').conflicts('ids'))
    .addOption(new Option('--ids <ids>', 'comma-separated job ids (each goes back to its own lane)').argParser(jobIds))
    .option('--rate <n>', 'with --all: most messages moved per second (1–500)', wholeNumber('--rate', 1, 500))
    .action(async (queue: string, options: { all?: boolean; ids?: string[]; rate?: number }, command: Command) => {
      if (options.all !== true && options.ids === undefined) throw new OpsError('say what to redrive: --all, or --ids a,b');
      if (options.rate !== undefined && options.all !== true) throw new OpsError('--rate applies to --all only');
      const globals = globalsOf(command);
      const api = await kit.connect(globals);
      const path = `/admin/queues/${segment(queue)}/redrive`;
      if (options.ids !== undefined) {
        const moved = expectOk(await api.request('POST', path, { body: { job_ids: options.ids } }));
        print(kit.io, globals, moved, (body) => {
          const jobs = Array.isArray(body.moved) ? (body.moved as { job_id: string; lane: string }[]) : [];
          return [`moved ${counted(jobs.length, 'job')} back to work:`, ...jobs.map((job) => `  ${job.job_id} → ${job.lane}`)].join('\n');
        });
        return;
      }
      const started = expectOk(await api.request('POST', path, { body: { all: true, ...(options.rate === undefined ? {} : { max_per_second: options.rate }) } }));
      if (globals.json !== true) kit.io.out(`moving ${typeof started.dlq === 'number' ? `about ${counted(started.dlq, 'dead-lettered job')}` : 'the dead-lettered jobs'} to the ${String(started.destination_lane)} lane`);
      const final = await followRedrive(api, kit.io, queue, { quiet: globals.json === true });
      if (globals.json === true) kit.io.out(JSON.stringify({ ok: true, started, status: final }, null, 2));
      const status = endedWith(final);
      if (status !== 'COMPLETED') throw new OpsError(`the redrive ended ${String(status ?? 'without a task')}`);
    });

  program
    .command('redrive-status <queue>')
    .description("the queue's latest redrive (SQS move task): status, moved of total, and the DLQ's depth now")
    .option('--watch', `read it again every ${WATCH_POLL_MS / 1000} s until the task ends, one line per change`)
    .action(async (queue: string, options: { watch?: boolean }, command: Command) => {
      const globals = globalsOf(command);
      const api = await kit.connect(globals);
      if (options.watch !== true) {
        const status = expectOk(await api.request('GET', `/admin/queues/${segment(queue)}/redrive`));
        print(kit.io, globals, status, (body) => redriveStatusText(queue, body));
        return;
      }
      const final = await followRedrive(api, kit.io, queue, { quiet: globals.json === true, pollMs: WATCH_POLL_MS });
      if (globals.json === true) kit.io.out(JSON.stringify(final, null, 2));
      else kit.io.out(dlqLine(final));
      const status = endedWith(final);
      if (status !== undefined && status !== 'COMPLETED') throw new OpsError(`the redrive ended ${String(status)}`);
    });

  program
    .command('retry <job>')
    .description('one failed job back to work')
    .action(async (job: string, _options: object, command: Command) => {
      const globals = globalsOf(command);
      const api = await kit.connect(globals);
      const answer = expectOk(await api.request('POST', `/admin/jobs/${segment(job)}/retry`));
      print(kit.io, globals, answer, (body) => `job ${String(body.job_id)} is back on ${String(body.queue)} (${String(body.lane)} lane)`);
    });

  program
    .command('purge <queue>')
    .description('delete every message in the DLQ (asks first)')
    .option('--yes', 'do not ask (for scripts)')
    .action(async (queue: string, options: { yes?: boolean }, command: Command) => {
      const globals = globalsOf(command);
      if (options.yes !== true) {
        if (!kit.io.interactive) throw new OpsError('purge deletes every dead-lettered job of the queue; without a terminal to confirm on, pass --yes');
        const answer = await kit.io.ask(`This deletes every message in the dead-letter queue of "${queue}". Type the queue name to confirm: `);
        if (answer.trim() !== queue) throw new OpsError('not confirmed; nothing was purged');
      }
      const api = await kit.connect(globals);
      const purged = expectOk(await api.request('DELETE', `/admin/queues/${segment(queue)}/dlq`, { query: { confirm: queue } }));
      print(kit.io, globals, purged, (body) => `purged the DLQ of ${queue}; ${typeof body.marked === 'number' ? counted(body.marked, 'failed job') : 'its failed jobs'} marked as purged`);
    });
}

/** The DLQ's depth as `GET /admin/queues/{queue}/redrive` gives it. */
function dlqLine(status: Record<string, unknown>): string {
  return typeof status.dlq === 'number' ? `dead-letter queue: ${counted(status.dlq, 'message')} now` : 'dead-letter queue: depth unknown';
}

/** `redrive-status` without `--watch`: the task's line and the DLQ's depth. */
function redriveStatusText(queue: string, status: Record<string, unknown>): string {
  return [progressLine(queue, status.task as Record<string, unknown> | null | undefined), dlqLine(status)].join('\n');
}
