import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { lanesOf } from '../../functions/core/lanes';
import { parseCatalog, type QueueDefinitionInput } from '../../functions/core/queue-config';
import { deadLetterQueueName, laneQueueName } from '../../functions/core/queue-names';
import { catalog } from '../../lib/catalog';
import { JobQueues } from '../../lib/job-queues';
import { JobsTable } from '../../lib/jobs-table';
import { OLDEST_MESSAGE_MINUTES, QueueAlarms } from '../../lib/queue-alarms';
import { QueueConsumer } from '../../lib/queue-consumer';
import { SigningSecret } from '../../lib/signing-secret';
import { aQueueDefinition } from '../helpers/factories';
import { resourceAt, resourcesOf, synthPipeline, testStack, type TemplateResource } from './support';

const definitions = parseCatalog(catalog);
const { template, stack } = synthPipeline();
/**
 * Per queue: DLQ, oldest message, errors, throttles (not report-generation, by design), dropped recursion;
 * and an opened endpoint circuit on the queues whose jobs may name an endpoint.
 */
const endpointQueues = definitions.filter((definition) => definition.endpoints);
const queueAlarmCount = definitions.length * 5 - 1 + endpointQueues.length;
/** The pipeline's own alarms (functions, API, table, stuck jobs): see pipeline-alarms.test.ts. */
const pipelineAlarmCount = (): number => stack.pipelineAlarms.alarms.length;

const queueIdNamed = (source: Template, name: string): string => {
  const match = Object.entries(resourcesOf(source, 'AWS::SQS::Queue')).find(([, queue]) => queue.Properties?.QueueName === name);
  if (!match) throw new Error(`no queue named ${name}`);
  return match[0];
};
const alarmNamed = (source: Template, name: string): TemplateResource => {
  const alarm = Object.values(resourcesOf(source, 'AWS::CloudWatch::Alarm')).find((candidate) => candidate.Properties?.AlarmName === name);
  if (!alarm) throw new Error(`no alarm named ${name}`);
  return alarm;
};
const queueNameOf = (queueId: string) => [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }];

describe('QueueAlarms in the pipeline stack', () => {
  it.each(definitions.map((definition) => [definition.name, definition] as const))(
    '%s alarms when its DLQ holds a message',
    (name, definition) => {
      expect(alarmNamed(template, `jobs-dev-${name}-dlq-not-empty`).Properties).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: queueNameOf(queueIdNamed(template, deadLetterQueueName('jobs-dev', definition))),
        Statistic: 'Maximum',
        Period: 60,
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
      });
    },
  );

  it.each(definitions.map((definition) => [definition.name, definition] as const))(
    '%s alarms when the oldest message of any lane is past the catalog threshold',
    (name, definition) => {
      const alarm = alarmNamed(template, `jobs-dev-${name}-oldest-message`).Properties ?? {};
      expect(alarm).toMatchObject({
        Threshold: definition.oldestMessageAlarmSeconds,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: OLDEST_MESSAGE_MINUTES,
        DatapointsToAlarm: OLDEST_MESSAGE_MINUTES,
        TreatMissingData: 'notBreaching',
      });
      const lanes = lanesOf(definition);
      const laneMetrics = lanes.map((lane) => ({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: queueNameOf(queueIdNamed(template, laneQueueName('jobs-dev', definition, lane))),
      }));
      if (lanes.length === 1) {
        expect(alarm).toMatchObject({ ...laneMetrics[0], Statistic: 'Maximum', Period: 60 });
        return;
      }
      const metrics = alarm.Metrics as { Id: string; Expression?: string; MetricStat?: { Metric: unknown; Stat: string; Period: number } }[];
      expect(metrics.find((metric) => metric.Expression)?.Expression).toBe(`MAX([${lanes.join(', ')}])`);
      const stats = metrics.filter((metric) => metric.MetricStat);
      expect(stats.map((metric) => metric.Id).sort()).toEqual([...lanes].sort());
      for (const [index, lane] of lanes.entries()) {
        expect(stats.find((metric) => metric.Id === lane)?.MetricStat).toEqual({ Metric: laneMetrics[index], Stat: 'Maximum', Period: 60 });
      }
    },
  );

  it('takes the age threshold from the catalog: 15 minutes unless an entry says otherwise', () => {
    const thresholds = Object.fromEntries(
      definitions.map((definition) => [definition.name, alarmNamed(template, `jobs-dev-${definition.name}-oldest-message`).Properties?.Threshold]),
    );
    expect(thresholds['report-generation']).toBe(3600);
    expect(thresholds.payments).toBe(900);
    expect(Object.values(thresholds).filter((threshold) => threshold === 900)).toHaveLength(definitions.length - 1);
  });

  it.each(definitions.map((definition) => [definition.name] as const))('%s alarms on its consumer’s errors and, unless by design, throttles', (name) => {
    const [functionId] = resourceAt(template, 'AWS::Lambda::Function', `JobPipeline/Consumers/${name}/Handler/Function`);
    const onFunction = { Namespace: 'AWS/Lambda', Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId } }], Statistic: 'Sum', Period: 300 };
    expect(alarmNamed(template, `jobs-dev-${name}-consumer-errors`).Properties).toMatchObject({
      ...onFunction,
      MetricName: 'Errors',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    const throttles = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).filter(
      (alarm) => alarm.Properties?.AlarmName === `jobs-dev-${name}-consumer-throttles`,
    );
    // report-generation runs one job at a time under mappings that poll with 2: its throttles are expected.
    if (name === 'report-generation') {
      expect(throttles).toEqual([]);
    } else {
      expect(throttles[0]?.Properties).toMatchObject({ ...onFunction, MetricName: 'Throttles', Threshold: 0 });
    }
  });

  it('alarms when an endpoint circuit of webhook-delivery opens, and only for queues whose jobs may name an endpoint', () => {
    // Assess
    expect(endpointQueues.map((definition) => definition.name)).toEqual(['webhook-delivery']);
    expect(alarmNamed(template, 'jobs-dev-webhook-delivery-endpoint-circuit-opened').Properties).toMatchObject({
      Namespace: 'JobPipeline',
      MetricName: 'EndpointCircuitOpened',
      Dimensions: [
        { Name: 'queue', Value: 'webhook-delivery' },
        { Name: 'service', Value: 'job-pipeline' },
      ],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
    const circuitAlarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).filter((alarm) =>
      String(alarm.Properties?.AlarmName).endsWith('-endpoint-circuit-opened'),
    );
    expect(circuitAlarms).toHaveLength(1);
  });

  it('has no alarm actions and no topic without alarmEmail', () => {
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.resourceCountIs('AWS::CloudWatch::Alarm', queueAlarmCount + pipelineAlarmCount());
    for (const alarm of Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties?.AlarmActions).toBeUndefined();
      expect(alarm.Properties?.OKActions).toBeUndefined();
    }
    expect(Object.keys(template.findOutputs('AlarmTopicArn'))).toEqual([]);
  });

  it('notifies every alarm to the topic, on alarm and back to OK, with alarmEmail', () => {
    // Act
    const { template: notified } = synthPipeline({ context: { alarmEmail: 'ops@example.com' } });

    // Assess
    const [topicId] = resourceAt(notified, 'AWS::SNS::Topic', 'JobPipeline/AlarmTopic/Topic');
    const alarms = Object.values(resourcesOf(notified, 'AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(queueAlarmCount + pipelineAlarmCount());
    for (const alarm of alarms) {
      expect(alarm.Properties).toMatchObject({ AlarmActions: [{ Ref: topicId }], OKActions: [{ Ref: topicId }] });
    }
    notified.hasOutput('AlarmTopicArn', { Value: { Ref: topicId } });
  });
});

describe('QueueAlarms', () => {
  function alarmsFor(overrides: Partial<QueueDefinitionInput>) {
    const stack = testStack();
    const definition = aQueueDefinition(overrides);
    const jobs = new JobsTable(stack, 'Jobs');
    const queues = new JobQueues(stack, 'Queues', { definition, namePrefix: 'jobs-test' });
    const consumer = new QueueConsumer(stack, 'Consumer', {
      queues,
      jobs,
      signingSecret: new SigningSecret(stack, 'Secret', { queueName: definition.name }),
      targetUrl: 'https://processor.example.com/x',
      queueUrlBase: 'https://sqs.eu-west-1.amazonaws.com/123456789012',
    });
    const alarms = new QueueAlarms(stack, 'Alarms', { queues, consumer });
    return { alarms, template: Template.fromStack(stack), definition };
  }

  it('uses an entry’s own oldestMessageAlarmSeconds', () => {
    // Act
    const { template: own, definition } = alarmsFor({ oldestMessageAlarmSeconds: 120 });

    // Assess
    expect(alarmNamed(own, `jobs-test-${definition.name}-oldest-message`).Properties?.Threshold).toBe(120);
  });

  it('alarms on an opened endpoint circuit only for an entry with endpoints', () => {
    // Act
    const plain = alarmsFor({});
    const relay = alarmsFor({ endpoints: true });

    // Assess
    expect(plain.alarms.endpointCircuitOpened).toBeUndefined();
    expect(relay.alarms.endpointCircuitOpened).toBeDefined();
    expect(relay.alarms.alarms).toContain(relay.alarms.endpointCircuitOpened);
    expect(alarmNamed(relay.template, `jobs-test-${relay.definition.name}-endpoint-circuit-opened`).Properties).toMatchObject({
      MetricName: 'EndpointCircuitOpened',
      Dimensions: expect.arrayContaining([{ Name: 'queue', Value: relay.definition.name }]),
    });
  });

  it('alarms on throttles for a consumer whose reserved concurrency covers its mappings, not for one below them', () => {
    expect(alarmsFor({ concurrency: 2 }).alarms.consumerThrottles).toBeDefined();
    const single = alarmsFor({ concurrency: 1 });
    expect(single.alarms.consumerThrottles).toBeUndefined();
    expect(single.alarms.alarms).toHaveLength(4);
  });

  it.each(definitions.map((definition) => [definition.name] as const))('%s alarms when Lambda drops recursive invocations of its consumer', (name) => {
    // Assess: the consumer allows its own loop, so any drop is a lost deferral
    const alarm = alarmNamed(template, `jobs-dev-${name}-recursion-dropped`).Properties ?? {};
    expect(alarm).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'RecursiveInvocationsDropped',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
    expect(alarm.Dimensions).toEqual([{ Name: 'FunctionName', Value: { Ref: expect.stringMatching(/Consumer.*Handler.*Function/) } }]);
  });
});
