import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { consumerSizing } from '../../functions/core/consumer-sizing';
import { maxReceiveCount } from '../../functions/core/lanes';
import { JobQueues } from '../../lib/job-queues';
import { aQueueDefinition } from '../helpers/factories';
import { resourceAt, resourcesOf, statementsOfRole, testStack } from './support';

function queuesTemplate(overrides: Parameters<typeof aQueueDefinition>[0] = {}, namePrefix = 'jobs-test') {
  const stack = testStack();
  const definition = aQueueDefinition(overrides);
  const queues = new JobQueues(stack, 'Queues', { definition, namePrefix });
  return { stack, definition, queues };
}

const DLQ_RETENTION_SECONDS = 14 * 24 * 60 * 60;

describe('JobQueues', () => {
  it('makes one lane per priority and one DLQ for a laned queue, named as the functions derive', () => {
    // Act
    const { stack } = queuesTemplate({ name: 'webhook-delivery', lanes: true });
    const template = Template.fromStack(stack);

    // Assess
    const names = Object.values(resourcesOf(template, 'AWS::SQS::Queue')).map((queue) => queue.Properties?.QueueName);
    expect(names.sort()).toEqual(
      ['dlq', 'high', 'low', 'normal', 'urgent'].map((suffix) => `jobs-test-webhook-delivery-${suffix}`).sort(),
    );
  });

  it('redrives every lane to its DLQ after maxReceiveCount receives, sized from the most attempts a request may ask for', () => {
    // Act
    const { stack, definition } = queuesTemplate({ lanes: true, attempts: 5, deferralAllowance: 7 });
    const template = Template.fromStack(stack);

    // Assess: 25 + 7, not the catalog's 5 + 7
    const [dlqId] = resourceAt(template, 'AWS::SQS::Queue', 'Test/Queues/DeadLetter');
    expect(maxReceiveCount(definition)).toBe(32);
    for (const lane of ['urgent', 'high', 'normal', 'low']) {
      const [, queue] = resourceAt(template, 'AWS::SQS::Queue', `Test/Queues/Lane-${lane}`);
      expect(queue.Properties?.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 32 });
    }
  });

  it('gives a FIFO lane room for a whole batch of its group retrying ahead of a message', () => {
    // Act
    const { stack } = queuesTemplate({ name: 'order-processing', fifo: true, attempts: 3 });
    const template = Template.fromStack(stack);

    // Assess: 10 × 25 + 10
    const [, queue] = resourceAt(template, 'AWS::SQS::Queue', 'Test/Queues/Lane-default');
    expect(queue.Properties?.RedrivePolicy).toMatchObject({ maxReceiveCount: 260 });
  });

  it('keeps DLQ messages 14 days and lets only its own lanes use it, without a reference cycle', () => {
    // Act
    const { stack } = queuesTemplate({ name: 'email' });
    const template = Template.fromStack(stack);

    // Assess
    const [, dlq] = resourceAt(template, 'AWS::SQS::Queue', 'Test/Queues/DeadLetter');
    expect(dlq.Properties?.MessageRetentionPeriod).toBe(DLQ_RETENTION_SECONDS);
    expect(dlq.Properties?.RedriveAllowPolicy).toEqual({
      redrivePermission: 'byQueue',
      sourceQueueArns: [
        {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':sqs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':jobs-test-email'],
          ],
        },
      ],
    });
  });

  it('encrypts every queue and refuses requests without TLS', () => {
    // Act
    const { stack } = queuesTemplate({ lanes: true });
    const template = Template.fromStack(stack);

    // Assess
    const queues = resourcesOf(template, 'AWS::SQS::Queue');
    expect(Object.keys(queues)).toHaveLength(5);
    for (const queue of Object.values(queues)) expect(queue.Properties?.SqsManagedSseEnabled).toBe(true);
    for (const queueId of Object.keys(queues)) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('sets each lane’s visibility timeout to 6 × the consumer’s function timeout', () => {
    // Act
    const { stack, definition } = queuesTemplate({ timeoutMs: 120_000 });
    const template = Template.fromStack(stack);

    // Assess
    const sizing = consumerSizing(definition);
    const [, lane] = resourceAt(template, 'AWS::SQS::Queue', 'Test/Queues/Lane-default');
    expect(lane.Properties?.VisibilityTimeout).toBe(6 * sizing.functionTimeoutSeconds);
  });

  it('makes FIFO lanes and DLQ with high-throughput settings for a FIFO entry', () => {
    // Act
    const { stack } = queuesTemplate({ name: 'order-processing', fifo: true });
    const template = Template.fromStack(stack);

    // Assess
    for (const name of ['jobs-test-order-processing.fifo', 'jobs-test-order-processing-dlq.fifo']) {
      template.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: name,
        FifoQueue: true,
        ContentBasedDeduplication: false,
        FifoThroughputLimit: 'perMessageGroupId',
        DeduplicationScope: 'messageGroup',
      });
    }
  });

  it('makes standard queues, with no FIFO settings, for a standard entry', () => {
    // Act
    const { stack } = queuesTemplate();
    const template = Template.fromStack(stack);

    // Assess
    for (const queue of Object.values(resourcesOf(template, 'AWS::SQS::Queue'))) {
      expect(queue.Properties?.FifoQueue).toBeUndefined();
      expect(queue.Properties?.FifoThroughputLimit).toBeUndefined();
    }
  });

  it('grants sending and attribute reads on exactly its queues', () => {
    // Prepare
    const { stack, queues } = queuesTemplate({ lanes: true });
    const role = new Role(stack, 'Sender', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });

    // Act
    queues.grantSendToLanes(role);
    queues.grantReadAttributes(role, { includeDeadLetter: false });
    const template = Template.fromStack(stack);

    // Assess
    const [roleId] = resourceAt(template, 'AWS::IAM::Role', 'Test/Sender');
    const statements = statementsOfRole(template, roleId);
    expect(statements).toHaveLength(1);
    expect(statements[0]?.Action).toEqual(['sqs:GetQueueAttributes', 'sqs:SendMessage']);
    expect(statements[0]?.Resource).toHaveLength(4);
    expect(JSON.stringify(statements[0]?.Resource)).not.toMatch(/DeadLetter/);
  });

  it.each([
    [{ namePrefix: 'jobs-a-stage-name-far-too-long' }, /namePrefix must be 1–20 letters, digits, - or _ .*got "jobs-a-stage-name-far-too-long"/],
    [{ visibilityTimeout: Duration.hours(13) }, /visibilityTimeout must be 1 s to 12 h; got 46800 s/],
  ])('refuses %j with a message naming the value and the fix', (props, message) => {
    const stack = testStack();
    expect(() => new JobQueues(stack, 'Queues', { definition: aQueueDefinition(), namePrefix: 'jobs-test', ...props })).toThrow(message);
  });

  it('throws naming the lanes when asked for a lane the queue does not have', () => {
    const { queues } = queuesTemplate();
    expect(() => queues.laneQueue('urgent')).toThrow(/has no lane "urgent"; its lanes are default/);
  });
});
