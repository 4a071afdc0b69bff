import { describe, expect, it } from 'vitest';
import { functionSpecs } from '../../../local/cloud/function-specs';
import { serviceUrlRewrites } from '../../../local/cloud/service-urls';
import { signingSecretsByQueue } from '../../../local/cloud/signing-secrets';
import { InMemorySecretStore } from '../../../local/cloud/secrets';
import { aFunction, aQueue, aTemplate, localOf, PSEUDO, QUEUE_URL_BASE } from './template-factory';

const endpoints = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  sqs: 'http://127.0.0.1:1001',
  dynamodb: 'http://127.0.0.1:1002',
  lambda: 'http://127.0.0.1:1003',
  secretsManager: 'http://127.0.0.1:1004',
};

const template = aTemplate({
  Lane: aQueue({ QueueName: 'jobs-dev-email' }),
  Signing: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
  Consumer: aFunction({
    FunctionName: 'consumer-email',
    Timeout: 30,
    MemorySize: 512,
    ReservedConcurrentExecutions: 5,
    Environment: {
      Variables: {
        QUEUE_URL_BASE: { 'Fn::Join': ['', ['https://sqs.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/', { Ref: 'AWS::AccountId' }]] },
        LANE_URL: { Ref: 'Lane' },
        QUEUE_SETTINGS: '{"name":"email"}',
        SIGNING_SECRET_ARN: { Ref: 'Signing' },
        POWERTOOLS_SERVICE_NAME: 'consumer-email',
        AWS_REGION: 'eu-west-1',
      },
    },
  }),
  Bare: aFunction(),
});
const stack = { stackName: 'Demo', assemblyDir: '/assembly', template };

describe('functionSpecs', () => {
  const { scope } = localOf(template);
  const rewrites = serviceUrlRewrites(PSEUDO, { queueUrlBase: QUEUE_URL_BASE, sqsEndpoint: endpoints.sqs });
  const functions = Object.entries(template.Resources ?? {}).filter(([, resource]) => resource.Type === 'AWS::Lambda::Function');

  it('resolves the environment to local values and adds what Lambda sets, the local endpoints winning', () => {
    // Act
    const [consumer] = functionSpecs(stack, functions, scope, rewrites, endpoints);

    // Assess
    expect(consumer).toMatchObject({ name: 'consumer-email', timeoutSeconds: 30, memoryMb: 512, reservedConcurrency: 5, label: 'consumer-email', assetDir: '/assembly/asset.abc' });
    expect(consumer?.environment).toMatchObject({
      QUEUE_URL_BASE,
      LANE_URL: `${QUEUE_URL_BASE}/jobs-dev-email`,
      AWS_REGION: 'us-east-1',
      AWS_LAMBDA_FUNCTION_NAME: 'consumer-email',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      AWS_ENDPOINT_URL_SQS: endpoints.sqs,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_LAMBDA: endpoints.lambda,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.secretsManager,
      _HANDLER: 'index.handler',
    });
  });

  it('takes Lambda’s defaults for what the template leaves out', () => {
    // Act
    const [, bare] = functionSpecs(stack, functions, scope, rewrites, endpoints);

    // Assess
    expect(bare).toMatchObject({ timeoutSeconds: 3, memoryMb: 128, label: 'Bare' });
    expect(bare?.reservedConcurrency).toBeUndefined();
  });

  it('finds each consumer’s signing secret in the form a receiver verifies with', () => {
    // Prepare
    const specs = functionSpecs(stack, functions, scope, rewrites, endpoints);
    const arn = specs[0]?.environment.SIGNING_SECRET_ARN ?? '';
    const store = new InMemorySecretStore([{ arn, name: 'signing', value: '{"key":"Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4"}' }]);

    // Act and assess
    expect(signingSecretsByQueue(specs, store)).toEqual({ email: 'whsec_Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4' });
  });
});
