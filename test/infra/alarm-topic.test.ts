import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { AlarmTopic } from '../../lib/alarm-topic';
import { resourceAt, resourcesOf, synthPipeline, testStack } from './support';

describe('AlarmTopic', () => {
  it('subscribes each address by email to an encrypted, TLS-only topic', () => {
    // Prepare
    const stack = testStack();

    // Act
    new AlarmTopic(stack, 'AlarmTopic', { emails: ['ops@example.com', 'oncall@example.com'], alarmNamePrefix: 'jobs-dev' });
    const template = Template.fromStack(stack);

    // Assess
    const [keyId] = resourceAt(template, 'AWS::KMS::Key', 'Test/AlarmTopic/Key');
    const [topicId] = resourceAt(template, 'AWS::SNS::Topic', 'Test/AlarmTopic/Topic');
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    for (const email of ['ops@example.com', 'oncall@example.com']) {
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: email, TopicArn: { Ref: topicId } });
    }
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
          }),
        ]),
      },
    });
    // Only the stack's own alarms may publish.
    const policy = JSON.stringify(Object.values(resourcesOf(template, 'AWS::SNS::TopicPolicy'))[0]?.Properties);
    expect(policy).toContain(':alarm:jobs-dev-*');
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
        ]),
      },
    });
  });

  it('refuses an empty address list with the -c option that fixes it', () => {
    expect(() => new AlarmTopic(testStack(), 'AlarmTopic', { emails: [], alarmNamePrefix: 'jobs-dev' })).toThrow(/-c alarmEmail=ops@example.com/);
  });

  it('is in the pipeline stack only with alarmEmail, and leaves no cdk-nag finding there', () => {
    // Act
    const { stack, template } = synthPipeline({ context: { alarmEmail: 'ops@example.com,oncall@example.com' } });

    // Assess
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::SNS::Subscription', 2);
    const result = new AwsSolutionsChecks(stack.node.root).validateScope(stack.node.root);
    expect(result.violations.map((violation) => violation.ruleName)).toEqual([]);
  });
});
