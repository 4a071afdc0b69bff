import { describe, expect, it } from 'vitest';
import type { BenchResult, CostResult } from '../../../bench/results';
import { formatTable, summaryRows, summaryTable } from '../../../bench/table';

const floor: BenchResult = { scenario: 'floor', system: 'dynamodb-local', concurrency: 50, item_bytes: 1024, seconds: 5, writes: 3800, writes_per_s: 760 };
const ingest = (system: 'pipeline' | 'bullmq', jobsPerSecond: number): BenchResult => ({
  scenario: 'ingest',
  system,
  queue: 'qr-analytics',
  jobs: 2000,
  accepted: 2000,
  concurrency: 50,
  requests: 2000,
  seconds: 2000 / jobsPerSecond,
  jobs_per_s: jobsPerSecond,
  p50_ms: 300,
  p99_ms: 1250,
  handler_mean_ms: null,
  handler_p99_ms: null,
});

/** A cost line as a bench run of the default stage gives it (the laned queue with 3 provisioned instances). */
const costResult: CostResult = {
  scenario: 'cost',
  wru_per_job: 2,
  rru_per_job: 0.5,
  sqs_requests_per_job: 0.3,
  lambda_gb_s_per_job: 0.0001,
  log_bytes_per_job: 2500,
  usd_per_million_jobs: 2.4,
  usd_per_million_jobs_single: 9,
  system: 'pipeline',
  ingest_concurrency: 2,
  api_requests_per_job: 0.01,
  lambda_invocations_per_job: 0.5,
  sqs_requests_per_job_without_idle_polls: 0.3,
  sqs_by_action_per_job: {},
  dynamodb_by_action_per_job: {},
  lambda_by_function_per_job: {},
  usd_per_million_by_service: {},
  at_rest_usd_per_month: 30.35,
  at_rest_by_item: {
    idle_polls: { count: 23, usd_per_month: 6.11, fifo: 1, requests_per_month: 15_111_000 },
    alarms: { count: 81, usd_per_month: 9.6, metrics: 96 },
    secrets: { count: 14, usd_per_month: 5.6 },
    dashboards: { count: 1, usd_per_month: 3 },
    schedules: { count: 3, usd_per_month: 0.04, invocations_per_month: 61_320, estimated: false },
    provisioned_concurrency: { count: 3, usd_per_month: 6.57, gb_seconds_per_month: 1_971_000 },
  },
  at_rest_skipped: [],
};

describe('formatTable', () => {
  it('pads every column to its widest cell, as a Markdown table', () => {
    // Act
    const text = formatTable(['what', 'value'], [['drain', '37 s'], ['ingest', '79 jobs/s']]);

    // Assess
    expect(text.split('\n')).toEqual([
      '| what   | value     |',
      '|--------|-----------|',
      '| drain  | 37 s      |',
      '| ingest | 79 jobs/s |',
    ]);
  });
});

describe('summaryRows', () => {
  it('puts the pipeline and BullMQ side by side with their ratio, and the ingest rate as a share of the floor', () => {
    // Act
    const rows = summaryRows([floor, ingest('pipeline', 76), ingest('bullmq', 1520)]);

    // Assess
    expect(rows[0]).toMatchObject({ floor: '760 writes/s' });
    expect(rows[1]).toEqual({
      what: 'ingest: 2,000 jobs, 50 concurrent, one per POST',
      pipeline: '76 jobs/s, p50 300 ms, p99 1.3 s',
      bullmq: '1,520 jobs/s, p50 300 ms, p99 1.3 s',
      ratio: '0.05×',
      floor: '10.0 % of the floor',
    });
  });

  it('says how many provisioned instances the pipeline’s urgent job had; BullMQ has none', () => {
    // Prepare
    const priority = (system: 'pipeline' | 'bullmq', latencyMs: number, provisioned: number | null): BenchResult => ({
      scenario: 'priority',
      system,
      queue: 'webhook-delivery',
      backlog: 2000,
      waiting_at_post: 1950,
      latency_ms: latencyMs,
      delivered_meanwhile: 10,
      ahead_of: 1940,
      ahead_share: 1940 / 1950,
      ahead_share_of_backlog: 0.97,
      provisioned_concurrency: provisioned,
    });

    // Act
    const rows = summaryRows([priority('pipeline', 180, 3), priority('bullmq', 18, null)]);

    // Assess
    expect(rows[0]?.pipeline).toBe('after 180 ms, 10 normal delivered meanwhile, ahead of 99.5 % of the 1,950 waiting (3 provisioned instances)');
    expect(rows[0]?.bullmq).toBe('after 18 ms, 10 normal delivered meanwhile, ahead of 99.5 % of the 1,950 waiting');
  });

  it('shows a failed scenario as failed, with the first line of its error', () => {
    // Act
    const rows = summaryRows([{ scenario: 'priority', system: 'pipeline', error: 'the target got 3 of 5 jobs\nmore' }]);

    // Assess
    expect(rows).toEqual([{ what: 'priority', pipeline: 'failed: the target got 3 of 5 jobs', bullmq: '', ratio: '', floor: '' }]);
  });

  it('cuts a long error short in its cell', () => {
    // Act
    const [row] = summaryRows([{ scenario: 'drain', system: 'pipeline', error: 'x'.repeat(500) }]);

    // Assess
    expect(row?.pipeline).toBe(`failed: ${'x'.repeat(79)}…`);
  });

  it('gives the cost line three rows: per job, per million jobs and at rest per month', () => {
    // Act
    const rows = summaryRows([
      { ...costResult, wru_per_job: 5.04, sqs_requests_per_job: 1.2, usd_per_million_jobs: 6.5, usd_per_million_jobs_single: 11 },
    ]);

    // Assess
    expect(rows.map((row) => row.what)).toEqual(['cost per job, batched ingest (2 requests in flight)', 'USD per million jobs', 'at rest, per month']);
    expect(rows.map((row) => row.pipeline)).toEqual([
      '5.04 WRU, 0.50 RRU, 1.20 SQS req (0.30 without idle polls), 0.0001 GB-s, 2,500 B logs',
      '$6.50 batched, $11.00 one per POST',
      '$30.35 (idle polls $6.11 for 23 mappings, alarms $9.60 for 96 metrics of 81 alarms, secrets $5.60 for 14, dashboards $3.00, schedules $0.04, provisioned concurrency $6.57)',
    ]);
  });

  it('leaves out the at-rest items that have none, and says when scheduled runs were not measured', () => {
    // Prepare
    const none = { count: 0, usd_per_month: 0 };
    const atRest: CostResult['at_rest_by_item'] = {
      idle_polls: { ...none, fifo: 0, requests_per_month: 0 },
      alarms: { ...none, metrics: 0 },
      dashboards: { count: 1, usd_per_month: 3 },
      secrets: none,
      schedules: { count: 3, usd_per_month: 0.05, invocations_per_month: 61_320, estimated: true },
      provisioned_concurrency: { ...none, gb_seconds_per_month: 0 },
    };

    // Act
    const rows = summaryRows([{ ...costResult, at_rest_usd_per_month: 3.05, at_rest_by_item: atRest }]);

    // Assess
    expect(rows.at(-1)?.pipeline).toBe('$3.05 (dashboards $3.00, schedules $0.05 (unmeasured runs taken as 100 ms))');
  });

  it('gives each bundle a row with its floor and the ratios', () => {
    // Act
    const rows = summaryRows([
      {
        scenario: 'bundles',
        system: 'pipeline',
        loads: 7,
        bundles: [
          {
            functions: ['ingest'],
            handler: 'ingest',
            format: 'cjs',
            bytes: 1.1 * 1024 * 1024,
            load_ms: 200,
            sdk_packages: ['@aws-sdk/client-sqs'],
            floor_bytes: 367 * 1024,
            floor_load_ms: 75,
            size_ratio: 3.07,
            load_ratio: 2.67,
            load_ratio_range: { low: 2.41, high: 2.9 },
          },
        ],
      },
    ]);

    // Assess
    expect(rows).toEqual([{ what: 'bundle ingest (cjs)', pipeline: '1.10 MB, load 200 ms', bullmq: '', ratio: '', floor: '367 KB, 75 ms (3.07× size, 2.67× load, 95 % range 2.41–2.90)' }]);
  });
});

describe('the drain row', () => {
  it('adds the batch run\'s drain when it ran', () => {
    // Act
    const [row] = summaryRows([{ scenario: 'drain', system: 'pipeline', jobs: 2000, seconds: 60, jobs_per_s: 33.3, batch_seconds: 28 }]);

    // Assess
    expect(row).toMatchObject({ what: 'drain of the 2,000 ingested jobs', pipeline: '60.0 s (33/s); batched: 28.0 s' });
  });
});

describe('summaryTable', () => {
  it('leaves the BullMQ columns out when the baseline did not run', () => {
    // Act
    const header = summaryTable([floor, ingest('pipeline', 76)]).split('\n')[0];

    // Assess
    expect(header?.split('|').map((cell) => cell.trim()).filter(Boolean)).toEqual(['what', 'pipeline', 'floor']);
  });
});
