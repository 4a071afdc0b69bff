import type { CostResult } from './results';

import { idlePollRequests, usageBetween, type MeterReading } from '../local/cloud/meter';
import { costOf, type Cost } from '../local/cloud/prices';

export type { MeterReading } from '../local/cloud/meter';

/** The meter of a running local cloud and the functions that read it. */
export interface MeterTools {
  reading(): MeterReading;
  usageBetween(a: MeterReading, b: MeterReading): MeterReading;
  costOf(usage: MeterReading): Cost;
}

/**
 * The cloud's meter with its difference and price functions, or undefined
 * when the local cloud has none (the cost line then says so rather than
 * failing the run).
 */
export function meterOf(cloud: { readonly meter?: { reading(): MeterReading } }): MeterTools | undefined {
  const { meter } = cloud;
  if (meter === undefined || typeof meter.reading !== 'function') return undefined;
  return { reading: () => meter.reading(), usageBetween, costOf };
}

/** One ingest mode's usage: what the meter counted around its ingest and drain, and for how many jobs. */
export interface ModeUsage {
  readonly usage: MeterReading;
  readonly cost: Cost;
  readonly jobs: number;
}

/**
 * The cost line: per completed job for batched ingest, and dollars per
 * million jobs for both modes.
 *
 * @example
 * costFigures({ usage, cost, jobs: 2000 }, { usage: single, cost: singleCost, jobs: 2000 });
 */
export function costFigures(batched: ModeUsage, single: ModeUsage): CostResult {
  const per = (value: number): number => value / batched.jobs;
  const { usage } = batched;
  return {
    scenario: 'cost',
    wru_per_job: per(usage.dynamoWriteUnits),
    rru_per_job: per(usage.dynamoReadUnits),
    sqs_requests_per_job: per(usage.sqsRequests),
    lambda_gb_s_per_job: per(usage.lambdaGbSeconds),
    log_bytes_per_job: per(usage.logBytes),
    usd_per_million_jobs: (batched.cost.usd / batched.jobs) * 1e6,
    usd_per_million_jobs_single: (single.cost.usd / single.jobs) * 1e6,
    system: 'pipeline',
    api_requests_per_job: per(usage.apiRequests),
    lambda_invocations_per_job: per(usage.lambdaInvocations),
    sqs_requests_per_job_without_idle_polls: per(usage.sqsRequests - idlePollRequests(usage)),
    sqs_by_action_per_job: Object.fromEntries(Object.entries(usage.bySqsAction).map(([action, count]) => [action, per(count)])),
    dynamodb_by_action_per_job: Object.fromEntries(
      Object.entries(usage.byDynamoAction).map(([action, { writeUnits, readUnits, calls }]) => [action, { wru: per(writeUnits), rru: per(readUnits), calls: per(calls) }]),
    ),
    usd_per_million_by_service: Object.fromEntries(Object.entries(batched.cost.byService).map(([service, usd]) => [service, (usd / batched.jobs) * 1e6])),
  };
}

/**
 * The mean billed duration of one function's invocations in ms, from its
 * GB-seconds and memory (cold starts' INIT included, as Lambda bills it);
 * null when the meter saw none.
 */
export function meanDurationMs(usage: MeterReading, functionLabel: string, memoryMb: number): number | null {
  const entry = usage.byFunction[functionLabel];
  if (entry === undefined || entry.invocations === 0) return null;
  return (entry.gbSeconds * 1000 * 1024) / memoryMb / entry.invocations;
}
