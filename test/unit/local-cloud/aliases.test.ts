import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Alias, Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { EventSourceMappings, mappingSpecs } from '../../../local/cloud/event-source-mappings';
import { parseFunctionName } from '../../../local/cloud/function-names';
import { functionSpecs } from '../../../local/cloud/function-specs';
import { resolveValue } from '../../../local/cloud/intrinsics';
import type { CfnTemplate } from '../../../local/cloud/template';
import { waitFor } from '../../helpers/wait-for';
import { localOf, PSEUDO, QUEUE_URL_BASE } from './template-factory';

const ACCOUNT = PSEUDO.accountId;
const FUNCTION_NAME = 'consumer-email';
const FUNCTION_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${FUNCTION_NAME}`;
const ALIAS_ARN = `${FUNCTION_ARN}:live`;

/**
 * What CDK synthesizes for a consumer on an alias with provisioned concurrency:
 * `fn.currentVersion`, an alias `live` on it, and one mapping on the alias and one
 * on the function itself, each from its own queue.
 */
function tinyApp(assetDir: string): CfnTemplate {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'Demo', { env: { region: 'us-east-1' } });
  const fn = new LambdaFunction(stack, 'Consumer', { functionName: FUNCTION_NAME, code: Code.fromAsset(assetDir), handler: 'index.handler', runtime: Runtime.NODEJS_22_X });
  const alias = new Alias(stack, 'Live', { aliasName: 'live', version: fn.currentVersion, provisionedConcurrentExecutions: 2 });
  alias.addEventSourceMapping('FromLane', { eventSourceArn: new Queue(stack, 'Lane', { queueName: 'lane' }).queueArn, batchSize: 5 });
  fn.addEventSourceMapping('FromDirect', { eventSourceArn: new Queue(stack, 'Direct', { queueName: 'direct' }).queueArn });
  return Template.fromStack(stack).toJSON() as CfnTemplate;
}

const assetDir = mkdtempSync(join(tmpdir(), 'aliases-asset-'));
writeFileSync(join(assetDir, 'index.js'), 'exports.handler = async () => null;\n');
const template = tinyApp(assetDir);
const { scope } = localOf(template);
const ofType = (type: string) => Object.entries(template.Resources ?? {}).filter(([, resource]) => resource.Type === type);
const logicalIdOf = (type: string): string => ofType(type)[0]?.[0] ?? '';
const queueUrlOfArn = (arn: string): string | undefined => (arn.startsWith('arn:aws:sqs:') ? `${QUEUE_URL_BASE}/${arn.slice(arn.lastIndexOf(':') + 1)}` : undefined);
const specsOf = () => mappingSpecs(ofType('AWS::Lambda::EventSourceMapping'), scope, queueUrlOfArn).specs;

afterAll(() => rmSync(assetDir, { recursive: true, force: true }));

describe('local names of versions and aliases', () => {
  it('gives a version its ARN as Ref and its number as Version, and an alias its ARN as Ref', () => {
    // Prepare
    const version = logicalIdOf('AWS::Lambda::Version');
    const alias = logicalIdOf('AWS::Lambda::Alias');

    // Act
    const resolved = resolveValue([{ Ref: version }, { 'Fn::GetAtt': [version, 'Version'] }, { Ref: alias }, { 'Fn::GetAtt': [alias, 'AliasArn'] }], scope);

    // Assess
    expect(resolved).toEqual([`${FUNCTION_ARN}:1`, '1', ALIAS_ARN, ALIAS_ARN]);
  });

  it('numbers the versions of one function 1, 2, … in template order, each function on its own', () => {
    // Prepare
    const versionOf = (fn: string) => ({ Type: 'AWS::Lambda::Version', Properties: { FunctionName: { Ref: fn } } });
    const fn = (name: string) => ({ Type: 'AWS::Lambda::Function', Properties: { FunctionName: name } });
    const { scope: local } = localOf({ Resources: { A: fn('a'), B: fn('b'), A1: versionOf('A'), B1: versionOf('B'), A2: versionOf('A') } });

    // Act
    const versions = ['A1', 'B1', 'A2'].map((id) => resolveValue({ Ref: id }, local));

    // Assess
    expect(versions).toEqual([`arn:aws:lambda:us-east-1:${ACCOUNT}:function:a:1`, `arn:aws:lambda:us-east-1:${ACCOUNT}:function:b:1`, `arn:aws:lambda:us-east-1:${ACCOUNT}:function:a:2`]);
  });
});

describe('parseFunctionName', () => {
  it('reads every form Lambda takes: name, name:qualifier, ARN, qualified ARN, partial ARN', () => {
    expect(parseFunctionName('consumer')).toEqual({ name: 'consumer' });
    expect(parseFunctionName('consumer:live')).toEqual({ name: 'consumer', qualifier: 'live' });
    expect(parseFunctionName(`arn:aws:lambda:eu-west-1:${ACCOUNT}:function:consumer`)).toEqual({ name: 'consumer', account: ACCOUNT, region: 'eu-west-1' });
    expect(parseFunctionName(`arn:aws:lambda:eu-west-1:${ACCOUNT}:function:consumer:7`)).toEqual({ name: 'consumer', qualifier: '7', account: ACCOUNT, region: 'eu-west-1' });
    expect(parseFunctionName(`${ACCOUNT}:function:consumer`)).toEqual({ name: 'consumer', account: ACCOUNT });
    expect(parseFunctionName(`${ACCOUNT}:function:consumer:$LATEST`)).toEqual({ name: 'consumer', qualifier: '$LATEST', account: ACCOUNT });
  });
});

describe('mappings on an alias', () => {
  it('resolves CDK’s alias target to the function’s name with the qualifier live, on the right queue', () => {
    // Act
    const specs = specsOf();

    // Assess
    const onLane = specs.find((spec) => spec.state.eventSourceArn.endsWith(':lane'));
    expect(onLane).toMatchObject({ queueUrl: `${QUEUE_URL_BASE}/lane`, state: { functionName: FUNCTION_NAME, functionArn: ALIAS_ARN, batchSize: 5 } });
    const direct = specs.find((spec) => spec.state.eventSourceArn.endsWith(':direct'));
    expect(direct?.state).toMatchObject({ functionName: FUNCTION_NAME, functionArn: FUNCTION_ARN });
  });

  describe('listed by function name', () => {
    const mappings = new EventSourceMappings(specsOf(), { sqs: new SQSClient({ region: 'us-east-1' }), invoke: async () => null, concurrencyOf: () => 10, log: () => undefined });
    const queuesListedFor = (functionName: string): string[] => mappings.list({ functionName }).map((state) => state.eventSourceArn.slice(state.eventSourceArn.lastIndexOf(':') + 1));

    it('matches only the alias’s mappings for a qualified name, in each form', () => {
      expect(queuesListedFor(`${FUNCTION_NAME}:live`)).toEqual(['lane']);
      expect(queuesListedFor(ALIAS_ARN)).toEqual(['lane']);
      expect(queuesListedFor(`${ACCOUNT}:function:${FUNCTION_NAME}:live`)).toEqual(['lane']);
      expect(queuesListedFor(`${FUNCTION_NAME}:other`)).toEqual([]);
    });

    it('matches only the unqualified function’s mappings for an unqualified name', () => {
      expect(queuesListedFor(FUNCTION_NAME)).toEqual(['direct']);
      expect(queuesListedFor(FUNCTION_ARN)).toEqual(['direct']);
      expect(queuesListedFor(`arn:aws:lambda:eu-west-1:${ACCOUNT}:function:${FUNCTION_NAME}`)).toEqual([]);
    });
  });

  describe('polled', () => {
    const sqs = mockClient(SQSClient);
    afterEach(() => sqs.reset());

    it('invokes the function through the alias, with the qualifier', async () => {
      // Prepare: the lane queue hands out one message, once
      let handedOut = false;
      sqs.on(ReceiveMessageCommand).callsFake(async () => {
        if (handedOut) return new Promise((resolve) => setTimeout(() => resolve({ Messages: [] }), 20));
        handedOut = true;
        const attributes = { ApproximateReceiveCount: '1', SentTimestamp: '1', SenderId: 'local', ApproximateFirstReceiveTimestamp: '1' };
        return { Messages: [{ MessageId: 'm1', ReceiptHandle: 'r1', Body: 'job', MD5OfBody: 'x', Attributes: attributes, MessageAttributes: {} }] };
      });
      sqs.on(DeleteMessageBatchCommand).resolves({ Successful: [{ Id: '0' }], Failed: [] });
      const invoked: { functionName: string; qualifier: string | undefined; records: number }[] = [];
      const logged: string[] = [];
      const lane = specsOf().filter((spec) => spec.state.eventSourceArn.endsWith(':lane'));
      const mappings = new EventSourceMappings(lane, {
        sqs: new SQSClient({ region: 'us-east-1' }),
        invoke: async (functionName: string, event: SQSEvent, qualifier: string | undefined) => {
          invoked.push({ functionName, qualifier, records: event.Records.length });
          return null;
        },
        concurrencyOf: () => 10,
        log: (line) => logged.push(line),
      });

      // Act
      mappings.start();
      try {
        await waitFor('the lane’s batch to be handed to the function', () => invoked.length > 0);
      } finally {
        await mappings.stop();
      }

      // Assess
      expect(invoked[0]).toEqual({ functionName: FUNCTION_NAME, qualifier: 'live', records: 1 });
      expect(logged).toEqual([]);
    });
  });
});

describe('function specs of a function with an alias', () => {
  it('take the alias’s provisioned concurrency and the qualifiers it can be invoked through', () => {
    // Prepare
    const stack = { stackName: 'Demo', assemblyDir: '/assembly', template };
    const endpoints = { region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' }, sqs: 'http://s', dynamodb: 'http://d', lambda: 'http://l', secretsManager: 'http://m' };

    // Act
    const [consumer] = functionSpecs(stack, ofType('AWS::Lambda::Function'), scope, [], endpoints);

    // Assess
    expect(consumer).toMatchObject({ name: FUNCTION_NAME, arn: FUNCTION_ARN, provisionedConcurrency: 2, qualifiers: { live: '1', '1': '1' } });
  });

  it('have none of either without aliases or versions', () => {
    // Prepare
    const bare: CfnTemplate = { Resources: { Fn: template.Resources?.[logicalIdOf('AWS::Lambda::Function')] ?? { Type: 'missing' } } };
    const endpoints = { region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' }, sqs: 'http://s', dynamodb: 'http://d', lambda: 'http://l', secretsManager: 'http://m' };

    // Act
    const [spec] = functionSpecs({ stackName: 'Demo', assemblyDir: '/assembly', template: bare }, Object.entries(bare.Resources ?? {}), localOf(bare).scope, [], endpoints);

    // Assess
    expect(spec?.name).toBe(FUNCTION_NAME);
    expect(spec?.provisionedConcurrency).toBeUndefined();
    expect(spec?.qualifiers).toBeUndefined();
  });
});
