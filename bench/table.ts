import type { ScenarioName } from './args';
import { ASSUMED_SCHEDULED_RUN_MS } from './at-rest-cost';
import { isFailed, type BenchResult, type BundlesResult, type CostResult, type FiguresResult, type FloorResult } from './results';

/** One row of the summary: what, the pipeline's figure, the baseline's, their ratio, and the floor's. */
export interface TableRow {
  readonly what: string;
  readonly pipeline: string;
  readonly bullmq: string;
  readonly ratio: string;
  readonly floor: string;
}

/**
 * Lays rows out as a Markdown table with padded columns, readable in a
 * terminal and pasteable into the README.
 *
 * @example
 * formatTable(['what', 'value'], [['drain', '37 s']]);
 * // | what  | value |
 * // |-------|-------|
 * // | drain | 37 s  |
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string => `| ${widths.map((width, column) => (cells[column] ?? '').padEnd(width)).join(' | ')} |`;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/**
 * The summary table of a run: one row per figure, the pipeline and the
 * baseline side by side with their ratio (pipeline ÷ BullMQ of the row's
 * main figure) when the baseline ran, and the floor where one applies.
 */
export function summaryTable(results: readonly BenchResult[]): string {
  const rows = summaryRows(results);
  const withBaseline = results.some((result) => result.system === 'bullmq');
  const header = withBaseline ? ['what', 'pipeline', 'BullMQ on Redis', 'pipeline ÷ BullMQ', 'floor'] : ['what', 'pipeline', 'floor'];
  return formatTable(
    header,
    rows.map((row) => (withBaseline ? [row.what, row.pipeline, row.bullmq, row.ratio, row.floor] : [row.what, row.pipeline, row.floor])),
  );
}

/** A row's main figure on one system, to take the ratio of. */
interface Cell {
  readonly text: string;
  readonly figure: number;
}

type Describe = (result: FiguresResult, floor: FloorResult | undefined) => Cell | undefined;

/** The most characters of an error a table cell shows. */
const FAILURE_CHARS = 80;

const ORDER: readonly ScenarioName[] = ['ingest', 'batch-ingest', 'drain', 'priority', 'concurrency', 'rate-limited'];

/** The rows of {@link summaryTable}, before layout. */
export function summaryRows(results: readonly BenchResult[]): TableRow[] {
  const floor = results.find((result): result is FloorResult => result.scenario === 'floor' && !isFailed(result));
  const rows: TableRow[] = [];
  const failedFloor = results.find((result) => result.scenario === 'floor' && isFailed(result));
  if (floor !== undefined || failedFloor !== undefined) {
    rows.push({
      what: `floor: DynamoDB Local conditional writes, ${floor?.concurrency ?? 50} concurrent, 1 KB`,
      pipeline: '',
      bullmq: '',
      ratio: '',
      floor: floor === undefined ? failure(failedFloor) : `${whole(floor.writes_per_s)} writes/s`,
    });
  }
  for (const scenario of ORDER) {
    const pipeline = results.find((result) => result.scenario === scenario && result.system === 'pipeline');
    const bullmq = results.find((result) => result.scenario === scenario && result.system === 'bullmq');
    if (pipeline === undefined && bullmq === undefined) continue;
    const describe = DESCRIBE[scenario];
    const ours = pipeline === undefined ? undefined : isFailed(pipeline) ? undefined : describe(pipeline, floor);
    const theirs = bullmq === undefined ? undefined : isFailed(bullmq) ? undefined : describe(bullmq, floor);
    rows.push({
      what: titleOf(pipeline ?? bullmq),
      pipeline: ours?.text ?? failure(pipeline),
      bullmq: theirs?.text ?? failure(bullmq),
      ratio: ours !== undefined && theirs !== undefined && theirs.figure !== 0 && Number.isFinite(ours.figure / theirs.figure) ? `${ratio(ours.figure / theirs.figure)}×` : '',
      floor: floorShare(pipeline, floor),
    });
  }
  const cost = results.find((result) => result.scenario === 'cost');
  if (cost !== undefined) rows.push(...costRows(cost));
  const bundles = results.find((result) => result.scenario === 'bundles');
  if (bundles !== undefined) rows.push(...bundleRows(bundles));
  return rows;
}

const DESCRIBE: Record<ScenarioName, Describe> = {
  floor: () => undefined,
  ingest: ingestCell,
  'batch-ingest': ingestCell,
  drain: (result) =>
    result.scenario === 'drain'
      ? {
          text: `${seconds(result.seconds)} (${whole(result.jobs_per_s)}/s)${result.batch_seconds === null ? '' : `; batched: ${seconds(result.batch_seconds)}`}`,
          figure: result.seconds,
        }
      : undefined,
  priority: (result) =>
    result.scenario === 'priority'
      ? {
          text:
            `after ${ms(result.latency_ms)}, ${whole(result.delivered_meanwhile)} normal delivered meanwhile, ahead of ${percent(result.ahead_share)} of the ${whole(result.waiting_at_post)} waiting` +
            (result.provisioned_concurrency === null ? '' : ` (${result.provisioned_concurrency} provisioned instances)`),
          figure: result.latency_ms,
        }
      : undefined,
  concurrency: (result) =>
    result.scenario === 'concurrency'
      ? { text: `${seconds(result.seconds)}, at most ${result.max_in_flight} in flight (limit ${result.concurrency_limit})`, figure: result.seconds }
      : undefined,
  'rate-limited': (result) =>
    result.scenario === 'rate-limited'
      ? { text: `${whole(result.mean_per_s)} starts/s, peak ${result.peak_per_s} in 1 s (limit ${result.limit_per_s}/s)`, figure: result.mean_per_s }
      : undefined,
  cost: () => undefined,
  bundles: () => undefined,
};

function ingestCell(result: FiguresResult): Cell | undefined {
  if (result.scenario !== 'ingest' && result.scenario !== 'batch-ingest') return undefined;
  return { text: `${whole(result.jobs_per_s)} jobs/s, p50 ${ms(result.p50_ms)}, p99 ${ms(result.p99_ms)}`, figure: result.jobs_per_s };
}

function titleOf(result: BenchResult | undefined): string {
  if (result === undefined || isFailed(result)) return result?.scenario ?? '';
  switch (result.scenario) {
    case 'ingest':
      return `ingest: ${whole(result.jobs)} jobs, ${result.concurrency} concurrent, one per POST`;
    case 'batch-ingest':
      return `batch ingest: ${whole(result.jobs)} jobs, 100 per POST`;
    case 'drain':
      return `drain of the ${whole(result.jobs)} ingested jobs`;
    case 'priority':
      return `urgent job behind ${whole(result.waiting_at_post)} waiting normal jobs (${result.queue})`;
    case 'concurrency':
      return `${result.jobs} normal jobs, target takes ${result.target_delay_ms} ms (${result.queue})`;
    case 'rate-limited':
      return `burst of ${result.jobs} on ${result.queue} (${result.limit_per_s}/s)`;
    default:
      return result.scenario;
  }
}

/** The pipeline's ingest rate as a share of DynamoDB Local's write rate (the goal: ≥ 50 %). */
function floorShare(result: BenchResult | undefined, floor: FloorResult | undefined): string {
  if (result === undefined || floor === undefined || isFailed(result)) return '';
  if (result.scenario === 'ingest' || result.scenario === 'batch-ingest') return `${percent(result.jobs_per_s / floor.writes_per_s)} of the floor`;
  return '';
}

function costRows(result: BenchResult): TableRow[] {
  const blank = { bullmq: '', ratio: '', floor: '' };
  if (isFailed(result)) return [{ what: 'cost per completed job', pipeline: failure(result), ...blank }];
  const cost = result as CostResult;
  return [
    {
      what: `cost per job, batched ingest (${cost.ingest_concurrency} requests in flight)`,
      pipeline: `${fixed(cost.wru_per_job, 2)} WRU, ${fixed(cost.rru_per_job, 2)} RRU, ${fixed(cost.sqs_requests_per_job, 2)} SQS req (${fixed(cost.sqs_requests_per_job_without_idle_polls, 2)} without idle polls), ${fixed(cost.lambda_gb_s_per_job, 4)} GB-s, ${whole(cost.log_bytes_per_job)} B logs`,
      ...blank,
    },
    {
      what: 'USD per million jobs',
      pipeline: `$${fixed(cost.usd_per_million_jobs, 2)} batched, $${fixed(cost.usd_per_million_jobs_single, 2)} one per POST`,
      ...blank,
    },
    { what: 'at rest, per month', pipeline: atRestText(cost), ...blank },
  ];
}

/**
 * The stage's monthly cost with no jobs, and its items that cost anything:
 * `$24.34 (idle polls $6.11 for 23 mappings, alarms $9.60 for 96 metrics of 81 alarms, …)`.
 */
function atRestText(cost: CostResult): string {
  const { idle_polls, alarms, secrets, dashboards, schedules, provisioned_concurrency } = cost.at_rest_by_item;
  const items: [number, string][] = [
    [idle_polls.count, `idle polls ${usd(idle_polls.usd_per_month)} for ${idle_polls.count} mappings`],
    [alarms.count, `alarms ${usd(alarms.usd_per_month)} for ${alarms.metrics} metrics of ${alarms.count} alarms`],
    [secrets.count, `secrets ${usd(secrets.usd_per_month)} for ${secrets.count}`],
    [dashboards.count, `dashboards ${usd(dashboards.usd_per_month)}`],
    [schedules.count, `schedules ${usd(schedules.usd_per_month)}${schedules.estimated ? ` (unmeasured runs taken as ${ASSUMED_SCHEDULED_RUN_MS} ms)` : ''}`],
    [provisioned_concurrency.count, `provisioned concurrency ${usd(provisioned_concurrency.usd_per_month)}`],
  ];
  const shown = items.filter(([count]) => count > 0).map(([, text]) => text);
  return `${usd(cost.at_rest_usd_per_month)}${shown.length === 0 ? '' : ` (${shown.join(', ')})`}`;
}

function bundleRows(result: BenchResult): TableRow[] {
  if (isFailed(result)) return [{ what: 'bundles', pipeline: failure(result), bullmq: '', ratio: '', floor: '' }];
  return (result as BundlesResult).bundles.map((bundle) => {
    const floorText = bundle.floor_bytes === null || bundle.floor_load_ms === null ? 'no floor' : `${kb(bundle.floor_bytes)}, ${ms(bundle.floor_load_ms)}`;
    // Two decimals: the goal (1.25×) sits between what one decimal can tell apart.
    const range = bundle.load_ratio_range === null ? '' : `, 95 % range ${bundle.load_ratio_range.low.toFixed(2)}–${bundle.load_ratio_range.high.toFixed(2)}`;
    const ratios = bundle.size_ratio === null || bundle.load_ratio === null ? '' : ` (${bundle.size_ratio.toFixed(2)}× size, ${bundle.load_ratio.toFixed(2)}× load${range})`;
    return {
      what: `bundle ${bundle.handler ?? bundle.functions[0] ?? '?'} (${bundle.format}${bundle.functions.length > 1 ? `, ${bundle.functions.length} functions` : ''})`,
      pipeline: `${kb(bundle.bytes)}, load ${ms(bundle.load_ms)}`,
      bullmq: '',
      ratio: '',
      floor: `${floorText}${ratios}`,
    };
  });
}

function failure(result: BenchResult | undefined): string {
  if (result === undefined) return '';
  if (!isFailed(result)) return '';
  // The first line, cut short: the whole message is in the results file and was printed when it failed.
  const first = result.error.split('\n')[0] ?? '';
  return `failed: ${first.length > FAILURE_CHARS ? `${first.slice(0, FAILURE_CHARS - 1)}…` : first}`;
}

function whole(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–';
}

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}

function usd(value: number): string {
  return `$${fixed(value, 2)}`;
}

function ms(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return value >= 1000 ? seconds(value / 1000) : `${Math.round(value)} ms`;
}

function seconds(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(1)} s` : '–';
}

function percent(share: number): string {
  return Number.isFinite(share) ? `${(share * 100).toFixed(1)} %` : '–';
}

function ratio(value: number): string {
  return value >= 10 ? value.toFixed(0) : value >= 1 ? value.toFixed(1) : value.toFixed(2);
}

function kb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MB` : `${Math.round(bytes / 1024)} KB`;
}
