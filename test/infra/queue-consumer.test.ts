import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { consumerSizing } from '../../functions/core/consumer-sizing';
import { ConfigError } from '../../functions/core/errors';
import { parseConfig, consumerConfigWithSecretSchema } from '../../functions/core/runtime-config';
import { JobQueues } from '../../lib/job-queues';
import { JobsTable } from '../../lib/jobs-table';
import { QueueConsumer } from '../../lib/queue-consumer';
import { SigningSecret } from '../../lib/signing-secret';
import { aQueueDefinition } from '../helpers/factories';
import {
  actionsOf,
  environmentOf,
  referencedId,
  resourceAt,
  resourceListOf,
  resourcesOf,
  statementsOfRole,
  testStack,
} from './support';

function consumerStack(
  overrides: Parameters<typeof aQueueDefinition>[0] = {},
  targetUrl = 'https://processor.example.com/payments',
  options: { readonly provisionedConcurrency?: number } = {},
) {
  const stack = testStack();
  const definition = aQueueDefinition(overrides);
  const jobs = new JobsTable(stack, 'Jobs');
  const queues = new JobQueues(stack, 'Queues', { definition, namePrefix: 'jobs-test' });
  const signingSecret = new SigningSecret(stack, 'Secret', { queueName: definition.name });
  const make = () =>
    new QueueConsumer(stack, 'Consumer', {
      queues,
      jobs,
      signingSecret,
      targetUrl,
      queueUrlBase: 'https://sqs.eu-west-1.amazonaws.com/123456789012',
      ...options,
    });
  return { stack, definition, make };
}

describe('QueueConsumer', () => {
  it('maps every lane with ReportBatchItemFailures, the sized batch and the weighted maximum concurrency', () => {
    // Prepare
    const { stack, definition, make } = consumerStack({ lanes: true, concurrency: 10 });

    // Act
    make();
    const template = Template.fromStack(stack);

    // Assess
    const sizing = consumerSizing(definition);
    for (const [lane, maximum] of Object.entries({ urgent: 4, high: 3, normal: 2, low: 2 })) {
      const [queueId] = resourceAt(template, 'AWS::SQS::Queue', `Test/Queues/Lane-${lane}`);
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BatchSize: sizing.batchSize,
        MaximumBatchingWindowInSeconds: 0,
        ScalingConfig: { MaximumConcurrency: maximum },
      });
    }
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 4);
  });

  it('reserves the sum of the lane maxima and times the function from the catalog', () => {
    // Prepare
    const { stack, definition, make } = consumerStack({ lanes: true, concurrency: 10, timeoutMs: 30_000, memoryMb: 512 });

    // Act
    make();
    const template = Template.fromStack(stack);

    // Assess
    const sizing = consumerSizing(definition);
    template.hasResourceProperties('AWS::Lambda::Function', {
      ReservedConcurrentExecutions: 11,
      Timeout: sizing.functionTimeoutSeconds,
      MemorySize: 512,
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
    });
  });

  it('lets its function loop through its own queues: deferrals re-send to them', () => {
    // Prepare
    const { stack, make } = consumerStack({ name: 'order-processing', fifo: true, rateLimit: { max: 100, durationMs: 60_000 } });

    // Act
    make();
    const template = Template.fromStack(stack);

    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', { RecursiveLoop: 'Allow' });
  });

  it('gives a FIFO queue no batching window', () => {
    // Prepare
    const { stack, make } = consumerStack({ name: 'order-processing', fifo: true });

    // Act
    make();
    const template = Template.fromStack(stack);

    // Assess
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      MaximumBatchingWindowInSeconds: Match.absent(),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('passes the environment the consumer checks at module load', () => {
    // Prepare
    const { stack, definition, make } = consumerStack({ lanes: true });

    // Act
    make();
    const template = Template.fromStack(stack);

    // Assess
    const [, fn] = resourceAt(template, 'AWS::Lambda::Function', 'Test/Consumer/Handler/Function');
    const environment = environmentOf(template, fn);
    const config = parseConfig(consumerConfigWithSecretSchema, environment);
    expect(config.QUEUE_SETTINGS).toEqual(definition);
    expect(config.TARGET_URL).toBe('https://processor.example.com/payments');
    expect(config.QUEUE_NAME_PREFIX).toBe('jobs-test');
    expect(config.SIGNING_SECRET_ARN).toMatch(/^arn:aws:secretsmanager:/);
    expect(config.SIGNING_SECRET).toBeUndefined();
    expect(config.ALLOW_LOOPBACK_TARGETS).toBe(false);
    expect(environment).toMatchObject({ POWERTOOLS_SERVICE_NAME: 'consumer-payments', POWERTOOLS_LOG_LEVEL: 'INFO' });
  });

  it('grants exactly what the handler does, on its own queues, the table and its own secret', () => {
    // Prepare
    const { stack, make } = consumerStack({ lanes: true, rateLimit: { max: 10, durationMs: 1000 } });

    // Act
    make();
    const template = Template.fromStack(stack);

    // Assess
    const [roleId] = resourceAt(template, 'AWS::IAM::Role', 'Test/Consumer/Handler/Role');
    const statements = statementsOfRole(template, roleId);
    const lanes = ['urgent', 'high', 'normal', 'low'].map((lane) => resourceAt(template, 'AWS::SQS::Queue', `Test/Queues/Lane-${lane}`)[0]);
    const [dlqId] = resourceAt(template, 'AWS::SQS::Queue', 'Test/Queues/DeadLetter');
    const [secretId] = resourceAt(template, 'AWS::SecretsManager::Secret', 'Test/Secret/Secret');
    const [tableId] = resourceAt(template, 'AWS::DynamoDB::Table', 'Test/Jobs/Table');
    const [logsId] = resourceAt(template, 'AWS::Logs::LogGroup', 'Test/Consumer/Handler/Logs');
    const targets = (action: string) =>
      statements
        .filter((statement) => actionsOf(statement).includes(action))
        .flatMap((statement) => resourceListOf(statement).map(referencedId))
        .sort();

    expect(targets('sqs:ReceiveMessage')).toEqual([...lanes].sort());
    expect(targets('sqs:DeleteMessage')).toEqual([...lanes].sort());
    expect(targets('sqs:ChangeMessageVisibility')).toEqual([...lanes].sort());
    expect(targets('sqs:GetQueueAttributes')).toEqual([...lanes].sort());
    expect(targets('sqs:SendMessage')).toEqual([...lanes, dlqId].sort());
    expect(targets('secretsmanager:GetSecretValue')).toEqual([secretId]);
    expect(targets('dynamodb:UpdateItem')).toEqual([tableId]);
    expect(targets('logs:PutLogEvents')).toEqual([logsId]);
    // Only ListEventSourceMappings, which Lambda authorizes on `*` alone, is granted on `*`.
    const onAnything = statements.filter((statement) => resourceListOf(statement).includes('*'));
    expect(onAnything.flatMap(actionsOf)).toEqual(['lambda:ListEventSourceMappings']);
    const mappings = ['urgent', 'high', 'normal', 'low'].map((lane) => resourceAt(template, 'AWS::Lambda::EventSourceMapping', `Test/Consumer/Handler/Function/Lane-${lane}`)[0]);
    // A mapping's ARN is built from its id (Fn::Join around its Ref): each of the consumer's own, and nothing else.
    const updated = statements.filter((statement) => actionsOf(statement).includes('lambda:UpdateEventSourceMapping')).flatMap(resourceListOf);
    expect(updated).toHaveLength(mappings.length);
    for (const mapping of mappings) expect(JSON.stringify(updated)).toContain(`{"Ref":"${mapping}"}`);
    expect(statements.flatMap(actionsOf).every((action) => !action.endsWith('*'))).toBe(true);
  });

  it('has no managed policies: its role may write only to its own log group', () => {
    // Prepare
    const { stack, make } = consumerStack();

    // Act
    make();
    const template = Template.fromStack(stack);

    // Assess
    const [, role] = resourceAt(template, 'AWS::IAM::Role', 'Test/Consumer/Handler/Role');
    expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
    const [, fn] = resourceAt(template, 'AWS::Lambda::Function', 'Test/Consumer/Handler/Function');
    const [logsId] = resourceAt(template, 'AWS::Logs::LogGroup', 'Test/Consumer/Handler/Logs');
    expect(fn.Properties?.LoggingConfig).toEqual({ LogGroup: { Ref: logsId } });
  });

  it('creates the signing secret as generated JSON, never a value in the template', () => {
    // Prepare
    const { stack, make } = consumerStack();

    // Act
    make();
    const template = Template.fromStack(stack);

    // Assess
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: {
        SecretStringTemplate: '{}',
        GenerateStringKey: 'key',
        PasswordLength: 32,
        ExcludePunctuation: true,
        IncludeSpace: false,
      },
      SecretString: Match.absent(),
    });
    expect(Object.keys(resourcesOf(template, 'AWS::SecretsManager::Secret'))).toHaveLength(1);
  });

  it('refuses a target that is not an http(s) URL, naming the context option', () => {
    const { make } = consumerStack({}, 'ftp://processor.example.com');
    expect(make).toThrow(/targetUrl must be an http\(s\) URL; got "ftp:\/\/processor\.example\.com"\. Fix: -c targets\.payments=/);
  });
});

describe('QueueConsumer provisioned concurrency', () => {
  const provisionedStack = (provisionedConcurrency: number | undefined) =>
    consumerStack({ lanes: true, concurrency: 10 }, undefined, provisionedConcurrency === undefined ? {} : { provisionedConcurrency });

  it('without it, has no version or alias and maps the lanes to the function, listed by its name', () => {
    // Prepare
    const { stack, make } = provisionedStack(undefined);

    // Act
    const consumer = make();
    const template = Template.fromStack(stack);

    // Assess
    template.resourceCountIs('AWS::Lambda::Alias', 0);
    template.resourceCountIs('AWS::Lambda::Version', 0);
    const [functionId] = resourceAt(template, 'AWS::Lambda::Function', 'Test/Consumer/Handler/Function');
    for (const mapping of Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping'))) {
      expect(mapping.Properties?.FunctionName).toEqual({ Ref: functionId });
    }
    expect(consumer.alias).toBeUndefined();
    expect(stack.resolve(consumer.mappingTarget)).toEqual({ Ref: functionId });
  });

  it('with it, publishes a version, puts the alias live with that many instances on it, and maps every lane to the alias', () => {
    // Prepare
    const { stack, make } = provisionedStack(4);

    // Act
    const consumer = make();
    const template = Template.fromStack(stack);

    // Assess
    const [functionId] = resourceAt(template, 'AWS::Lambda::Function', 'Test/Consumer/Handler/Function');
    const [versionId] = resourceAt(template, 'AWS::Lambda::Version', 'Test/Consumer/Handler/Function/CurrentVersion');
    const [aliasId, alias] = resourceAt(template, 'AWS::Lambda::Alias', 'Test/Consumer/Alias');
    expect(alias.Properties).toEqual({
      FunctionName: { Ref: functionId },
      FunctionVersion: { 'Fn::GetAtt': [versionId, 'Version'] },
      Name: 'live',
      ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 4 },
    });
    const mappings = Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping'));
    expect(mappings).toHaveLength(4);
    // An alias's function name is `<function name>:live`, cut from the alias ARN (its Ref).
    for (const mapping of mappings) expect(JSON.stringify(mapping.Properties?.FunctionName)).toContain(`{"Ref":"${aliasId}"}`);
    expect(consumer.alias).toBeDefined();
    expect(stack.resolve(consumer.mappingTarget)).toEqual({ Ref: aliasId });
  });

  it('keeps the pause guard on the mappings, now the alias\'s, in a policy of the function\'s role', () => {
    // Prepare
    const { stack, make } = provisionedStack(2);

    // Act
    make();
    const template = Template.fromStack(stack);

    // Assess
    const [roleId] = resourceAt(template, 'AWS::IAM::Role', 'Test/Consumer/Handler/Role');
    const updated = statementsOfRole(template, roleId)
      .filter((statement) => actionsOf(statement).includes('lambda:UpdateEventSourceMapping'))
      .flatMap(resourceListOf);
    const mappings = ['urgent', 'high', 'normal', 'low'].map((lane) => resourceAt(template, 'AWS::Lambda::EventSourceMapping', `Test/Consumer/Alias/Lane-${lane}`)[0]);
    expect(updated).toHaveLength(mappings.length);
    for (const mapping of mappings) expect(JSON.stringify(updated)).toContain(`{"Ref":"${mapping}"}`);
  });

  it('refuses more than its reserved concurrency, naming the queue, both numbers and the fix', () => {
    // 10 across four lanes reserves 11 (the lanes' maxima 4 + 3 + 2 + 2).
    // Prepare
    const { make } = provisionedStack(12);

    // Act
    const thrown = (() => {
      try {
        make();
        return undefined;
      } catch (error) {
        return error;
      }
    })();

    // Assess
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toMatch(
      /the payments consumer's provisionedConcurrency 12 is more than its reserved concurrency 11, which Lambda refuses\. Fix: -c provisionedConcurrency\.payments=11 or less/,
    );
  });

  it('accepts exactly its reserved concurrency', () => {
    const { make } = provisionedStack(11);
    expect(make).not.toThrow();
  });
});
