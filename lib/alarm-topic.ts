import { ArnFormat, Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { ConfigError } from '../functions/core/errors';

/** Properties of {@link AlarmTopic}. */
export interface AlarmTopicProps {
  /** Addresses to notify; each gets a confirmation mail from SNS first. At least one. */
  readonly emails: readonly string[];
  /** Only alarms whose names start with this may publish (the queues' name prefix, e.g. `jobs-dev`). */
  readonly alarmNamePrefix: string;
  /**
   * What happens to the topic's key when the stack is deleted.
   *
   * @default - RemovalPolicy.DESTROY: the key is scheduled for deletion after 7 days
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The SNS topic the alarms notify, with an email subscription per address.
 * Encrypted with its own rotating KMS key (an AWS-managed SNS key cannot be
 * used by CloudWatch, so the key policy lets CloudWatch encrypt), TLS-only, and
 * only the stack's own alarms may publish to it.
 *
 * @example
 * const topic = new AlarmTopic(this, 'AlarmTopic', { emails: ['ops@example.com'], alarmNamePrefix: 'jobs-dev' });
 * alarm.addAlarmAction(topic.action);
 */
export class AlarmTopic extends Construct {
  /** The topic. */
  public readonly topic: Topic;
  /** Its encryption key. */
  public readonly key: Key;
  /** The alarm action that notifies the topic. */
  public readonly action: SnsAction;

  public constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    if (props.emails.length === 0) {
      throw new ConfigError(`AlarmTopic ${id}: emails must name at least one address; got none. Fix: -c alarmEmail=ops@example.com`);
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');

    this.key = new Key(this, 'Key', {
      description: 'Encrypts the job pipeline alarm topic',
      enableKeyRotation: true,
      removalPolicy,
      pendingWindow: Duration.days(7),
    });
    // CloudWatch encrypts what it publishes with the topic's key.
    this.key.addToResourcePolicy(
      new PolicyStatement({ principals: [cloudWatch], actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resources: ['*'] }),
    );

    this.topic = new Topic(this, 'Topic', {
      displayName: `Job pipeline alarms (${props.alarmNamePrefix})`,
      masterKey: this.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnLike: {
            'aws:SourceArn': Stack.of(this).formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: `${props.alarmNamePrefix}-*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        },
      }),
    );
    for (const email of props.emails) this.topic.addSubscription(new EmailSubscription(email));
    this.action = new SnsAction(this.topic);
  }
}
