/**
 * What a deployed stage costs a month when no job flows, read from its
 * synthesized template: the parts AWS bills by the clock rather than per job.
 * The per-job cost line cannot show them, and they are what someone leaving
 * an always-on Redis box compares with. Pure: no I/O.
 */
import { LAMBDA_IDLE_POLLERS, LAMBDA_LONG_POLL_SECONDS } from '../local/cloud/meter';
import { HOURS_PER_MONTH, PRICES } from '../local/cloud/prices';
import { parseSchedule, rateIntervalMs, ScheduleExpressionError } from '../local/cloud/schedule-expression';
import type { CfnResource, CfnTemplate } from '../local/cloud/template';

/** Seconds in the month the figures are for ({@link HOURS_PER_MONTH}). */
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

/** The run time assumed for a scheduled function nobody measured: a quick look at a table that finds nothing to do. */
export const ASSUMED_SCHEDULED_RUN_MS = 100;

/** Lambda's memory for a function that sets none, MB. */
export const LAMBDA_DEFAULT_MEMORY_MB = 128;

/** One line of the at-rest bill: how many of the thing, and its dollars a month. */
export interface AtRestItem {
  readonly count: number;
  readonly usd_per_month: number;
}

/** The at-rest bill by item. */
export interface AtRestByItem {
  /**
   * Event source mappings on SQS queues, whose {@link LAMBDA_IDLE_POLLERS}
   * pollers each long-poll an empty queue for {@link LAMBDA_LONG_POLL_SECONDS}
   * at a time: `requests_per_month` empty receives, `fifo` of the mappings on
   * FIFO queues (the FIFO price).
   */
  readonly idle_polls: AtRestItem & { readonly fifo: number; readonly requests_per_month: number };
  /** CloudWatch alarms (`count`), billed per alarm metric (`metrics`: a metric-math alarm's metrics each count). */
  readonly alarms: AtRestItem & { readonly metrics: number };
  readonly dashboards: AtRestItem;
  readonly secrets: AtRestItem;
  /**
   * Lambda functions run by `rate(…)` rules (`count`: rule targets), at their
   * requests and Arm GB-seconds; the rules themselves are free. `estimated`
   * when some function's run time was not measured and
   * {@link ASSUMED_SCHEDULED_RUN_MS} stands in.
   */
  readonly schedules: AtRestItem & { readonly invocations_per_month: number; readonly estimated: boolean };
  /** Provisioned concurrency (`count`: instances kept initialized), billed per configured GB-second at the Arm price. */
  readonly provisioned_concurrency: AtRestItem & { readonly gb_seconds_per_month: number };
}

/** A resource left out of the figures, and why. */
export interface SkippedResource {
  readonly logical_id: string;
  readonly reason: string;
}

/** What a stage costs a month with no jobs. */
export interface AtRestCost {
  readonly usd_per_month: number;
  readonly by_item: AtRestByItem;
  /** Shapes not priced (a `cron()` schedule, a mapping on a stream…): the total leaves them out. */
  readonly skipped: readonly SkippedResource[];
}

/** How to price what the template alone cannot say. */
export interface AtRestOptions {
  /**
   * The mean billed duration of one run of a function, by its logical id, e.g.
   * as the bench's meter measured it; undefined when not known.
   *
   * @default - none known: each scheduled run is taken as {@link ASSUMED_SCHEDULED_RUN_MS}, and marked estimated
   */
  readonly meanDurationMsOf?: (functionLogicalId: string) => number | undefined;
}

type Resources = Readonly<Record<string, CfnResource>>;
type Skip = (logicalId: string, reason: string) => void;

/**
 * What the stage a template describes costs a month with no jobs: Lambda's
 * idle SQS pollers, CloudWatch alarms and dashboards, Secrets Manager
 * secrets, the functions run on a `rate(…)` schedule and provisioned
 * concurrency, at {@link PRICES} over {@link HOURS_PER_MONTH}. Resource
 * conditions are not evaluated (every resource counts); storage, log
 * retention and custom metrics are not priced. Shapes it cannot price are
 * listed in `skipped`, never thrown.
 *
 * @example
 * const atRest = atRestMonthlyCost(Template.fromStack(stack).toJSON(), { meanDurationMsOf: (id) => measured.get(id) });
 * console.log(`$${atRest.usd_per_month.toFixed(2)} a month`, atRest.by_item.alarms);
 */
export function atRestMonthlyCost(template: CfnTemplate, options: AtRestOptions = {}): AtRestCost {
  const resources = template.Resources ?? {};
  const skipped: SkippedResource[] = [];
  const skip: Skip = (logical_id, reason) => skipped.push({ logical_id, reason });
  const by_item: AtRestByItem = {
    idle_polls: idlePolls(resources, skip),
    alarms: alarms(resources),
    dashboards: perMonth(ofType(resources, 'AWS::CloudWatch::Dashboard').length, PRICES.cloudWatchDashboardPerMonth),
    secrets: perMonth(ofType(resources, 'AWS::SecretsManager::Secret').length, PRICES.secretsManagerPerSecretMonth),
    schedules: schedules(resources, options.meanDurationMsOf ?? (() => undefined), skip),
    provisioned_concurrency: provisionedConcurrency(resources, skip),
  };
  const usd_per_month = Object.values(by_item).reduce((sum, item: AtRestItem) => sum + item.usd_per_month, 0);
  return { usd_per_month, by_item, skipped };
}

function idlePolls(resources: Resources, skip: Skip): AtRestByItem['idle_polls'] {
  // Every mapping here sets MaximumConcurrency, which keeps all five pollers on a quiet queue.
  const requestsPerMapping = (LAMBDA_IDLE_POLLERS * SECONDS_PER_MONTH) / LAMBDA_LONG_POLL_SECONDS;
  let count = 0;
  let fifo = 0;
  for (const [logicalId, mapping] of ofType(resources, 'AWS::Lambda::EventSourceMapping')) {
    const properties = mapping.Properties ?? {};
    if (properties.Enabled === false || properties.Enabled === 'false') {
      skip(logicalId, 'disabled: no pollers run');
      continue;
    }
    const isFifo = sqsQueueIsFifo(resources, properties.EventSourceArn);
    if (isFifo === undefined) {
      skip(logicalId, 'its event source is not an SQS queue of this template: only SQS pollers are priced');
      continue;
    }
    count += 1;
    if (isFifo) fifo += 1;
  }
  const usd = requestsPerMapping * ((count - fifo) * PRICES.sqsStandardPerRequest + fifo * PRICES.sqsFifoPerRequest);
  return { count, usd_per_month: usd, fifo, requests_per_month: count * requestsPerMapping };
}

function alarms(resources: Resources): AtRestByItem['alarms'] {
  const all = ofType(resources, 'AWS::CloudWatch::Alarm');
  const metrics = all.reduce((sum, [, alarm]) => sum + alarmMetrics(alarm), 0);
  return { count: all.length, usd_per_month: metrics * PRICES.cloudWatchAlarmPerMetricMonth, metrics };
}

/** A metric-math alarm is billed for each metric it reads (its `MetricStat` entries); the expressions are free. */
function alarmMetrics(alarm: CfnResource): number {
  const metrics = alarm.Properties?.Metrics;
  if (!Array.isArray(metrics)) return 1;
  return Math.max(1, metrics.filter((metric: unknown) => typeof metric === 'object' && metric !== null && 'MetricStat' in metric).length);
}

function schedules(resources: Resources, meanDurationMsOf: (functionLogicalId: string) => number | undefined, skip: Skip): AtRestByItem['schedules'] {
  let count = 0;
  let invocations = 0;
  let usd = 0;
  let estimated = false;
  for (const [logicalId, rule] of ofType(resources, 'AWS::Events::Rule')) {
    const properties = rule.Properties ?? {};
    // An event-pattern rule runs when events come, not by the clock.
    if (typeof properties.ScheduleExpression !== 'string') continue;
    if (properties.State !== undefined && properties.State !== 'ENABLED') {
      skip(logicalId, `${String(properties.State)}: it does not fire`);
      continue;
    }
    const intervalMs = rateInterval(properties.ScheduleExpression);
    if (typeof intervalMs === 'string') {
      skip(logicalId, intervalMs);
      continue;
    }
    const runs = (SECONDS_PER_MONTH * 1000) / intervalMs;
    const targets: unknown[] = Array.isArray(properties.Targets) ? properties.Targets : [];
    for (const target of targets) {
      const targetProperties = (typeof target === 'object' && target !== null ? target : {}) as Record<string, unknown>;
      const functionId = lambdaFunctionOf(resources, targetProperties.Arn);
      const memoryMb = functionId === undefined ? undefined : memoryMbOf(resources[functionId]);
      if (functionId === undefined || memoryMb === undefined) {
        skip(logicalId, `target ${String(targetProperties.Id)} is not a Lambda function of this template with a literal MemorySize`);
        continue;
      }
      const measured = meanDurationMsOf(functionId);
      if (measured === undefined) estimated = true;
      const gbSeconds = runs * ((measured ?? ASSUMED_SCHEDULED_RUN_MS) / 1000) * (memoryMb / 1024);
      count += 1;
      invocations += runs;
      usd += runs * PRICES.lambdaPerRequest + gbSeconds * PRICES.lambdaArmPerGbSecond;
    }
  }
  return { count, usd_per_month: usd, invocations_per_month: invocations, estimated };
}

/** The interval of a `rate(…)` expression in ms, or why it is not priced. */
function rateInterval(expression: string): number | string {
  try {
    return rateIntervalMs(parseSchedule(expression)) ?? `${expression}: only rate() schedules are priced`;
  } catch (error) {
    if (error instanceof ScheduleExpressionError) return error.message;
    throw error;
  }
}

function provisionedConcurrency(resources: Resources, skip: Skip): AtRestByItem['provisioned_concurrency'] {
  let instances = 0;
  let gbSeconds = 0;
  const published = [...ofType(resources, 'AWS::Lambda::Alias'), ...ofType(resources, 'AWS::Lambda::Version')];
  for (const [logicalId, resource] of published) {
    const config = resource.Properties?.ProvisionedConcurrencyConfig as { ProvisionedConcurrentExecutions?: unknown } | undefined;
    if (config === undefined) continue;
    const executions = Number(config.ProvisionedConcurrentExecutions);
    const functionId = lambdaFunctionOf(resources, resource.Properties?.FunctionName);
    const memoryMb = functionId === undefined ? undefined : memoryMbOf(resources[functionId]);
    if (!Number.isFinite(executions) || executions < 0 || memoryMb === undefined) {
      skip(logicalId, 'its ProvisionedConcurrentExecutions or its function\'s MemorySize is not a literal of this template');
      continue;
    }
    instances += executions;
    gbSeconds += executions * (memoryMb / 1024) * SECONDS_PER_MONTH;
  }
  return { count: instances, usd_per_month: gbSeconds * PRICES.lambdaArmProvisionedPerGbSecond, gb_seconds_per_month: gbSeconds };
}

/**
 * Whether the queue an `EventSourceArn` names is FIFO: `Fn::GetAtt` of a
 * queue of the template, or a literal SQS ARN. Undefined for anything else.
 */
function sqsQueueIsFifo(resources: Resources, arn: unknown): boolean | undefined {
  if (typeof arn === 'string') return /^arn:[^:]+:sqs:/.test(arn) ? arn.endsWith('.fifo') : undefined;
  const queueId = referencedId(arn);
  const queue = queueId === undefined ? undefined : resources[queueId];
  if (queue?.Type !== 'AWS::SQS::Queue') return undefined;
  const fifo = queue.Properties?.FifoQueue;
  return fifo === true || fifo === 'true';
}

/** The function a reference names, directly or through one of its aliases or versions. */
function lambdaFunctionOf(resources: Resources, value: unknown): string | undefined {
  const id = referencedId(value);
  const resource = id === undefined ? undefined : resources[id];
  if (resource?.Type === 'AWS::Lambda::Function') return id;
  if (resource?.Type === 'AWS::Lambda::Alias' || resource?.Type === 'AWS::Lambda::Version') {
    const functionId = referencedId(resource.Properties?.FunctionName);
    return functionId !== undefined && resources[functionId]?.Type === 'AWS::Lambda::Function' ? functionId : undefined;
  }
  return undefined;
}

/** The logical id a `Ref` or `Fn::GetAtt` names. */
function referencedId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const node = value as { Ref?: unknown; 'Fn::GetAtt'?: unknown };
  if (typeof node.Ref === 'string') return node.Ref;
  const getAtt = node['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
}

/** A function's memory in MB; undefined when the template computes it. */
function memoryMbOf(fn: CfnResource | undefined): number | undefined {
  const memory = fn?.Properties?.MemorySize ?? LAMBDA_DEFAULT_MEMORY_MB;
  const mb = typeof memory === 'number' || typeof memory === 'string' ? Number(memory) : Number.NaN;
  return Number.isFinite(mb) && mb > 0 ? mb : undefined;
}

function perMonth(count: number, price: number): AtRestItem {
  return { count, usd_per_month: count * price };
}

function ofType(resources: Resources, type: string): [string, CfnResource][] {
  return Object.entries(resources).filter(([, resource]) => resource.Type === type);
}
