import { Argument, type Command } from 'commander';
import { FAILURE_CATEGORIES } from '../../functions/core/failure';
import { jobId, wholeNumber } from '../arguments';
import { jobDetail } from '../format/job-detail';
import { failedTable, metricsTable, queuesTable, statusTable } from '../format/views';
import { expectOk, globalsOf, print, segment, type CommandKit } from './command-kit';

/** `queues`, `status`, `metrics <queue>`, `failed <queue>` and `job <id>`: reading, never changing. */
export function addReadCommands(program: Command, kit: CommandKit): void {
  program
    .command('queues')
    .description('every queue and lane: waiting, active, delayed, 24 h counts, DLQ depth, paused')
    .action(async (_options: object, command: Command) => {
      const globals = globalsOf(command);
      const api = await kit.connect(globals);
      print(kit.io, globals, expectOk(await api.request('GET', '/admin/queues')), queuesTable);
    });

  program
    .command('status')
    .description("GET /queue/status: each queue's counts (waiting, active, delayed, done and failed in 24 h, DLQ, total) and how old they are")
    .action(async (_options: object, command: Command) => {
      const globals = globalsOf(command);
      const api = await kit.connect(globals);
      print(kit.io, globals, expectOk(await api.request('GET', '/queue/status')), statusTable);
    });

  program
    .command('metrics <queue>')
    .description('per-minute completed, failed, retried, dead-lettered and mean processing time')
    .option('--minutes <n>', 'how many minutes back (1–1440)', wholeNumber('--minutes', 1, 1440), 60)
    .action(async (queue: string, options: { minutes: number }, command: Command) => {
      const globals = globalsOf(command);
      const api = await kit.connect(globals);
      const answer = await api.request('GET', `/admin/queues/${segment(queue)}/metrics`, { query: { minutes: String(options.minutes) } });
      print(kit.io, globals, expectOk(answer), metricsTable);
    });

  program
    .command('failed <queue>')
    .description("the queue's failed jobs still in its DLQ, newest first, with their reasons")
    .option('--category <category>', `only this failure category (${FAILURE_CATEGORIES.join(', ')})`)
    .option('--limit <n>', 'jobs per page (1–100)', wholeNumber('--limit', 1, 100), 25)
    .option('--cursor <cursor>', 'the next page, as the previous one printed it')
    .action(async (queue: string, options: { category?: string; limit: number; cursor?: string }, command: Command) => {
      const globals = globalsOf(command);
      const api = await kit.connect(globals);
      const answer = await api.request('GET', `/admin/queues/${segment(queue)}/failed`, {
        query: { limit: String(options.limit), category: options.category, cursor: options.cursor },
      });
      print(kit.io, globals, expectOk(answer), (body) => failedTable(body, queue));
    });

  program
    .command('job')
    .addArgument(new Argument('<id>', 'the job id').argParser(jobId))
    .description("one job, whoever its partner: status, attempts, error, result and each attempt's outcome")
    .action(async (id: string, _options: object, command: Command) => {
      const globals = globalsOf(command);
      const api = await kit.connect(globals);
      print(kit.io, globals, expectOk(await api.request('GET', `/admin/jobs/${segment(id)}`)), jobDetail);
    });
}
