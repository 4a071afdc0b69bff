import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { Schedules, type SchedulesProps } from '../../lib/schedules';
import { resourceAt, testStack } from './support';

function schedulesStack(props: Partial<SchedulesProps> = {}) {
  const stack = testStack();
  const fn = (id: string) =>
    new LambdaFunction(stack, id, { runtime: Runtime.NODEJS_24_X, handler: 'index.handler', code: Code.fromInline('exports.handler = 1') });
  const make = () => new Schedules(stack, 'Schedules', { sweeper: fn('SweeperFn'), reconciler: fn('ReconcilerFn'), ...props });
  return { stack, make };
}

describe('Schedules', () => {
  it('runs the sweeper every minute and the reconciler every 5 minutes', () => {
    // Prepare
    const { stack, make } = schedulesStack();

    // Act
    make();
    const template = Template.fromStack(stack);

    // Assess
    const [sweeperId] = resourceAt(template, 'AWS::Lambda::Function', 'Test/SweeperFn');
    const [reconcilerId] = resourceAt(template, 'AWS::Lambda::Function', 'Test/ReconcilerFn');
    const [, sweeperRule] = resourceAt(template, 'AWS::Events::Rule', 'Test/Schedules/SweeperRule');
    const [, reconcilerRule] = resourceAt(template, 'AWS::Events::Rule', 'Test/Schedules/ReconcilerRule');
    expect(sweeperRule.Properties).toMatchObject({
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [{ Arn: { 'Fn::GetAtt': [sweeperId, 'Arn'] }, RetryPolicy: { MaximumEventAgeInSeconds: 60 } }],
    });
    expect(reconcilerRule.Properties).toMatchObject({
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [{ Arn: { 'Fn::GetAtt': [reconcilerId, 'Arn'] }, RetryPolicy: { MaximumEventAgeInSeconds: 300 } }],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [sweeperId, 'Arn'] },
    });
  });

  it('refuses a period that is not whole minutes, naming it', () => {
    const { make } = schedulesStack({ sweepEvery: Duration.seconds(30) });
    expect(make).toThrow(/sweepEvery must be a whole number of minutes, at least 1; got 30 seconds/);
  });
});

describe('Schedules with a stuck-job detector', () => {
  it('runs the detector every 5 minutes, and only when one is given', () => {
    // Prepare
    const withDetector = schedulesStack();
    const without = schedulesStack();
    const detector = new LambdaFunction(withDetector.stack, 'DetectorFn', { runtime: Runtime.NODEJS_24_X, handler: 'index.handler', code: Code.fromInline('exports.handler = 1') });

    // Act
    const schedules = new Schedules(withDetector.stack, 'WithDetector', {
      sweeper: detector,
      reconciler: detector,
      stuckDetector: detector,
    });
    const plain = without.make();

    // Assess
    expect(schedules.stuckDetectorRule).toBeDefined();
    expect(plain.stuckDetectorRule).toBeUndefined();
    const [detectorId] = resourceAt(Template.fromStack(withDetector.stack), 'AWS::Lambda::Function', 'Test/DetectorFn');
    const [, rule] = resourceAt(Template.fromStack(withDetector.stack), 'AWS::Events::Rule', 'Test/WithDetector/StuckDetectorRule');
    expect(rule.Properties).toMatchObject({ ScheduleExpression: 'rate(5 minutes)', Targets: [{ Arn: { 'Fn::GetAtt': [detectorId, 'Arn'] } }] });
  });

  it('refuses a detector period that is not whole minutes', () => {
    // Prepare
    const { stack } = schedulesStack();
    const fn = new LambdaFunction(stack, 'Fn', { runtime: Runtime.NODEJS_24_X, handler: 'index.handler', code: Code.fromInline('exports.handler = 1') });

    // Act / Assess
    expect(() => new Schedules(stack, 'Bad', { sweeper: fn, reconciler: fn, stuckDetector: fn, detectEvery: Duration.seconds(90) })).toThrow(/detectEvery must be a whole number of minutes/);
  });
});
