import { describe, expect, it } from 'vitest';
import { mappingSpecs } from '../../../local/cloud/event-source-mappings';
import { scheduleSpecs } from '../../../local/cloud/schedules';
import { aFunction, aQueue, aTemplate, localOf } from './template-factory';

const template = aTemplate({
  Work: aQueue({ QueueName: 'work' }),
  Fn: aFunction({ FunctionName: 'consumer' }),
  FromWork: {
    Type: 'AWS::Lambda::EventSourceMapping',
    Properties: {
      FunctionName: { Ref: 'Fn' },
      EventSourceArn: { 'Fn::GetAtt': ['Work', 'Arn'] },
      BatchSize: 5,
      MaximumBatchingWindowInSeconds: 2,
      ScalingConfig: { MaximumConcurrency: 4 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      Enabled: false,
    },
  },
  FromStream: { Type: 'AWS::Lambda::EventSourceMapping', Properties: { FunctionName: { Ref: 'Fn' }, EventSourceArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/x' } },
  Every: {
    Type: 'AWS::Events::Rule',
    Properties: {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Targets: [
        { Arn: { 'Fn::GetAtt': ['Fn', 'Arn'] }, Id: 'T0' },
        { Arn: 'arn:aws:sqs:us-east-1:000000000000:elsewhere', Id: 'T1' },
        { Arn: { 'Fn::GetAtt': ['Fn', 'Arn'] }, Id: 'T2', Input: '{"mode":"full"}' },
      ],
    },
  },
  Off: { Type: 'AWS::Events::Rule', Properties: { ScheduleExpression: 'rate(1 minute)', State: 'DISABLED', Targets: [] } },
  Pattern: { Type: 'AWS::Events::Rule', Properties: { EventPattern: { source: ['x'] }, Targets: [] } },
});
const { scope } = localOf(template);
const ofType = (type: string) => Object.entries(template.Resources ?? {}).filter(([, resource]) => resource.Type === type);

describe('mappingSpecs', () => {
  it('reads an SQS mapping’s settings and leaves out other sources, saying so', () => {
    // Act
    const { specs, unsupported } = mappingSpecs(ofType('AWS::Lambda::EventSourceMapping'), scope, (arn) =>
      arn.endsWith(':work') ? 'http://queue/work' : undefined,
    );

    // Assess
    expect(specs).toHaveLength(1);
    expect(specs[0]).toMatchObject({
      queueUrl: 'http://queue/work',
      state: {
        functionName: 'consumer',
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:consumer',
        eventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:work',
        enabled: false,
        batchSize: 5,
        maximumBatchingWindowInSeconds: 2,
        maximumConcurrency: 4,
        reportBatchItemFailures: true,
      },
    });
    expect(specs[0]?.state.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(unsupported).toEqual(['FromStream (source arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/x)']);
  });
});

describe('scheduleSpecs', () => {
  it('schedules function targets of enabled schedule rules, with their constant input, and says what it skips', () => {
    // Act
    const { specs, skipped } = scheduleSpecs(ofType('AWS::Events::Rule'), scope, (arn) => arn.split(':function:')[1]);

    // Assess
    expect(specs.map((spec) => [spec.functionName, spec.schedule.expression, spec.input])).toEqual([
      ['consumer', 'rate(5 minutes)', undefined],
      ['consumer', 'rate(5 minutes)', { mode: 'full' }],
    ]);
    expect(specs[0]?.ruleArn).toMatch(/^arn:aws:events:us-east-1:000000000000:rule\/Demo-Every-/);
    expect(skipped).toEqual([
      'Every target T1: only function targets are emulated',
      'Off: DISABLED',
      'Pattern: event-pattern rules are not emulated',
    ]);
  });
});
