import { describe, expect, it } from 'vitest';
import { atRestMonthlyCost, SECONDS_PER_MONTH } from '../../../bench/at-rest-cost';
import type { CfnResource, CfnTemplate } from '../../../local/cloud/template';

// Small template factories: just the properties the at-rest figures read.
const lambdaFunction = (memoryMb?: number): CfnResource => ({ Type: 'AWS::Lambda::Function', Properties: memoryMb === undefined ? {} : { MemorySize: memoryMb } });
const queue = (fifo = false): CfnResource => ({ Type: 'AWS::SQS::Queue', Properties: fifo ? { FifoQueue: true } : {} });
const mapping = (eventSourceArn: unknown): CfnResource => ({
  Type: 'AWS::Lambda::EventSourceMapping',
  Properties: { EventSourceArn: eventSourceArn, FunctionName: { Ref: 'Consumer' }, ScalingConfig: { MaximumConcurrency: 2 } },
});
const mappingOn = (queueId: string): CfnResource => mapping({ 'Fn::GetAtt': [queueId, 'Arn'] });
const rule = (expression: string, targetArn: unknown, state = 'ENABLED'): CfnResource => ({
  Type: 'AWS::Events::Rule',
  Properties: { ScheduleExpression: expression, State: state, Targets: [{ Arn: targetArn, Id: 'Target0' }] },
});
const scheduleOf = (expression: string, functionId: string): CfnResource => rule(expression, { 'Fn::GetAtt': [functionId, 'Arn'] });
const alias = (functionId: string, executions?: number): CfnResource => ({
  Type: 'AWS::Lambda::Alias',
  Properties: {
    FunctionName: { Ref: functionId },
    FunctionVersion: '1',
    Name: 'live',
    ...(executions === undefined ? {} : { ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: executions } }),
  },
});
const alarm = (properties: Record<string, unknown> = { MetricName: 'Errors', Namespace: 'AWS/Lambda', Period: 60 }): CfnResource => ({ Type: 'AWS::CloudWatch::Alarm', Properties: properties });
const metricStat = (id: string): Record<string, unknown> => ({ Id: id, MetricStat: { Metric: { MetricName: 'ApproximateAgeOfOldestMessage', Namespace: 'AWS/SQS' }, Period: 60, Stat: 'Maximum' }, ReturnData: false });
const templateOf = (resources: Record<string, CfnResource>): CfnTemplate => ({ Resources: resources });

/** Empty receives a month of one mapping's five pollers, each waiting 20 s: 5 × 2,628,000 s / 20. */
const POLLS_PER_MAPPING = 657_000;

describe('atRestMonthlyCost', () => {
  it('costs nothing for a template with nothing billed by the clock', () => {
    // Prepare
    const template = templateOf({ Jobs: { Type: 'AWS::DynamoDB::Table' }, Api: { Type: 'AWS::ApiGateway::RestApi' }, Worker: lambdaFunction(256) });

    // Act
    const cost = atRestMonthlyCost(template);

    // Assess
    expect(cost.usd_per_month).toBe(0);
    expect(Object.values(cost.by_item).map((item) => item.count)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(cost.skipped).toEqual([]);
  });

  it('prices a month as 730 hours', () => {
    // Assess
    expect(SECONDS_PER_MONTH).toBe(2_628_000);
  });

  it('prices each mapping\'s idle polls at the standard price, or the FIFO price when its queue is FIFO', () => {
    // Prepare: two mappings on standard queues, one on a FIFO queue of the template, one on a FIFO queue by literal ARN.
    const template = templateOf({
      Consumer: lambdaFunction(256),
      Normal: queue(),
      Urgent: queue(),
      Orders: queue(true),
      NormalMapping: mappingOn('Normal'),
      UrgentMapping: mappingOn('Urgent'),
      OrdersMapping: mappingOn('Orders'),
      ImportedMapping: mapping('arn:aws:sqs:eu-west-1:123456789012:imported.fifo'),
    });

    // Act
    const { idle_polls } = atRestMonthlyCost(template).by_item;

    // Assess: 657,000 requests a mapping, $0.40 a million standard, $0.50 a million FIFO.
    expect(idle_polls).toMatchObject({ count: 4, fifo: 2, requests_per_month: 4 * POLLS_PER_MAPPING });
    expect(idle_polls.usd_per_month).toBeCloseTo(2 * 0.2628 + 2 * 0.3285, 9);
  });

  it('bills an alarm per metric: one for a plain alarm, each MetricStat of a metric-math alarm, not its expression', () => {
    // Prepare
    const template = templateOf({
      Errors: alarm(),
      OldestMessage: alarm({ Metrics: [{ Expression: 'MAX([urgent, high, normal, low])', Id: 'expr_1', ReturnData: true }, ...['urgent', 'high', 'normal', 'low'].map(metricStat)] }),
    });

    // Act
    const { alarms } = atRestMonthlyCost(template).by_item;

    // Assess
    expect(alarms).toMatchObject({ count: 2, metrics: 5 });
    expect(alarms.usd_per_month).toBeCloseTo(0.5, 9);
  });

  it('prices dashboards at $3.00 and secrets at $0.40 a month each', () => {
    // Prepare
    const template = templateOf({
      Dashboard: { Type: 'AWS::CloudWatch::Dashboard' },
      PaymentsSecret: { Type: 'AWS::SecretsManager::Secret' },
      EmailSecret: { Type: 'AWS::SecretsManager::Secret' },
    });

    // Act
    const { dashboards, secrets } = atRestMonthlyCost(template).by_item;

    // Assess
    expect(dashboards.count).toBe(1);
    expect(dashboards.usd_per_month).toBeCloseTo(3, 9);
    expect(secrets.count).toBe(2);
    expect(secrets.usd_per_month).toBeCloseTo(0.8, 9);
  });

  it('prices a scheduled function\'s runs at its measured duration and memory, and is not an estimate then', () => {
    // Prepare: every 5 minutes is 8,760 runs a month; 40 ms at 512 MB.
    const template = templateOf({ Reconciler: lambdaFunction(512), ReconcilerRule: scheduleOf('rate(5 minutes)', 'Reconciler') });

    // Act
    const { schedules } = atRestMonthlyCost(template, { meanDurationMsOf: (id) => (id === 'Reconciler' ? 40 : undefined) }).by_item;

    // Assess: 8,760 × $0.20 a million + 8,760 × 0.04 s × 0.5 GB × $0.0000133334.
    expect(schedules).toMatchObject({ count: 1, invocations_per_month: 8760, estimated: false });
    expect(schedules.usd_per_month).toBeCloseTo(8760 * 0.2e-6 + 175.2 * 0.0000133334, 12);
  });

  it('takes an unmeasured scheduled run as 100 ms and marks the item estimated', () => {
    // Prepare: every minute is 43,800 runs a month, at 256 MB; the one-hour rule's function sets no memory (128 MB).
    const template = templateOf({
      Sweeper: lambdaFunction(256),
      Hourly: lambdaFunction(),
      SweeperRule: scheduleOf('rate(1 minute)', 'Sweeper'),
      HourlyRule: scheduleOf('rate(1 hour)', 'Hourly'),
    });

    // Act
    const { schedules } = atRestMonthlyCost(template).by_item;

    // Assess
    expect(schedules).toMatchObject({ count: 2, invocations_per_month: 43_800 + 730, estimated: true });
    const gbSeconds = 43_800 * 0.1 * 0.25 + 730 * 0.1 * 0.125;
    expect(schedules.usd_per_month).toBeCloseTo((43_800 + 730) * 0.2e-6 + gbSeconds * 0.0000133334, 12);
  });

  it('prices provisioned concurrency per configured GB-second at the Arm price, and an alias without it at nothing', () => {
    // Prepare
    const template = templateOf({ Consumer: lambdaFunction(256), Live: alias('Consumer', 3), Other: lambdaFunction(1024), OtherLive: alias('Other') });

    // Act
    const { provisioned_concurrency } = atRestMonthlyCost(template).by_item;

    // Assess: 3 × 0.25 GB × 2,628,000 s × $0.0000033334.
    expect(provisioned_concurrency).toMatchObject({ count: 3, gb_seconds_per_month: 1_971_000 });
    expect(provisioned_concurrency.usd_per_month).toBeCloseTo(6.5701314, 6);
  });

  it('totals every item', () => {
    // Prepare
    const template = templateOf({
      Consumer: lambdaFunction(256),
      Normal: queue(),
      NormalMapping: mappingOn('Normal'),
      Errors: alarm(),
      Dashboard: { Type: 'AWS::CloudWatch::Dashboard' },
      Secret: { Type: 'AWS::SecretsManager::Secret' },
      Rule: scheduleOf('rate(1 day)', 'Consumer'),
      Live: alias('Consumer', 1),
    });

    // Act
    const cost = atRestMonthlyCost(template, { meanDurationMsOf: () => 10 });

    // Assess
    const items = Object.values(cost.by_item);
    expect(items.every((item) => item.count > 0 && item.usd_per_month > 0)).toBe(true);
    expect(cost.usd_per_month).toBeCloseTo(items.reduce((sum, item) => sum + item.usd_per_month, 0), 12);
    expect(cost.usd_per_month).toBeGreaterThan(3 + 0.4 + 0.2628 + 0.1);
  });

  it('skips what it cannot price, says why, and prices the rest', () => {
    // Prepare
    const template = templateOf({
      Sweeper: lambdaFunction(256),
      Table: { Type: 'AWS::DynamoDB::Table' },
      Normal: queue(),
      Topic: { Type: 'AWS::SNS::Topic' },
      NormalMapping: mappingOn('Normal'),
      StreamMapping: mapping({ 'Fn::GetAtt': ['Table', 'StreamArn'] }),
      NightlyRule: scheduleOf('cron(0 3 * * ? *)', 'Sweeper'),
      TopicRule: rule('rate(1 hour)', { Ref: 'Topic' }),
      PausedRule: rule('rate(1 minute)', { 'Fn::GetAtt': ['Sweeper', 'Arn'] }, 'DISABLED'),
      BadRule: scheduleOf('rate(0 minutes)', 'Sweeper'),
      EventRule: { Type: 'AWS::Events::Rule', Properties: { EventPattern: { source: ['aws.s3'] }, Targets: [{ Arn: { 'Fn::GetAtt': ['Sweeper', 'Arn'] }, Id: 'Target0' }] } },
    });

    // Act
    const cost = atRestMonthlyCost(template);

    // Assess: an event-pattern rule is not a schedule, so it is neither priced nor skipped.
    expect(cost.skipped.map((skipped) => skipped.logical_id).sort()).toEqual(['BadRule', 'NightlyRule', 'PausedRule', 'StreamMapping', 'TopicRule']);
    expect(cost.skipped.find((skipped) => skipped.logical_id === 'NightlyRule')?.reason).toContain('only rate() schedules are priced');
    expect(cost.skipped.find((skipped) => skipped.logical_id === 'StreamMapping')?.reason).toContain('not an SQS queue');
    expect(cost.by_item.idle_polls.count).toBe(1);
    expect(cost.by_item.schedules.count).toBe(0);
    expect(cost.usd_per_month).toBeCloseTo(0.2628, 9);
  });
});
