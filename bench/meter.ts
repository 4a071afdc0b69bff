import { atRestMonthlyCost, LAMBDA_DEFAULT_MEMORY_MB, type AtRestCost } from './at-rest-cost';
import type { CostResult } from './results';

import { idlePollRequests, usageBetween, type MeterReading } from '../local/cloud/meter';
import { costOf, type Cost } from '../local/cloud/prices';
import type { CfnTemplate } from '../local/cloud/template';

export type { MeterReading } from '../local/cloud/meter';

/** The meter of a running local cloud and the functions that read it. */
export interface MeterTools {
  reading(): MeterReading;
  usageBetween(a: MeterReading, b: MeterReading): MeterReading;
  costOf(usage: MeterReading): Cost;
  /** What the stage the cloud runs would cost a month with no jobs, its scheduled functions at their mean run times in `usage`. */
  atRest(usage: MeterReading): AtRestCost;
}

/**
 * The cloud's meter with its difference and price functions, or undefined
 * when the local cloud has none (the cost line then says so rather than
 * failing the run). `template` is the one the cloud runs, for the at-rest
 * figures.
 */
export function meterOf(cloud: { readonly meter?: { reading(): MeterReading }; readonly template: CfnTemplate }): MeterTools | undefined {
  const { meter, template } = cloud;
  if (meter === undefined || typeof meter.reading !== 'function') return undefined;
  return {
    reading: () => meter.reading(),
    usageBetween,
    costOf,
    atRest: (usage) => atRestMonthlyCost(template, { meanDurationMsOf: meanDurationsIn(template, usage) }),
  };
}

/**
 * The mean billed run time of a template's function (by logical id) in some
 * usage: the meter counts functions by the label the local cloud gives them,
 * the Powertools service name when the function sets a literal one, else the
 * logical id. Undefined for a function the meter saw no run of.
 *
 * @example
 * atRestMonthlyCost(template, { meanDurationMsOf: meanDurationsIn(template, meter.reading()) });
 */
export function meanDurationsIn(template: CfnTemplate, usage: MeterReading): (functionLogicalId: string) => number | undefined {
  return (logicalId) => {
    const properties = template.Resources?.[logicalId]?.Properties ?? {};
    const service = (properties.Environment as { Variables?: { POWERTOOLS_SERVICE_NAME?: unknown } } | undefined)?.Variables?.POWERTOOLS_SERVICE_NAME;
    const memoryMb = Number(properties.MemorySize ?? LAMBDA_DEFAULT_MEMORY_MB);
    if (!Number.isFinite(memoryMb)) return undefined;
    return meanDurationMs(usage, typeof service === 'string' ? service : logicalId, memoryMb) ?? undefined;
  };
}

/** One ingest mode's usage: what the meter counted around its ingest and drain, and for how many jobs. */
export interface ModeUsage {
  readonly usage: MeterReading;
  readonly cost: Cost;
  readonly jobs: number;
}

/**
 * The cost line: per completed job for batched ingest, dollars per million
 * jobs for both modes, and what the stage costs a month at rest.
 * `ingestConcurrency` is the requests in flight in the runs it is read from.
 *
 * @example
 * costFigures({ usage, cost, jobs: 2000 }, { usage: single, cost: singleCost, jobs: 2000 }, meter.atRest(meter.reading()), 2);
 */
export function costFigures(batched: ModeUsage, single: ModeUsage, atRest: AtRestCost, ingestConcurrency: number): CostResult {
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
    ingest_concurrency: ingestConcurrency,
    api_requests_per_job: per(usage.apiRequests),
    lambda_invocations_per_job: per(usage.lambdaInvocations),
    sqs_requests_per_job_without_idle_polls: per(usage.sqsRequests - idlePollRequests(usage)),
    sqs_by_action_per_job: Object.fromEntries(Object.entries(usage.bySqsAction).map(([action, count]) => [action, per(count)])),
    dynamodb_by_action_per_job: Object.fromEntries(
      Object.entries(usage.byDynamoAction).map(([action, { writeUnits, readUnits, calls }]) => [action, { wru: per(writeUnits), rru: per(readUnits), calls: per(calls) }]),
    ),
    lambda_by_function_per_job: Object.fromEntries(
      Object.entries(usage.byFunction).map(([label, { invocations, gbSeconds }]) => [label, { invocations: per(invocations), gb_s: per(gbSeconds) }]),
    ),
    usd_per_million_by_service: Object.fromEntries(Object.entries(batched.cost.byService).map(([service, usd]) => [service, (usd / batched.jobs) * 1e6])),
    at_rest_usd_per_month: atRest.usd_per_month,
    at_rest_by_item: atRest.by_item,
    at_rest_skipped: atRest.skipped,
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
