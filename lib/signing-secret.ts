import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ConfigError } from '../functions/core/errors';

/** Properties of {@link SigningSecret}. */
export interface SigningSecretProps {
  /** The catalog queue whose deliveries this secret signs. */
  readonly queueName: string;
  /**
   * What happens to the secret when the stack is deleted.
   *
   * @default - RemovalPolicy.DESTROY (Secrets Manager still keeps it for its recovery window)
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Length of the generated key: the consumer signs with `whsec_<key>`. */
export const SIGNING_KEY_LENGTH = 32;

/**
 * One queue's webhook signing secret in Secrets Manager, generated at deploy
 * time as `{"key":"<32 letters and digits>"}` so its value never appears in the
 * template, the environment or the logs. The consumer reads it by ARN and signs
 * deliveries with `whsec_<key>` (Standard Webhooks); the receiving app reads the
 * same secret to verify them.
 *
 * @example
 * const secret = new SigningSecret(this, 'payments', { queueName: 'payments' });
 * secret.grantRead(consumer.function);
 */
export class SigningSecret extends Construct {
  /** The secret. */
  public readonly secret: Secret;

  public constructor(scope: Construct, id: string, props: SigningSecretProps) {
    super(scope, id);
    if (!/^[a-z][a-z0-9-]*$/.test(props.queueName)) {
      throw new ConfigError(`SigningSecret ${id}: queueName must be a catalog queue name such as "payments"; got "${props.queueName}"`);
    }
    this.secret = new Secret(this, 'Secret', {
      description: `Webhook signing key of the ${props.queueName} queue's deliveries`,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: 'key',
        passwordLength: SIGNING_KEY_LENGTH,
        excludePunctuation: true,
        includeSpace: false,
      },
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The receiving app holds this key to verify signatures, so rotation is a hand-over with the receiver, not a ' +
        'Lambda rotation: put a new value (put-secret-value) when the receiver is ready; consumers read it again within 5 minutes.',
    });
  }

  /** `secretsmanager:GetSecretValue` on this secret only. */
  public grantRead(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.secret.secretArn] }),
    );
  }
}
