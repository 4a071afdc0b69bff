import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  type AlarmProps,
  ComparisonOperator,
  MathExpression,
  Metric,
  Stats,
  TreatMissingData,
  type IAlarmAction,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { CIRCUIT_OPENED_METRIC, METRICS_NAMESPACE, METRICS_SERVICE } from '../functions/adapters/emf-metrics';
import type { JobQueues } from './job-queues';
import type { QueueConsumer } from './queue-consumer';

/** SQS publishes queue metrics once a minute. */
const QUEUE_PERIOD = Duration.minutes(1);

/** Lambda errors and throttles are summed over five minutes. */
const FUNCTION_PERIOD = Duration.minutes(5);

/**
 * Minutes in a row the oldest message must be past its threshold: a job sent
 * with the longest SQS delay (15 min) or just released from a backoff is
 * taken within a minute, and must not page anyone.
 */
export const OLDEST_MESSAGE_MINUTES = 3;

/** Properties of {@link QueueAlarms}. */
export interface QueueAlarmsProps {
  /** The queue's lanes and DLQ; its catalog entry holds the age threshold (`oldestMessageAlarmSeconds`). */
  readonly queues: JobQueues;
  /** The queue's consumer. */
  readonly consumer: QueueConsumer;
  /**
   * Where each alarm notifies, on alarm and back to OK.
   *
   * @default - no action: the alarms show in CloudWatch only
   */
  readonly action?: IAlarmAction;
}

/**
 * One catalog queue's alarms, named `<prefix>-<queue>-…`:
 *
 * - `dlq-not-empty`: the DLQ holds a message (`ApproximateNumberOfMessagesVisible` > 0, 1 minute);
 * - `oldest-message`: the oldest message of any lane has waited longer than the
 *   entry's `oldestMessageAlarmSeconds` (maximum of the lanes'
 *   `ApproximateAgeOfOldestMessage`) for {@link OLDEST_MESSAGE_MINUTES} minutes;
 * - `consumer-errors`: the consumer function failed an invocation (`Errors` > 0
 *   in 5 minutes: a crash or timeout, not a job failure, which the consumer reports per message);
 * - `consumer-throttles`: the consumer was throttled (`Throttles` > 0 in 5
 *   minutes). Left out when throttles are by design: a consumer whose reserved
 *   concurrency is below its mappings' minimum (a concurrency of 1) is throttled
 *   whenever it has a backlog, and its `deferralAllowance` absorbs that.
 *
 * - `recursion-dropped`: Lambda stopped a recursive chain of the consumer
 *   (`RecursiveInvocationsDropped` > 0 in 5 minutes). The consumer allows its
 *   own loop (deferrals re-send to its queue), so any drop means that setting
 *   is missing and a deferred job's message was lost to the loop detection.
 * - `endpoint-circuit-opened`, on a queue whose jobs may name an endpoint
 *   (catalog `endpoints`): the circuit breaker of an endpoint it delivers to
 *   opened, or opened again after a failed probe (`EndpointCircuitOpened` > 0
 *   in 5 minutes). It stays in alarm while the endpoint is down and its probes
 *   fail, and returns to OK five minutes after the last one.
 *
 * Missing data is not breaching: an idle function and a queue SQS has stopped
 * reporting on (empty for hours) are healthy.
 *
 * @example
 * new QueueAlarms(this, 'payments', { queues, consumer, action: new SnsAction(topic) });
 */
export class QueueAlarms extends Construct {
  /** The DLQ holds messages. */
  public readonly deadLetters: Alarm;
  /** The oldest waiting job has waited too long. */
  public readonly oldestMessage: Alarm;
  /** The consumer function failed invocations. */
  public readonly consumerErrors: Alarm;
  /** The consumer function was throttled; undefined where throttles are by design. */
  public readonly consumerThrottles?: Alarm;
  /** Lambda dropped recursive invocations of the consumer. */
  public readonly recursionDropped: Alarm;
  /** An endpoint's circuit opened; only on a queue whose catalog entry has `endpoints`. */
  public readonly endpointCircuitOpened?: Alarm;
  /** Every alarm above. */
  public readonly alarms: readonly Alarm[];

  public constructor(scope: Construct, id: string, props: QueueAlarmsProps) {
    super(scope, id);
    const { definition, namePrefix } = props.queues;
    const name = (suffix: string) => `${namePrefix}-${definition.name}-${suffix}`;
    const fn = props.consumer.handler.function;
    const threshold = definition.oldestMessageAlarmSeconds;

    this.deadLetters = anyAbove(this, 'DeadLetters', {
      alarmName: name('dlq-not-empty'),
      alarmDescription:
        `Jobs of the ${definition.name} queue are in its dead-letter queue. ` +
        `See why: npm run ops -- failed ${definition.name}; after a fix: npm run ops -- redrive ${definition.name} --all.`,
      metric: props.queues.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: Stats.MAXIMUM, period: QUEUE_PERIOD }),
    });

    this.oldestMessage = new Alarm(this, 'OldestMessage', {
      alarmName: name('oldest-message'),
      alarmDescription:
        `A job of the ${definition.name} queue has waited over ${threshold} s (catalog oldestMessageAlarmSeconds). ` +
        `Check the consumer's errors and throttles, and whether the queue is paused: npm run ops -- queues.`,
      metric: oldestAge(props.queues),
      threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: OLDEST_MESSAGE_MINUTES,
      datapointsToAlarm: OLDEST_MESSAGE_MINUTES,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    this.consumerErrors = anyAbove(this, 'ConsumerErrors', {
      alarmName: name('consumer-errors'),
      alarmDescription:
        `The ${definition.name} consumer crashed or timed out (Lambda Errors); its batch returns after the visibility timeout. ` +
        'Look in its log group for the error.',
      metric: fn.metricErrors({ statistic: Stats.SUM, period: FUNCTION_PERIOD }),
    });

    if (!throttledByDesign(props.consumer)) {
      this.consumerThrottles = anyAbove(this, 'ConsumerThrottles', {
        alarmName: name('consumer-throttles'),
        alarmDescription:
          `The ${definition.name} consumer was throttled although its reserved concurrency covers its mappings' maximum: ` +
          'check the reserved concurrency and the account limit.',
        metric: fn.metricThrottles({ statistic: Stats.SUM, period: FUNCTION_PERIOD }),
      });
    }

    this.recursionDropped = anyAbove(this, 'RecursionDropped', {
      alarmName: name('recursion-dropped'),
      alarmDescription:
        `Lambda stopped a recursive loop of the ${definition.name} consumer (RecursiveInvocationsDropped): deferred jobs were not re-sent. ` +
        'Check that the function has RecursiveLoop set to Allow; the reconciler re-sends jobs left waiting.',
      metric: new Metric({
        namespace: 'AWS/Lambda',
        metricName: 'RecursiveInvocationsDropped',
        dimensionsMap: { FunctionName: fn.functionName },
        statistic: Stats.SUM,
        period: FUNCTION_PERIOD,
      }),
    });

    if (definition.endpoints) {
      this.endpointCircuitOpened = anyAbove(this, 'EndpointCircuitOpened', {
        alarmName: name('endpoint-circuit-opened'),
        alarmDescription:
          `The circuit breaker of an endpoint the ${definition.name} queue delivers to opened: the user's app failed ` +
          'its threshold of deliveries in a row, and its jobs wait out the cool-down. The consumer\'s log ("endpoint circuit opened") ' +
          'names the endpoint; see it with npm run ops -- endpoint <endpoint_id>.',
        metric: new Metric({
          namespace: METRICS_NAMESPACE,
          metricName: CIRCUIT_OPENED_METRIC,
          dimensionsMap: { service: METRICS_SERVICE, queue: definition.name },
          statistic: Stats.SUM,
          period: FUNCTION_PERIOD,
        }),
      });
    }

    this.alarms = [
      this.deadLetters,
      this.oldestMessage,
      this.consumerErrors,
      ...(this.consumerThrottles ? [this.consumerThrottles] : []),
      this.recursionDropped,
      ...(this.endpointCircuitOpened ? [this.endpointCircuitOpened] : []),
    ];
    if (props.action) {
      for (const alarm of this.alarms) {
        alarm.addAlarmAction(props.action);
        alarm.addOkAction(props.action);
      }
    }
  }
}

/**
 * Whether the consumer's reserved concurrency is below what its mappings may
 * poll with, so throttles are expected (a catalog `concurrency` of 1).
 *
 * @example
 * if (!throttledByDesign(consumer)) new Alarm(this, 'Throttles', { metric: consumer.handler.function.metricThrottles(), threshold: 0, evaluationPeriods: 1 });
 */
export function throttledByDesign(consumer: QueueConsumer): boolean {
  const polling = Object.values(consumer.sizing.laneMaximumConcurrency).reduce((sum, value) => sum + value, 0);
  return consumer.sizing.reservedConcurrency < polling;
}

/**
 * The age of the oldest message over the queue's lanes, per minute: the lane's
 * own metric, or `MAX([...])` of several.
 *
 * @example
 * new GraphWidget({ title: 'oldest message (s)', left: [oldestAge(queues)] });
 */
export function oldestAge(queues: JobQueues): IMetric {
  const metrics = queues.lanes.map(
    (lane) => [lane, queues.laneQueue(lane).metricApproximateAgeOfOldestMessage({ statistic: Stats.MAXIMUM, period: QUEUE_PERIOD })] as const,
  );
  const [only] = metrics;
  if (metrics.length === 1 && only) return only[1];
  return new MathExpression({
    expression: `MAX([${metrics.map(([lane]) => lane).join(', ')}])`,
    usingMetrics: Object.fromEntries(metrics),
    label: `oldest message, ${queues.definition.name} (all lanes)`,
    period: QUEUE_PERIOD,
  });
}

/** What an alarm on any occurrence needs: the rest is the same for all of them. */
type AnyAboveProps = Pick<AlarmProps, 'alarmName' | 'alarmDescription' | 'metric'>;

/** An alarm on any occurrence in one period (> 0), quiet while there is no data. */
function anyAbove(scope: Construct, id: string, props: AnyAboveProps): Alarm {
  return new Alarm(scope, id, {
    ...props,
    threshold: 0,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}
