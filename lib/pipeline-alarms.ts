import { Duration } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { Alarm, ComparisonOperator, MathExpression, Metric, Stats, TreatMissingData, type IAlarmAction, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, METRICS_SERVICE } from '../functions/adapters/emf-metrics';
import { STUCK_UNREPAIRED_METRIC } from '../functions/adapters/stuck-metrics';
import { ConfigError } from '../functions/core/errors';

/** Errors, throttles, 5XX and latency are judged over five minutes. */
const PERIOD = Duration.minutes(5);

/**
 * p99 latency of the partner ingest routes above which the alarm fires. The
 * ingest does a validation, one conditional write and one send: a p99 of
 * three seconds means DynamoDB or SQS is struggling or the function is cold
 * far too often. (`GET /jobs/{id}?wait=N` is left out: a long poll is slow on purpose.)
 */
export const INGEST_P99_MS = 3000;

/** Properties of {@link PipelineAlarms}. */
export interface PipelineAlarmsProps {
  /** Name prefix of every alarm (the stack's `jobs-<stage>`); the alarm topic accepts only alarms so named. */
  readonly namePrefix: string;
  /** The functions whose errors page someone, by a short name used in the alarm's (`ingest`, `job-status`, …). */
  readonly functions: Readonly<Record<string, IFunction>>;
  /** The REST API, and the resource paths of its ingest routes (`/jobs/{id}` POST and `/jobs/{id}/batch` POST). */
  readonly api: RestApi;
  readonly ingestRoutes: readonly { readonly path: string; readonly method: string }[];
  /** The jobs table and the names of its indexes. */
  readonly table: ITable;
  readonly indexNames: readonly string[];
  /**
   * Where each alarm notifies, on alarm and back to OK.
   *
   * @default - no action: the alarms show in CloudWatch only
   */
  readonly action?: IAlarmAction;
}

/**
 * The pipeline's alarms beyond each queue's (`QueueAlarms`), named
 * `<prefix>-…`:
 *
 * - `<fn>-errors`: each named function failed an invocation (Lambda `Errors` > 0 in 5 minutes);
 * - `api-5xx`: the API answered a 5XX (`5XXError` > 0 in 5 minutes);
 * - `ingest-latency-p99`: an ingest route's p99 `Latency` over {@link INGEST_P99_MS} for
 *   two periods in a row (per-method metrics, which the stage enables);
 * - `table-throttles` and `index-<name>-throttles`: DynamoDB throttled reads or writes of the
 *   table, or of one index (an index that throttles its writes throttles the table's too);
 * - `stuck-jobs`: the stuck-job detector found jobs it could not repair (`StuckJobsUnrepaired` > 0).
 *
 * Missing data is not breaching: an idle function or an idle API is healthy.
 *
 * @example
 * new PipelineAlarms(this, 'PipelineAlarms', { namePrefix, functions: { ingest: ingest.function }, api, ingestRoutes, table, indexNames, action });
 */
export class PipelineAlarms extends Construct {
  /** Each function's errors alarm, by its short name. */
  public readonly functionErrors: ReadonlyMap<string, Alarm>;
  /** API 5XX answers. */
  public readonly api5xx: Alarm;
  /** Ingest routes' p99 latency. */
  public readonly ingestLatency: Alarm;
  /** Throttles of the table, and of each index by name. */
  public readonly tableThrottles: Alarm;
  public readonly indexThrottles: ReadonlyMap<string, Alarm>;
  /** Stuck jobs the detector could not repair. */
  public readonly stuckJobs: Alarm;
  /** Every alarm above. */
  public readonly alarms: readonly Alarm[];

  public constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    if (props.ingestRoutes.length === 0) {
      throw new ConfigError(`PipelineAlarms ${id}: ingestRoutes must name at least one route; got none. Fix: pass [{ path: '/jobs/{id}', method: 'POST' }]`);
    }
    const name = (suffix: string) => `${props.namePrefix}-${suffix}`;
    const above = (alarmId: string, suffix: string, description: string, metric: IMetric, threshold = 0, periods = 1): Alarm =>
      new Alarm(this, alarmId, {
        alarmName: name(suffix),
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: periods,
        datapointsToAlarm: periods,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });

    this.functionErrors = new Map(
      Object.entries(props.functions).map(([short, fn]) => [
        short,
        above(`${pascal(short)}Errors`, `${short}-errors`, `The ${short} function failed invocations (Lambda Errors). Look in its log group for the error.`,
          fn.metricErrors({ statistic: Stats.SUM, period: PERIOD })),
      ]),
    );

    this.api5xx = above('Api5xx', 'api-5xx', 'The API answered 5XX: a function failed or timed out behind it. See the API access log and the functions’ errors.',
      props.api.metricServerError({ statistic: Stats.SUM, period: PERIOD }));

    const latencies = Object.fromEntries(
      props.ingestRoutes.map((route, index) => [
        `l${index}`,
        new Metric({
          namespace: 'AWS/ApiGateway',
          metricName: 'Latency',
          dimensionsMap: { ApiName: props.api.restApiName, Stage: props.api.deploymentStage.stageName, Resource: route.path, Method: route.method },
          statistic: Stats.p(99),
          period: PERIOD,
        }),
      ]),
    );
    this.ingestLatency = above('IngestLatency', 'ingest-latency-p99',
      `The ingest routes' p99 latency was over ${INGEST_P99_MS} ms for 10 minutes. Check the ingest function's duration and DynamoDB and SQS throttling.`,
      maxOf(latencies, 'ingest p99 latency (ms)'), INGEST_P99_MS, 2);

    this.tableThrottles = above('TableThrottles', 'table-throttles',
      'DynamoDB throttled reads or writes of the jobs table: a hot partition or a burst. Check which keys (CloudWatch Contributor Insights).',
      throttles(props.table.tableName));
    this.indexThrottles = new Map(
      props.indexNames.map((indexName) => [
        indexName,
        above(`Index${pascal(indexName)}Throttles`, `index-${indexName}-throttles`,
          `DynamoDB throttled the ${indexName} index; a throttled index write throttles the table's writes too.`,
          throttles(props.table.tableName, indexName)),
      ]),
    );

    this.stuckJobs = above('StuckJobs', 'stuck-jobs',
      'The stuck-job detector found jobs that stopped moving and could not repair them. Its log names each job; fail or redrive them by hand.',
      new Metric({ namespace: METRICS_NAMESPACE, metricName: STUCK_UNREPAIRED_METRIC, dimensionsMap: { service: METRICS_SERVICE }, statistic: Stats.MAXIMUM, period: PERIOD }));

    this.alarms = [...this.functionErrors.values(), this.api5xx, this.ingestLatency, this.tableThrottles, ...this.indexThrottles.values(), this.stuckJobs];
    if (props.action) {
      for (const alarm of this.alarms) {
        alarm.addAlarmAction(props.action);
        alarm.addOkAction(props.action);
      }
    }
  }
}

/** Read and write throttle events of the table, or of one of its indexes, summed. */
function throttles(tableName: string, indexName?: string): IMetric {
  const dimensionsMap = { TableName: tableName, ...(indexName === undefined ? {} : { GlobalSecondaryIndexName: indexName }) };
  const metric = (metricName: string) => new Metric({ namespace: 'AWS/DynamoDB', metricName, dimensionsMap, statistic: Stats.SUM, period: PERIOD });
  return new MathExpression({
    // SUM over the series, not r + w: a period with write throttles only (no read datapoint) still counts.
    expression: 'SUM([r, w])',
    usingMetrics: { r: metric('ReadThrottleEvents'), w: metric('WriteThrottleEvents') },
    label: `throttle events, ${indexName ?? tableName}`,
    period: PERIOD,
  });
}

function maxOf(metrics: Record<string, IMetric>, label: string): IMetric {
  const keys = Object.keys(metrics);
  const [only] = keys;
  if (keys.length === 1 && only !== undefined) return metrics[only] as IMetric;
  return new MathExpression({ expression: `MAX([${keys.join(', ')}])`, usingMetrics: metrics, label, period: PERIOD });
}

function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => `${part[0]?.toUpperCase() ?? ''}${part.slice(1)}`)
    .join('');
}
