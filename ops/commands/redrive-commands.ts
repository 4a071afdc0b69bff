import { Option, type Command } from 'commander';
import type { AdminApi } from '../admin-api';
import { jobIds, wholeNumber } from '../arguments';
import { OpsError } from '../errors';
import { progressLine } from '../format/views';
import type { OpsIo } from '../io';
import { expectOk, globalsOf, print, segment, type CommandKit } from './command-kit';

/** How often a running redrive's progress is read. */
export const PROGRESS_POLL_MS = 1000;

const ACTIVE = new Set(['RUNNING', 'CANCELLING']);

/** Follows a move task until it ends, showing its progress; resolves to its last status answer. */
export async function followRedrive(api: AdminApi, io: OpsIo, queue: string, quiet: boolean): Promise<Record<string, unknown>> {
  for (;;) {
    const status = expectOk(await api.request('GET', `/admin/queues/${segment(queue)}/redrive`));
    const task = status.task as Record<string, unknown> | null | undefined;
    if (!quiet) io.progress(progressLine(queue, task));
    if (task === null || task === undefined || !ACTIVE.has(String(task.status))) {
      if (!quiet) io.endProgress();
      return status;
    }
    await io.sleep(PROGRESS_POLL_MS);
  }
}

/** `redrive <queue> (--all | --ids a,b) [--rate n]`, `retry <job>` and `purge <queue>`. */
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
          return [`moved ${jobs.length} jobs back to work:`, ...jobs.map((job) => `  ${job.job_id} → ${job.lane}`)].join('\n');
        });
        return;
      }
      const started = expectOk(await api.request('POST', path, { body: { all: true, ...(options.rate === undefined ? {} : { max_per_second: options.rate }) } }));
      if (globals.json !== true) kit.io.out(`moving about ${String(started.dlq)} dead-lettered jobs to the ${String(started.destination_lane)} lane`);
      const final = await followRedrive(api, kit.io, queue, globals.json === true);
      if (globals.json === true) kit.io.out(JSON.stringify({ ok: true, started, status: final }, null, 2));
      const status = (final.task as { status?: unknown } | null)?.status;
      if (status !== 'COMPLETED') throw new OpsError(`the redrive ended ${String(status ?? 'without a task')}`);
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
      print(kit.io, globals, purged, (body) => `purged the DLQ of ${queue}; ${String(body.marked)} failed jobs marked as purged`);
    });
}
