import { describe, expect, it } from 'vitest';
import { notEmulated, notEmulatedLine, reportGaps } from '../../../local/cloud/coverage';
import { aFunction, aQueue, aTemplate } from './template-factory';

describe('notEmulated', () => {
  it('lists the types the local cloud does not run, the most numerous first, leaving out CDK metadata', () => {
    // Prepare
    const template = aTemplate({
      Q: aQueue(),
      F: aFunction(),
      A1: { Type: 'AWS::CloudWatch::Alarm' },
      A2: { Type: 'AWS::CloudWatch::Alarm' },
      R: { Type: 'AWS::IAM::Role' },
      M: { Type: 'AWS::CDK::Metadata' },
      G: { Type: 'AWS::ApiGateway::GatewayResponse' },
      V: { Type: 'AWS::ApiGateway::RequestValidator' },
      Mo: { Type: 'AWS::ApiGateway::Model' },
    });

    // Act and assess
    expect(notEmulated(template)).toEqual([
      ['AWS::CloudWatch::Alarm', 2],
      ['AWS::IAM::Role', 1],
    ]);
    expect(notEmulatedLine(template)).toBe('not emulated: AWS::CloudWatch::Alarm ×2, AWS::IAM::Role ×1');
    expect(notEmulatedLine(aTemplate({ Q: aQueue() }))).toBeUndefined();
  });
});

describe('reportGaps', () => {
  it('logs each kind of gap once, on one line each', () => {
    // Prepare
    const lines: string[] = [];

    // Act
    reportGaps((line) => lines.push(line), {
      template: aTemplate({ A: { Type: 'AWS::CloudWatch::Alarm' } }),
      skippedAttributes: new Map([['SqsManagedSseEnabled', 3]]),
      ignoredTableProperties: ['PointInTimeRecoverySpecification', 'SSESpecification', 'PointInTimeRecoverySpecification'],
      skipped: ['OPTIONS /jobs (Cors): only Lambda proxy integrations are served; this is MOCK'],
      unresolved: [{ reference: 'Fn::GetAtt A.Arn', reason: 'AWS::CloudWatch::Alarm is not emulated' }],
      placeholdersIn: ['ingest.ALARM_ARN'],
    });

    // Assess
    expect(lines).toEqual([
      'not emulated: AWS::CloudWatch::Alarm ×1',
      'queue attributes the SQS emulator does not take (skipped): SqsManagedSseEnabled ×3',
      'table settings with no local effect: PointInTimeRecoverySpecification ×2, SSESpecification ×1',
      'not served: OPTIONS /jobs (Cors): only Lambda proxy integrations are served; this is MOCK',
      'unresolved in function environments: ingest.ALARM_ARN; from Fn::GetAtt A.Arn (AWS::CloudWatch::Alarm is not emulated)',
    ]);
  });
});
