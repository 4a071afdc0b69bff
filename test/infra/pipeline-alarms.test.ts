import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { INGEST_P99_MS } from '../../lib/pipeline-alarms';
import { resourcesOf, synthPipeline } from './support';

/** The pipeline stack once for every test: alarms are read, never changed. */
const { stack, template } = synthPipeline({ context: { alarmEmail: 'ops@example.com' } });

const alarmNamed = (name: string) => {
  const found = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).filter((alarm) => alarm.Properties?.AlarmName === name);
  expect(found, `alarm ${name}`).toHaveLength(1);
  return found[0]?.Properties ?? {};
};

describe('PipelineAlarms', () => {
  it('alarms on the errors of ingest, job-status, sweeper, reconciler and stuck detector, each notifying the topic', () => {
    // Act
    const names = ['ingest', 'job-status', 'sweeper', 'reconciler', 'stuck-detector'].map((fn) => `${stack.settings.namePrefix}-${fn}-errors`);

    // Assess
    for (const name of names) {
      expect(alarmNamed(name)).toMatchObject({
        MetricName: 'Errors',
        Namespace: 'AWS/Lambda',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: expect.stringMatching(/^AlarmTopic/) }],
        OKActions: [{ Ref: expect.stringMatching(/^AlarmTopic/) }],
      });
    }
  });

  it('alarms on API 5XX and on the ingest routes’ p99 latency, per method', () => {
    // Act
    const serverErrors = alarmNamed(`${stack.settings.namePrefix}-api-5xx`);
    const latency = alarmNamed(`${stack.settings.namePrefix}-ingest-latency-p99`);

    // Assess
    expect(serverErrors).toMatchObject({ MetricName: '5XXError', Namespace: 'AWS/ApiGateway', Threshold: 0 });
    expect(latency).toMatchObject({ Threshold: INGEST_P99_MS, EvaluationPeriods: 2, DatapointsToAlarm: 2 });
    const metrics = (latency.Metrics as { Id: string; Expression?: string; MetricStat?: { Stat: string; Metric: { Dimensions: { Name: string; Value: unknown }[] } } }[]);
    expect(metrics.find((metric) => metric.Expression !== undefined)?.Expression).toBe('MAX([l0, l1, l2, l3])');
    const routes = metrics
      .filter((metric) => metric.MetricStat !== undefined)
      .map((metric) => {
        const dims = Object.fromEntries((metric.MetricStat?.Metric.Dimensions ?? []).map((dim) => [dim.Name, dim.Value]));
        return [metric.MetricStat?.Stat, dims.Resource, dims.Method];
      });
    expect(routes).toEqual([
      ['p99', '/jobs/{id}', 'POST'],
      ['p99', '/jobs/{id}/batch', 'POST'],
      ['p99', '/webhook/{user_id}/{token}', 'POST'],
      ['p99', '/api/payments/intent/queue', 'POST'],
    ]);
  });

  it('alarms on DynamoDB throttles of the table and of each of its indexes, reads and writes summed', () => {
    // Act
    const indexes = ['schedule', 'failed'].map((index) => alarmNamed(`${stack.settings.namePrefix}-index-${index}-throttles`));
    const table = alarmNamed(`${stack.settings.namePrefix}-table-throttles`);

    // Assess
    for (const [index, alarm] of indexes.entries()) {
      const metrics = alarm.Metrics as { Expression?: string; MetricStat?: { Metric: { MetricName: string; Dimensions: { Name: string; Value: unknown }[] } } }[];
      expect(metrics.find((metric) => metric.Expression !== undefined)?.Expression).toBe('SUM([r, w])');
      const stats = metrics.filter((metric) => metric.MetricStat !== undefined);
      expect(stats.map((metric) => metric.MetricStat?.Metric.MetricName).sort()).toEqual(['ReadThrottleEvents', 'WriteThrottleEvents']);
      expect(stats[0]?.MetricStat?.Metric.Dimensions).toEqual(
        expect.arrayContaining([{ Name: 'GlobalSecondaryIndexName', Value: ['schedule', 'failed'][index] }]),
      );
    }
    expect(JSON.stringify(table.Metrics)).not.toContain('GlobalSecondaryIndexName');
  });

  it('alarms on stuck jobs the detector could not repair', () => {
    // Act
    const stuck = alarmNamed(`${stack.settings.namePrefix}-stuck-jobs`);

    // Assess
    expect(stuck).toMatchObject({
      MetricName: 'StuckJobsUnrepaired',
      Namespace: 'JobPipeline',
      Dimensions: [{ Name: 'service', Value: 'job-pipeline' }],
      Threshold: 0,
    });
  });
});

describe('the stuck-job detector in the stack', () => {
  it('runs every 5 minutes, reads the schedule index (no active index is left), and knows each queue’s times', () => {
    // Act
    const detector = Object.entries(resourcesOf(template, 'AWS::Lambda::Function')).find(([, fn]) =>
      JSON.stringify(fn.Properties?.Environment ?? {}).includes('"POWERTOOLS_SERVICE_NAME":"stuck-detector"'),
    );

    // Assess
    expect(detector).toBeDefined();
    const environment = (detector?.[1].Properties?.Environment as { Variables: Record<string, string> }).Variables;
    expect(JSON.parse(environment.QUEUE_TIMINGS ?? '{}')).toMatchObject({ payments: [expect.any(Number), expect.any(Number)] });
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [{ Arn: { 'Fn::GetAtt': [detector?.[0], 'Arn'] } }],
    });
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain('/index/schedule');
    expect(policies).not.toContain('/index/active');
  });
});
