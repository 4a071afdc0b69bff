import { Duration } from 'aws-cdk-lib';
import {
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  Stats,
  TextWidget,
  type Alarm,
  type IMetric,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ConfigError } from '../functions/core/errors';
import type { JobQueues } from './job-queues';
import { oldestAge } from './queue-alarms';
import type { QueueConsumer } from './queue-consumer';

/**
 * The EMF metrics the consumers publish (`functions/adapters/emf-metrics.ts`,
 * kept equal by a test): namespace, the `service` dimension every metric
 * carries, and the `queue` dimension.
 */
export const PIPELINE_METRICS = {
  namespace: 'JobPipeline',
  service: 'job-pipeline',
  names: ['JobsCompleted', 'JobsFailed', 'JobsRetried', 'JobsDeadLettered', 'ProcessingTime', 'QueueWait'],
} as const;

/** One of the EMF metric names. */
export type PipelineMetricName = (typeof PIPELINE_METRICS.names)[number];

/** CloudWatch shows at most this many alarms in one alarm status widget. */
const ALARMS_PER_WIDGET = 100;

const PERIOD = Duration.minutes(1);

/** Properties of {@link OperationsDashboard}. */
export interface OperationsDashboardProps {
  /** The dashboard's name (letters, digits, `-`, `_`; at most 255). */
  readonly dashboardName: string;
  /** Every catalog queue's lanes and DLQ, by queue name, in catalog order. */
  readonly queues: ReadonlyMap<string, JobQueues>;
  /** Every catalog queue's consumer, by queue name. */
  readonly consumers: ReadonlyMap<string, QueueConsumer>;
  /**
   * Alarms shown in a status widget at the top.
   *
   * @default - none: no status widget
   */
  readonly alarms?: readonly Alarm[];
}

/**
 * One CloudWatch dashboard for the whole pipeline: the alarms' states at the
 * top, then a row per catalog queue with
 *
 * - depth: visible and in-flight messages per lane;
 * - oldest message age (maximum over the lanes) against the alarm threshold;
 * - throughput: jobs completed (EMF `JobsCompleted`) and messages sent to the lanes;
 * - failures: `JobsFailed`, `JobsRetried`, `JobsDeadLettered`, and the consumer's Lambda errors and throttles;
 * - the DLQ's depth;
 * - timing: `ProcessingTime` p50 / p99 and `QueueWait` p90.
 *
 * @example
 * new OperationsDashboard(this, 'Dashboard', { dashboardName: 'jobs-dev-operations', queues, consumers, alarms });
 */
export class OperationsDashboard extends Construct {
  /** The dashboard. */
  public readonly dashboard: Dashboard;

  public constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(props.dashboardName)) {
      throw new ConfigError(`OperationsDashboard ${id}: dashboardName must be 1–255 letters, digits, - or _; got "${props.dashboardName}"`);
    }
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
    });

    this.dashboard.addWidgets(
      new TextWidget({
        width: 24,
        height: 2,
        markdown:
          '# Job pipeline\n' +
          'Per queue: depth, oldest message, throughput, failures, dead-letter queue and timing. ' +
          'Failed jobs and redrive: `npm run ops -- failed <queue>`, `npm run ops -- redrive <queue> --all`. ' +
          'Logs Insights saved queries: "dead-lettered jobs by reason", "one job\'s trail by id".',
      }),
    );
    const alarms = props.alarms ?? [];
    for (let start = 0; start < alarms.length; start += ALARMS_PER_WIDGET) {
      const chunk = alarms.slice(start, start + ALARMS_PER_WIDGET);
      this.dashboard.addWidgets(
        new AlarmStatusWidget({ title: 'Alarms', alarms: [...chunk], width: 24, height: Math.min(2 + Math.ceil(chunk.length / 4), 12) }),
      );
    }

    for (const [name, queues] of props.queues) {
      const consumer = props.consumers.get(name);
      if (!consumer) throw new ConfigError(`OperationsDashboard ${id}: queue ${name} has no consumer; pass every queue's consumer`);
      const [header, ...graphs] = queueRow(queues, consumer);
      if (header) this.dashboard.addWidgets(header);
      this.dashboard.addWidgets(...graphs);
    }
  }
}

/**
 * One queue's EMF metric, per minute.
 *
 * @example
 * pipelineMetric('payments', 'JobsCompleted', Stats.SUM, 'completed');
 */
export function pipelineMetric(queue: string, name: PipelineMetricName, statistic: string, label?: string): Metric {
  return new Metric({
    namespace: PIPELINE_METRICS.namespace,
    metricName: name,
    dimensionsMap: { service: PIPELINE_METRICS.service, queue },
    statistic,
    period: PERIOD,
    label,
  });
}

/** A queue's header line, then its six graphs (24 columns). */
function queueRow(queues: JobQueues, consumer: QueueConsumer): IWidget[] {
  const { definition } = queues;
  const queue = definition.name;
  const lanes = queues.lanes.map((lane) => [lane, queues.laneQueue(lane)] as const);
  const fn = consumer.handler.function;
  const height = 6;
  const threshold = definition.oldestMessageAlarmSeconds;
  const lanesNote = queues.lanes.length > 1 ? `lanes ${queues.lanes.join(', ')}` : definition.fifo ? 'FIFO' : 'one lane';
  return [
    new TextWidget({
      width: 24,
      height: 1,
      markdown: `### ${queue} · ${lanesNote} · concurrency ${definition.concurrency} · ${definition.attempts} attempts · age alarm > ${threshold} s`,
    }),
    new GraphWidget({
      title: `${queue}: depth`,
      width: 6,
      height,
      stacked: true,
      left: lanes.flatMap(([lane, laneQueue]) => [
        laneQueue.metricApproximateNumberOfMessagesVisible({ statistic: Stats.MAXIMUM, period: PERIOD, label: `${lane} waiting` }),
        laneQueue.metricApproximateNumberOfMessagesNotVisible({ statistic: Stats.MAXIMUM, period: PERIOD, label: `${lane} in flight` }),
      ]),
    }),
    new GraphWidget({
      title: `${queue}: oldest message (s)`,
      width: 4,
      height,
      left: [oldestAge(queues)],
      leftAnnotations: [{ value: threshold, label: 'alarm' }],
    }),
    new GraphWidget({
      title: `${queue}: throughput / min`,
      width: 4,
      height,
      left: [pipelineMetric(queue, 'JobsCompleted', Stats.SUM, 'completed'), sumOver(lanes, 'sent to lanes')],
    }),
    new GraphWidget({
      title: `${queue}: failures / min`,
      width: 4,
      height,
      left: [
        pipelineMetric(queue, 'JobsFailed', Stats.SUM, 'failed'),
        pipelineMetric(queue, 'JobsRetried', Stats.SUM, 'retried'),
        pipelineMetric(queue, 'JobsDeadLettered', Stats.SUM, 'dead-lettered'),
        fn.metricErrors({ statistic: Stats.SUM, period: PERIOD, label: 'consumer errors' }),
        fn.metricThrottles({ statistic: Stats.SUM, period: PERIOD, label: 'consumer throttles' }),
      ],
    }),
    new GraphWidget({
      title: `${queue}: dead-letter queue`,
      width: 3,
      height,
      left: [queues.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: Stats.MAXIMUM, period: PERIOD, label: 'messages' })],
    }),
    new GraphWidget({
      title: `${queue}: timing (ms)`,
      width: 3,
      height,
      left: [
        pipelineMetric(queue, 'ProcessingTime', Stats.p(50), 'processing p50'),
        pipelineMetric(queue, 'ProcessingTime', Stats.p(99), 'processing p99'),
        pipelineMetric(queue, 'QueueWait', Stats.p(90), 'queue wait p90'),
      ],
    }),
  ];
}

/** Messages sent to the queue's lanes per minute: the lane's metric, or their sum. */
function sumOver(lanes: readonly (readonly [string, Queue])[], label: string): IMetric {
  const metrics = lanes.map(([lane, queue]) => [lane, queue.metricNumberOfMessagesSent({ statistic: Stats.SUM, period: PERIOD })] as const);
  const [only] = metrics;
  if (metrics.length === 1 && only) return only[1].with({ label });
  return new MathExpression({
    expression: `SUM([${metrics.map(([lane]) => lane).join(', ')}])`,
    usingMetrics: Object.fromEntries(metrics),
    label,
    period: PERIOD,
  });
}
