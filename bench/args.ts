import { BENCH_ERROR, BenchError } from './errors';

/** Every scenario, in the order a run takes them. */
export const SCENARIOS = ['floor', 'ingest', 'batch-ingest', 'drain', 'priority', 'concurrency', 'rate-limited', 'cost', 'bundles'] as const;

/** One scenario's name. */
export type ScenarioName = (typeof SCENARIOS)[number];

/** The scenarios that also run against the BullMQ baseline with `--against bullmq`. */
export const BASELINE_SCENARIOS: readonly ScenarioName[] = ['ingest', 'batch-ingest', 'drain', 'priority', 'concurrency', 'rate-limited'];

/** What a run was asked to do. */
export interface BenchOptions {
  /** One JSON object per line on stdout, nothing else there. */
  readonly json: boolean;
  /** The scenarios to run, in run order. */
  readonly only: readonly ScenarioName[];
  /** Jobs of the ingest, batch-ingest and priority backlogs. */
  readonly jobs: number;
  /** The baseline to run beside the pipeline, if any. */
  readonly against?: 'bullmq';
  /** Show the usage and stop. */
  readonly help: boolean;
}

/** The usage text `--help` prints. */
export const USAGE = `usage: npm run bench -- [--json] [--only scenario,…] [--jobs N] [--against bullmq]

  --json            one JSON object per scenario on stdout, one per line
  --only a,b        run only these scenarios (${SCENARIOS.join(', ')})
  --jobs N          jobs per ingest run and in the priority backlog (default 2000)
  --against bullmq  run the same load against BullMQ on a local redis-server, side by side`;

const DEFAULT_JOBS = 2000;
const MAX_JOBS = 100_000;

/**
 * Reads the bench's command line (what follows `npm run bench --`).
 *
 * @throws BenchError with code `usage` for an unknown flag or scenario, or a bad number
 * @example
 * parseBenchArgs(['--only', 'ingest,drain', '--jobs', '500']);
 * // { json: false, only: ['ingest', 'drain'], jobs: 500, help: false }
 */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  let json = false;
  let help = false;
  let only: ScenarioName[] = [...SCENARIOS];
  let jobs = DEFAULT_JOBS;
  let against: 'bullmq' | undefined;
  for (let index = 0; index < argv.length; index++) {
    const raw = argv[index] ?? '';
    const equals = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const flag = equals > 0 ? raw.slice(0, equals) : raw;
    const inline = equals > 0 ? raw.slice(equals + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[index + 1];
      if (next === undefined || next.startsWith('--')) throw usage(`${flag} needs a value`);
      index++;
      return next;
    };
    switch (flag) {
      case '--json':
        json = true;
        break;
      case '--help':
      case '-h':
        help = true;
        break;
      case '--only':
        only = scenariosOf(value());
        break;
      case '--jobs':
        jobs = jobsOf(value());
        break;
      case '--against': {
        const baseline = value();
        if (baseline !== 'bullmq') throw usage(`--against takes bullmq; got "${baseline}"`);
        against = baseline;
        break;
      }
      default:
        throw usage(`unknown argument "${raw}"`);
    }
  }
  return { json, only, jobs, help, ...(against === undefined ? {} : { against }) };
}

function scenariosOf(list: string): ScenarioName[] {
  const asked = list.split(',').map((name) => name.trim()).filter((name) => name !== '');
  if (asked.length === 0) throw usage('--only needs at least one scenario');
  const unknown = asked.filter((name) => !(SCENARIOS as readonly string[]).includes(name));
  if (unknown.length > 0) throw usage(`unknown scenario${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; choose from ${SCENARIOS.join(', ')}`);
  // Run order is fixed (the cost line reads the ingest runs), whatever order they were named in.
  return SCENARIOS.filter((name) => asked.includes(name));
}

function jobsOf(text: string): number {
  const jobs = Number(text);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > MAX_JOBS) throw usage(`--jobs must be a whole number from 1 to ${MAX_JOBS}; got "${text}"`);
  return jobs;
}

function usage(problem: string): BenchError {
  return new BenchError(BENCH_ERROR.usage, `${problem}\n${USAGE}`);
}
