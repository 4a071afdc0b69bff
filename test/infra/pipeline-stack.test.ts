import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { consumerSizing } from '../../functions/core/consumer-sizing';
import { HEALTH_SNAPSHOT_KEY } from '../../functions/core/health-snapshot';
import { lanesOf, maxReceiveCount } from '../../functions/core/lanes';
import { parseCatalog, type QueueDefinitionInput } from '../../functions/core/queue-config';
import { deadLetterQueueName, laneQueueName } from '../../functions/core/queue-names';
import {
  consumerConfigWithSecretSchema,
  parseConfig,
  pipelineConfigSchema,
  queueSettingsOf,
} from '../../functions/core/runtime-config';
import { ADMIN_FUNCTION_ROUTES } from '../../lib/admin-function';
import { catalog } from '../../lib/catalog';
import { compactSettings, HEALTH_CONCURRENCY, JOB_STATUS_CONCURRENCY, PipelineStack } from '../../lib/pipeline-stack';
import {
  actionsOf,
  environmentOf,
  referencedId,
  resourceAt,
  resourceListOf,
  resourcesOf,
  statementsOfRole,
  synthPipeline,
  testApp,
} from './support';

const definitions = parseCatalog(catalog);
const { stack, template } = synthPipeline({ context: { partners: 'acme,globex', 'partner.acme.rate': '25' } });

const queueId = (name: string) => {
  const match = Object.entries(resourcesOf(template, 'AWS::SQS::Queue')).find(([, queue]) => queue.Properties?.QueueName === name);
  if (!match) throw new Error(`no queue named ${name}`);
  return match;
};
const functionAt = (path: string) => resourceAt(template, 'AWS::Lambda::Function', `JobPipeline/${path}/Function`);
const roleStatements = (path: string) => statementsOfRole(template, resourceAt(template, 'AWS::IAM::Role', `JobPipeline/${path}/Role`)[0]);
const targetsOf = (statements: ReturnType<typeof roleStatements>, action: string) =>
  statements
    .filter((statement) => actionsOf(statement).includes(action))
    .flatMap((statement) => resourceListOf(statement).map(referencedId))
    .sort();

describe('PipelineStack with the shipped catalog', () => {
  it.each(definitions.map((definition) => [definition.name, definition] as const))(
    '%s has its lanes and DLQ, redriving after maxReceiveCount, FIFO as the catalog says',
    (_name, definition) => {
      const [dlqId, dlq] = queueId(deadLetterQueueName('jobs-dev', definition));
      expect(dlq.Properties?.FifoQueue).toBe(definition.fifo ? true : undefined);
      expect(dlq.Properties?.MessageRetentionPeriod).toBe(1_209_600);
      for (const lane of lanesOf(definition)) {
        const [, queue] = queueId(laneQueueName('jobs-dev', definition, lane));
        expect(queue.Properties?.FifoQueue).toBe(definition.fifo ? true : undefined);
        expect(queue.Properties?.RedrivePolicy).toEqual({
          deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
          maxReceiveCount: maxReceiveCount(definition),
        });
        expect(maxReceiveCount(definition)).toBeGreaterThan(definition.attempts);
      }
    },
  );

  it.each(definitions.map((definition) => [definition.name, definition] as const))(
    '%s has a consumer with reserved concurrency, one mapping per lane and visibility ≥ 6 × its timeout',
    (name, definition) => {
      const sizing = consumerSizing(definition);
      const [functionId, fn] = functionAt(`Consumers/${name}/Handler`);
      expect(fn.Properties).toMatchObject({ ReservedConcurrentExecutions: sizing.reservedConcurrency, Timeout: sizing.functionTimeoutSeconds });
      const weights = sizing.laneMaximumConcurrency;
      for (const lane of lanesOf(definition)) {
        const [laneId, queue] = queueId(laneQueueName('jobs-dev', definition, lane));
        expect(Number(queue.Properties?.VisibilityTimeout)).toBeGreaterThanOrEqual(6 * Number(fn.Properties?.Timeout));
        template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
          FunctionName: { Ref: functionId },
          EventSourceArn: { 'Fn::GetAtt': [laneId, 'Arn'] },
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          ScalingConfig: { MaximumConcurrency: weights[lane] },
          MaximumBatchingWindowInSeconds: definition.fifo ? Match.absent() : 0,
        });
      }
      const mappings = Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping')).filter(
        (mapping) => referencedId(mapping.Properties?.FunctionName) === functionId,
      );
      expect(mappings).toHaveLength(lanesOf(definition).length);
    },
  );

  it('weights laned queues towards higher lanes and reserves at least their sum', () => {
    const [, webhooks] = functionAt('Consumers/webhooks/Handler');
    const mapped = (lane: string) => {
      const [laneId] = queueId(`jobs-dev-webhooks-${lane}`);
      const mapping = Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping')).find(
        (candidate) => referencedId(candidate.Properties?.EventSourceArn) === laneId,
      );
      return Number((mapping?.Properties?.ScalingConfig as { MaximumConcurrency: number }).MaximumConcurrency);
    };
    expect(mapped('urgent')).toBeGreaterThan(mapped('normal'));
    expect(mapped('high')).toBeGreaterThanOrEqual(mapped('low'));
    const sum = ['urgent', 'high', 'normal', 'low'].reduce((total, lane) => total + mapped(lane), 0);
    expect(Number(webhooks.Properties?.ReservedConcurrentExecutions)).toBeGreaterThanOrEqual(sum);
  });

  it('gives every function the environment its handler checks at module load', () => {
    for (const path of ['Ingest', 'JobStatus', 'Health', 'Sweeper', 'Reconciler']) {
      const [, fn] = functionAt(path);
      const config = parseConfig(pipelineConfigSchema, environmentOf(template, fn));
      expect(config.QUEUES, path).toEqual(definitions.map(queueSettingsOf));
      expect(config.QUEUE_NAME_PREFIX).toBe('jobs-dev');
      expect(config.QUEUE_URL_BASE).toBe('https://sqs.eu-west-1.amazonaws.com/123456789012');
    }
    const [, reconciler] = functionAt('Reconciler');
    expect(parseConfig(pipelineConfigSchema, environmentOf(template, reconciler)).RECONCILE_AFTER_SECONDS).toBe(900);
    for (const definition of definitions) {
      const [, fn] = functionAt(`Consumers/${definition.name}/Handler`);
      const config = parseConfig(consumerConfigWithSecretSchema, environmentOf(template, fn));
      expect(config.QUEUE_SETTINGS).toEqual(definition);
      expect(config.TARGET_URL).toBe(`https://processor.example.com/jobs/${definition.name}`);
    }
  });

  it('keeps QUEUES small by leaving out defaults, which the functions fill back in', () => {
    const [, ingest] = functionAt('Ingest');
    const queues = environmentOf(template, ingest).QUEUES ?? '';
    expect(queues.length).toBeLessThan(1500);
    expect(compactSettings(queueSettingsOf(parseCatalog([{ ...catalog[0], retention: { completedHours: 2 } }])[0] ?? definitions[0]!))).toEqual({
      name: 'payments',
      dedup: true,
      dedupKeyField: 'intentId',
      lanes: true,
      attempts: 3,
      retention: { completedHours: 2, failedHours: 360 },
      dataSchema: 'payment-intent',
    });
  });

  it('runs every function on arm64 and the newest Node.js runtime, without reading source maps at a cold start', () => {
    for (const fn of Object.values(resourcesOf(template, 'AWS::Lambda::Function'))) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
      expect((fn.Properties?.Environment as { Variables: Record<string, unknown> }).Variables).not.toHaveProperty('NODE_OPTIONS');
    }
    // A consumer per queue; ingest, status, health, sweeper, reconciler, stuck detector and admin.
    expect(Object.keys(resourcesOf(template, 'AWS::Lambda::Function'))).toHaveLength(definitions.length + 7);
  });

  it('scopes every SQS and DynamoDB statement to named resources, never *', () => {
    for (const policy of Object.values(resourcesOf(template, 'AWS::IAM::Policy'))) {
      for (const statement of (policy.Properties?.PolicyDocument as { Statement: Parameters<typeof actionsOf>[0][] }).Statement) {
        if (actionsOf(statement).some((action) => action.startsWith('sqs:') || action.startsWith('dynamodb:'))) {
          for (const resource of resourceListOf(statement)) {
            expect(resource).not.toBe('*');
            expect(referencedId(resource)).toMatch(/^(Queues|JobsTable)/);
          }
        }
      }
    }
  });

  it('lets ingest, sweeper and reconciler send to every lane and no DLQ, and health read every queue', () => {
    const lanes = definitions.flatMap((definition) => lanesOf(definition).map((lane) => queueId(laneQueueName('jobs-dev', definition, lane))[0]));
    const deadLetters = definitions.map((definition) => queueId(deadLetterQueueName('jobs-dev', definition))[0]);
    for (const path of ['Ingest', 'Sweeper', 'Reconciler']) {
      const statements = roleStatements(path);
      expect(targetsOf(statements, 'sqs:SendMessage'), path).toEqual([...lanes].sort());
      expect(targetsOf(statements, 'sqs:ReceiveMessage'), path).toEqual([]);
    }
    const health = roleStatements('Health');
    expect(targetsOf(health, 'sqs:GetQueueAttributes')).toEqual([...lanes, ...deadLetters].sort());
    expect(targetsOf(health, 'sqs:SendMessage')).toEqual([]);
    expect(targetsOf(roleStatements('JobStatus'), 'sqs:SendMessage')).toEqual([]);
  });

  it('lets health read, and write only its snapshot item: every DynamoDB write it may make is limited to that partition', () => {
    const dynamoStatements = roleStatements('Health').filter((statement) => actionsOf(statement).some((action) => action.startsWith('dynamodb:')));
    const writes = dynamoStatements.filter((statement) =>
      actionsOf(statement).some((action) => /^dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)$/.test(action)),
    );
    expect(writes).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^JobsTable/), 'Arn'] },
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [HEALTH_SNAPSHOT_KEY.partitionKey] } },
      },
    ]);
    const unconditioned = dynamoStatements.filter((statement) => statement.Condition === undefined).flatMap(actionsOf);
    expect([...new Set(unconditioned)].sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query']);
  });

  it('grants batch puts on the jobs table to the ingest only', () => {
    const withBatchWrite = ['Ingest', 'JobStatus', 'Health', 'Sweeper', 'Reconciler', 'StuckDetector'].filter((path) =>
      roleStatements(path).some((statement) => actionsOf(statement).includes('dynamodb:BatchWriteItem')),
    );
    expect(withBatchWrite).toEqual(['Ingest']);
  });

  it('caps the health and job-status functions with reserved concurrency', () => {
    expect(functionAt('Health')[1].Properties?.ReservedConcurrentExecutions).toBe(HEALTH_CONCURRENCY);
    expect(functionAt('JobStatus')[1].Properties?.ReservedConcurrentExecutions).toBe(JOB_STATUS_CONCURRENCY);
    // A ?wait long-poll holds an instance up to 20 s: the cap must still serve a few long-polls a second.
    expect(JOB_STATUS_CONCURRENCY / 20).toBeGreaterThanOrEqual(2);
    expect(HEALTH_CONCURRENCY).toBeLessThan(JOB_STATUS_CONCURRENCY);
  });

  it('throttles every method of the API on its own, /health/queue needing a key and /health the only public route', () => {
    const [, stage] = resourceAt(template, 'AWS::ApiGateway::Stage', 'JobPipeline/Api/RestApi/DeploymentStage');
    const settings = stage.Properties?.MethodSettings as { ResourcePath: string; HttpMethod: string }[];
    const throttled = new Set(settings.map((entry) => `${entry.HttpMethod} ${entry.ResourcePath}`));
    const resources = resourcesOf(template, 'AWS::ApiGateway::Resource');
    const pathOfResource = (ref: unknown): string => {
      const id = (ref as { Ref?: string }).Ref;
      const resource = id ? resources[id] : undefined;
      return resource ? `${pathOfResource(resource.Properties?.ParentId)}/${String(resource.Properties?.PathPart)}` : '';
    };
    const methods = Object.values(resourcesOf(template, 'AWS::ApiGateway::Method')).filter((method) => method.Properties?.HttpMethod !== 'OPTIONS');
    const unthrottled = methods
      .map((method) => `${String(method.Properties?.HttpMethod)} /${pathOfResource(method.Properties?.ResourceId).replace(/\//g, '~1')}`)
      .filter((route) => !throttled.has(route));
    expect(unthrottled).toEqual([]);
    const publicRoutes = methods
      .filter((method) => method.Properties?.ApiKeyRequired !== true && method.Properties?.AuthorizationType !== 'AWS_IAM')
      .map((method) => `${String(method.Properties?.HttpMethod)} ${pathOfResource(method.Properties?.ResourceId)}`);
    // The public routes DESIGN.md allows: liveness, the OpenAPI description, the token-guarded inbound callbacks and progress reports.
    expect(publicRoutes).toContain('GET /health');
    expect(publicRoutes).toContain('POST /jobs/{id}/progress');
    expect(
      publicRoutes.filter((route) => !['GET /health', 'GET /openapi.json', 'POST /webhook/{user_id}/{token}', 'POST /jobs/{id}/progress'].includes(route)),
    ).toEqual([]);
  });

  it('lets each consumer touch only its own queues and its own secret, and send notify events to the endpoint queue', () => {
    const endpointQueue = definitions.find((definition) => definition.endpoints);
    if (endpointQueue === undefined) throw new Error('the shipped catalog has a queue with endpoints');
    const eventLanes = lanesOf(endpointQueue).map((lane) => queueId(laneQueueName('jobs-dev', endpointQueue, lane))[0]);
    for (const definition of definitions) {
      const statements = roleStatements(`Consumers/${definition.name}/Handler`);
      const own = lanesOf(definition).map((lane) => queueId(laneQueueName('jobs-dev', definition, lane))[0]);
      const [dlqId] = queueId(deadLetterQueueName('jobs-dev', definition));
      const [secretId] = resourceAt(template, 'AWS::SecretsManager::Secret', `JobPipeline/SigningSecrets/${definition.name}/Secret`);
      expect(targetsOf(statements, 'sqs:ReceiveMessage'), definition.name).toEqual([...own].sort());
      const sends = definition.name === endpointQueue.name ? [...own, dlqId] : [...own, dlqId, ...eventLanes];
      expect(targetsOf(statements, 'sqs:SendMessage'), definition.name).toEqual(sends.sort());
      expect(targetsOf(statements, 'secretsmanager:GetSecretValue'), definition.name).toEqual([secretId]);
    }
  });

  it('gives each partner an API key and usage plan, and routes admin calls through AWS_IAM only', () => {
    template.resourceCountIs('AWS::ApiGateway::ApiKey', 2);
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', { Throttle: { RateLimit: 25, BurstLimit: 200 } });
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', { Throttle: { RateLimit: 100, BurstLimit: 200 } });
    const iamMethods = Object.values(resourcesOf(template, 'AWS::ApiGateway::Method')).filter(
      (method) => method.Properties?.AuthorizationType === 'AWS_IAM',
    );
    // GET /queue/status, seed 000's GET /api/queue/status and the admin function's routes.
    expect(iamMethods).toHaveLength(2 + ADMIN_FUNCTION_ROUTES.length);
    const [healthId] = functionAt('Health');
    const status = iamMethods.filter((method) => JSON.stringify(method.Properties?.Integration).includes(`"${healthId}"`));
    expect(status).toHaveLength(2);
    for (const method of status) expect(method.Properties).toMatchObject({ HttpMethod: 'GET', ApiKeyRequired: false });
    for (const method of iamMethods) expect(method.Properties?.ApiKeyRequired).toBe(false);
    for (const method of Object.values(resourcesOf(template, 'AWS::ApiGateway::Method'))) {
      const keyed = method.Properties?.ApiKeyRequired === true;
      const signed = method.Properties?.AuthorizationType === 'AWS_IAM';
      expect(keyed && signed).toBe(false);
    }
  });

  it('schedules the sweeper every minute and the reconciler every 5 minutes', () => {
    const [sweeperId] = functionAt('Sweeper');
    const [reconcilerId] = functionAt('Reconciler');
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [sweeperId, 'Arn'] } })],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [reconcilerId, 'Arn'] } })],
    });
  });

  it('has no unacknowledged cdk-nag AwsSolutions finding', () => {
    const result = new AwsSolutionsChecks(stack.node.root).validateScope(stack.node.root);
    expect(result.violations.map((violation) => violation.ruleName)).toEqual([]);
  });

  it('names the stack after the stage and outputs what operators need', () => {
    expect(stack.stackName).toBe('JobPipeline-dev');
    for (const output of ['ApiUrl', 'TableName', 'AdminInvokePolicyArn', 'DashboardName', 'ApiKeyIdAcme', 'ApiKeyIdGlobex', 'SigningSecretArnPayments']) {
      template.hasOutput(output, Match.anyValue());
    }
  });
});

describe('PipelineStack with other catalogs and context', () => {
  const madeUp: QueueDefinitionInput = {
    name: 'sms-blast',
    description: 'A made-up job type',
    lanes: true,
    concurrency: 8,
    attempts: 4,
    backoff: { type: 'fixed', delayMs: 1000 },
    timeoutMs: 45_000,
  };

  it('provisions every resource of a made-up catalog entry with no other edit', () => {
    // Act
    const { template: withEntry } = synthPipeline({ catalog: [...catalog, madeUp] });

    // Assess
    const definition = parseCatalog([madeUp])[0];
    if (!definition) throw new Error('made-up entry did not parse');
    const names = Object.values(resourcesOf(withEntry, 'AWS::SQS::Queue')).map((queue) => queue.Properties?.QueueName);
    for (const lane of lanesOf(definition)) expect(names).toContain(laneQueueName('jobs-dev', definition, lane));
    expect(names).toContain('jobs-dev-sms-blast-dlq');
    const [functionId, fn] = resourceAt(withEntry, 'AWS::Lambda::Function', 'JobPipeline/Consumers/sms-blast/Handler/Function');
    expect(fn.Properties?.ReservedConcurrentExecutions).toBe(consumerSizing(definition).reservedConcurrency);
    const mappings = Object.values(resourcesOf(withEntry, 'AWS::Lambda::EventSourceMapping')).filter(
      (mapping) => referencedId(mapping.Properties?.FunctionName) === functionId,
    );
    expect(mappings).toHaveLength(4);
    resourceAt(withEntry, 'AWS::SecretsManager::Secret', 'JobPipeline/SigningSecrets/sms-blast/Secret');
    withEntry.hasOutput('SigningSecretArnSmsBlast', Match.anyValue());
    const [, ingest] = resourceAt(withEntry, 'AWS::Lambda::Function', 'JobPipeline/Ingest/Function');
    expect(JSON.stringify(environmentOf(withEntry, ingest).QUEUES)).toContain('sms-blast');
  });

  it('marks the stack in error, naming the queues without a target and the -c option that fixes it, without throwing', () => {
    // Prepare: the library throws at synth on error annotations unless told not to
    const app = testApp({ '@aws-cdk/core:failSynthOnValidationErrors': false, 'targets.payments': 'https://pay.example.com' });

    // Act: construction succeeds, so cdk destroy / ls / bootstrap still work
    const stack = new PipelineStack(app, 'JobPipeline', { catalog: catalog.slice(0, 3) });

    // Assess: synth, deploy and diff stop on the error, with the message alone
    Annotations.fromStack(stack).hasError(
      '/JobPipeline',
      Match.stringLikeRegexp('^no processor target for queues webhooks, webhook-delivery\\. Fix: pass -c targets\\.<queue>=URL'),
    );
  });

  it('fails synth on a bad catalog entry, naming the queue and field', () => {
    const app = testApp({ defaultTarget: 'https://x.example.com' });
    expect(() => new PipelineStack(app, 'JobPipeline', { catalog: [{ ...madeUp, concurrency: 0 }] })).toThrow(
      /catalog entry "sms-blast" is invalid:\n {2}- concurrency: concurrency must be at least 1/,
    );
  });

  it('protects and keeps the production table, and names everything after the prod stage', () => {
    // Act
    const { stack: prod, template: prodTemplate } = synthPipeline({ context: { stage: 'prod' }, catalog: [madeUp] });

    // Assess
    expect(prod.stackName).toBe('JobPipeline-prod');
    prodTemplate.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
    prodTemplate.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'jobs-prod-sms-blast-urgent' });
    prodTemplate.allResources('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain' });
    prodTemplate.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  it('passes allowLoopbackTargets and allowPrivateTargets to consumers, off unless given', () => {
    // Act
    const { template: local } = synthPipeline({ context: { allowLoopbackTargets: 'true' }, catalog: [madeUp] });

    // Assess
    const [, fn] = resourceAt(local, 'AWS::Lambda::Function', 'JobPipeline/Consumers/sms-blast/Handler/Function');
    expect(environmentOf(local, fn)).toMatchObject({ ALLOW_LOOPBACK_TARGETS: 'true', ALLOW_PRIVATE_TARGETS: 'false' });
  });

  it('turns source-mapped stack traces on for every function with -c sourceMaps=true', () => {
    // Act
    const { template: mapped } = synthPipeline({ context: { sourceMaps: 'true' }, catalog: [madeUp] });

    // Assess
    const functions = Object.values(resourcesOf(mapped, 'AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThan(5);
    for (const fn of functions) {
      expect((fn.Properties?.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({ NODE_OPTIONS: '--enable-source-maps' });
    }
  });

  it('has no unacknowledged cdk-nag finding with CORS on, several partners and prod settings', () => {
    const { stack: prod } = synthPipeline({ context: { stage: 'prod', cors: 'https://app.example.com', partners: 'a,b,c' }, catalog: [madeUp] });
    const result = new AwsSolutionsChecks(prod.node.root).validateScope(prod.node.root);
    expect(result.violations.map((violation) => violation.ruleName)).toEqual([]);
  });
});
