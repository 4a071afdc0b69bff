import type { ScenarioName } from './args';
import type { AtRestByItem, SkippedResource } from './at-rest-cost';

/** What a scenario ran against: the pipeline in the local cloud, the BullMQ baseline, or DynamoDB Local alone. */
export type SystemName = 'pipeline' | 'bullmq' | 'dynamodb-local';

/** DynamoDB Local's own conditional write rate: the denominator of the throughput goals. */
export interface FloorResult {
  readonly scenario: 'floor';
  readonly system: 'dynamodb-local';
  readonly concurrency: number;
  readonly item_bytes: number;
  readonly seconds: number;
  readonly writes: number;
  readonly writes_per_s: number;
}

/** Jobs POSTed, one per request (`ingest`) or a hundred per request (`batch-ingest`). */
export interface IngestResult {
  readonly scenario: 'ingest' | 'batch-ingest';
  readonly system: SystemName;
  readonly queue: string;
  readonly jobs: number;
  readonly accepted: number;
  readonly concurrency: number;
  readonly requests: number;
  readonly seconds: number;
  readonly jobs_per_s: number;
  /** HTTP round trip of one request (one job, or one batch). */
  readonly p50_ms: number;
  readonly p99_ms: number;
  /** The ingest function's mean billed duration, from the meter; null when the local cloud does not report it. */
  readonly handler_mean_ms: number | null;
  /** The ingest function's p99 handler duration; null: the local cloud does not report durations per invocation. */
  readonly handler_p99_ms: number | null;
}

/** From the first accepted job of the ingest run until the target had answered every one. */
export interface DrainResult {
  readonly scenario: 'drain';
  readonly system: SystemName;
  readonly jobs: number;
  readonly seconds: number;
  readonly jobs_per_s: number;
  /** The same for the batch-ingest run, when it ran. */
  readonly batch_seconds: number | null;
}

/** One urgent job sent behind a backlog of normal ones. */
export interface PriorityResult {
  readonly scenario: 'priority';
  readonly system: SystemName;
  readonly queue: string;
  readonly backlog: number;
  /** Backlog jobs not yet delivered when the urgent job was posted. */
  readonly waiting_at_post: number;
  readonly latency_ms: number;
  readonly delivered_meanwhile: number;
  readonly ahead_of: number;
  /** `ahead_of` as a share of `waiting_at_post`: the goal's figure. */
  readonly ahead_share: number;
  /** `ahead_of` as a share of `backlog`. */
  readonly ahead_share_of_backlog: number;
  /** Provisioned instances of the queue's consumer (the pipeline; null for BullMQ). */
  readonly provisioned_concurrency: number | null;
}

/** A backlog at a slow target: how many deliveries run at once. */
export interface ConcurrencyResult {
  readonly scenario: 'concurrency';
  readonly system: SystemName;
  readonly queue: string;
  readonly jobs: number;
  readonly target_delay_ms: number;
  readonly concurrency_limit: number;
  readonly seconds: number;
  readonly max_in_flight: number;
}

/** A burst on a rate-limited queue: the start rate achieved against the limit. */
export interface RateLimitedResult {
  readonly scenario: 'rate-limited';
  readonly system: SystemName;
  readonly queue: string;
  readonly jobs: number;
  readonly limit_per_s: number;
  readonly seconds: number;
  readonly mean_per_s: number;
  readonly peak_per_s: number;
}

/**
 * Cost per completed job, from the local cloud's meter (the per-job fields:
 * batched ingest), and what the whole stage costs a month at rest.
 */
export interface CostResult {
  readonly scenario: 'cost';
  readonly wru_per_job: number;
  readonly rru_per_job: number;
  readonly sqs_requests_per_job: number;
  readonly lambda_gb_s_per_job: number;
  readonly log_bytes_per_job: number;
  readonly usd_per_million_jobs: number;
  readonly usd_per_million_jobs_single: number;
  readonly system: 'pipeline';
  /** Requests in flight in the ingest runs the line is read from (runs of its own, paced so the instances do not queue for the emulators). */
  readonly ingest_concurrency: number;
  readonly api_requests_per_job: number;
  readonly lambda_invocations_per_job: number;
  /** SQS requests per job without the pollers' empty receives, whose count depends on idle time rather than on jobs. */
  readonly sqs_requests_per_job_without_idle_polls: number;
  /** SQS requests per job by action (batched ingest), idle polls included where the meter names them. */
  readonly sqs_by_action_per_job: Readonly<Record<string, number>>;
  /** DynamoDB write and read units and calls per job, by action (`PutItem`, `UpdateItem`…). */
  readonly dynamodb_by_action_per_job: Readonly<Record<string, { wru: number; rru: number; calls: number }>>;
  /** Lambda invocations and GB-seconds per job by function (batched ingest), labelled as the local cloud logs them. */
  readonly lambda_by_function_per_job: Readonly<Record<string, { invocations: number; gb_s: number }>>;
  /** Dollars per million jobs by service (batched ingest). */
  readonly usd_per_million_by_service: Readonly<Record<string, number>>;
  /**
   * Dollars a month the whole stage costs with no job flowing (not per job):
   * idle pollers, alarms, dashboards, secrets, scheduled functions and
   * provisioned concurrency, from the template the bench ran.
   */
  readonly at_rest_usd_per_month: number;
  /** {@link CostResult.at_rest_usd_per_month} by item, each with its count and dollars a month. */
  readonly at_rest_by_item: AtRestByItem;
  /** Resources the at-rest figures leave out, with why (e.g. a `cron()` schedule). */
  readonly at_rest_skipped: readonly SkippedResource[];
}

/** One function asset next to its SDK-clients floor. */
export interface BundleFigures {
  /** The functions built from this asset (labels as the local cloud logs them). */
  readonly functions: readonly string[];
  /** The source entry under functions/handlers, when found. */
  readonly handler: string | null;
  readonly format: 'cjs' | 'esm';
  readonly bytes: number;
  readonly load_ms: number;
  /** The `@aws-sdk/*` packages the handler's sources import. */
  readonly sdk_packages: readonly string[];
  readonly floor_bytes: number | null;
  readonly floor_load_ms: number | null;
  readonly size_ratio: number | null;
  /** `load_ms / floor_load_ms`: the ratio of the two medians. */
  readonly load_ratio: number | null;
  /**
   * Where `load_ratio` could lie on the same machine: the 95 % range of the
   * ratio of medians over resampled loads (module loads on this machine kind
   * spread by a quarter either way, run to run).
   */
  readonly load_ratio_range: { readonly low: number; readonly high: number } | null;
}

/** Every function's bundle. */
export interface BundlesResult {
  readonly scenario: 'bundles';
  readonly system: 'pipeline';
  /** Fresh `node` processes per median. */
  readonly loads: number;
  readonly bundles: readonly BundleFigures[];
}

/** A scenario that did not produce its figures. */
export interface FailedResult {
  readonly scenario: ScenarioName;
  readonly system: SystemName;
  readonly error: string;
}

/** One scenario's figures on one system: one line of `--json`. */
export type BenchResult =
  | FloorResult
  | IngestResult
  | DrainResult
  | PriorityResult
  | ConcurrencyResult
  | RateLimitedResult
  | CostResult
  | BundlesResult
  | FailedResult;

/** A result with its figures, not a failure. */
export type FiguresResult = Exclude<BenchResult, FailedResult>;

/** Whether a result is a failure rather than figures. */
export function isFailed(result: BenchResult): result is FailedResult {
  return 'error' in result;
}

/**
 * One result as a line of `--json`: numbers rounded to what they can say
 * (NaN becomes null), `scenario` first.
 *
 * @example
 * jsonLine({ scenario: 'drain', system: 'pipeline', jobs: 2000, seconds: 37.0412, jobs_per_s: 53.99, batch_seconds: null });
 * // '{"scenario":"drain","system":"pipeline","jobs":2000,"seconds":37.04,"jobs_per_s":53.99,"batch_seconds":null}'
 */
export function jsonLine(result: BenchResult): string {
  return JSON.stringify(result, (_key, value: unknown) => (typeof value === 'number' ? roundFigure(value) : value));
}

/**
 * A figure rounded to four significant digits (whole numbers stay whole);
 * null for NaN and infinities, which JSON cannot say.
 *
 * @example
 * roundFigure(0.000123456); // 0.0001235
 * roundFigure(1410.77); // 1411
 */
export function roundFigure(value: number): number | null {
  if (!Number.isFinite(value)) return null;
  if (Number.isInteger(value) || value === 0) return value;
  return Number(value.toPrecision(4));
}
