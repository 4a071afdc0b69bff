import { randomUUID } from 'node:crypto';
import { GetQueueUrlCommand, ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { LambdaClient, UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../../local/local-aws';
import { FIXTURE } from './fixture/stack';
import { startFixture, type RunningFixture } from './fixture/running-fixture';

interface EchoBody {
  env: Record<string, string | undefined>;
  path: string;
  resource: string;
  pathParameters: Record<string, string> | null;
  body: string | null;
  context: { functionName: string; memoryLimitInMB: string; invokedFunctionArn: string; remainingMs: number };
}

describe('the local cloud, on a small synthesized stack', () => {
  let fixture: RunningFixture;
  let apiKey: string;

  beforeAll(async () => {
    fixture = await startFixture(400);
    apiKey = fixture.cloud.apiKeys[FIXTURE.apiKeyName] ?? '';
  });
  afterAll(() => fixture?.stop());

  const post = (path: string, body: unknown, headers: Record<string, string> = { 'x-api-key': apiKey }) =>
    fetch(`${fixture.cloud.apiUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('routes a POST with the partner key through the gateway to the function, with path parameters and body', async () => {
    // Act
    const response = await post('/items/abc', { hello: 'world' });
    const refused = await post('/items/abc', {}, {});

    // Assess
    expect(response.status).toBe(200);
    const echo = (await response.json()) as EchoBody;
    expect(echo).toMatchObject({ path: '/items/abc', resource: '/items/{id}', pathParameters: { id: 'abc' }, body: '{"hello":"world"}' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ ok: false, error: { code: 'forbidden', message: 'Forbidden' } });
  });

  it('runs a function in its own environment: template variables resolved locally, Lambda variables and endpoints injected', async () => {
    // Act
    const echo = (await (await post('/items/env', {})).json()) as EchoBody;

    // Assess
    const { cloud } = fixture;
    const { QueueUrl } = await fixture.sqs.send(new GetQueueUrlCommand({ QueueName: FIXTURE.queueName }));
    expect(echo.env).toMatchObject({
      TABLE_NAME: FIXTURE.tableName,
      QUEUE_URL: QueueUrl,
      QUEUE_ARN: `arn:aws:sqs:us-east-1:000000000000:${FIXTURE.queueName}`,
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_LAMBDA_FUNCTION_NAME: echo.context.functionName,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '192',
      AWS_ENDPOINT_URL_SQS: cloud.endpoints.sqs,
      AWS_ENDPOINT_URL_DYNAMODB: cloud.endpoints.dynamodb,
      AWS_ENDPOINT_URL_LAMBDA: cloud.endpoints.lambda,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: cloud.endpoints.secretsManager,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    });
    // QUEUE_URL_BASE is built from pseudo parameters like the real stack's, and lands on the emulator's queue URLs.
    expect(`${echo.env.QUEUE_URL_BASE}/${FIXTURE.queueName}`).toBe(QueueUrl);
    expect(echo.env.UNKNOWN_REF).toMatch(/^unresolved:/);
    expect(echo.context).toMatchObject({ memoryLimitInMB: '192', invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${echo.context.functionName}` });
    expect(echo.context.remainingMs).toBeGreaterThan(1000);
    expect(echo.context.remainingMs).toBeLessThanOrEqual(2000);
    // The function's environment is its own, not this process's.
    expect(process.env.TABLE_NAME).toBeUndefined();
    expect(fixture.lines).toContainEqual(expect.stringMatching(/^\[Echo[0-9A-F]+\] cold start: instance 1 initialized in \d+ ms$/));
  });

  it('serves the generated secret to the functions through the Secrets Manager endpoint', async () => {
    // Prepare
    const echo = (await (await post('/items/secret', {})).json()) as EchoBody;
    const client = new SecretsManagerClient({ endpoint: fixture.cloud.endpoints.secretsManager, region: 'us-east-1', credentials: { ...LOCAL_CREDENTIALS } });

    // Act
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: echo.env.SECRET_ARN }));
    client.destroy();

    // Assess
    expect(JSON.parse(SecretString ?? '{}')).toEqual({ key: expect.stringMatching(/^[A-Za-z0-9]{32}$/) });
  });

  it('ends an invocation that outlives the function timeout, as Lambda does', async () => {
    // Act
    const response = await post('/items/slow?sleep=3000', {});

    // Assess
    expect(response.status).toBe(502);
    expect(fixture.lines).toContainEqual(expect.stringMatching(/Task timed out after 2\.00 seconds/));
  });

  it('drives the consumer from the queue: successes are deleted, reported failures come back and end in the DLQ', async () => {
    // Prepare
    const run = randomUUID().slice(0, 8);
    const bodies = [`ok-${run}-1`, `ok-${run}-2`, `ok-${run}-3`, `fail-${run}`];
    const { QueueUrl } = await fixture.sqs.send(new GetQueueUrlCommand({ QueueName: FIXTURE.queueName }));
    const dlq = await fixture.sqs.send(new GetQueueUrlCommand({ QueueName: FIXTURE.deadLetterName }));

    // Act
    await fixture.sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: bodies.map((body, index) => ({ Id: String(index), MessageBody: body })) }));

    // Assess: the failed one is received maxReceiveCount times, then moved to the DLQ
    const dead: string[] = [];
    for (let tries = 0; tries < 40 && dead.length === 0; tries++) {
      const { Messages } = await fixture.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.QueueUrl, WaitTimeSeconds: 1 }));
      dead.push(...(Messages ?? []).map((message) => message.Body ?? ''));
    }
    expect(dead).toEqual([`fail-${run}`]);
    const received = (await fixture.records('received')).filter((record) => record.body?.includes(run));
    const countOf = (body: string): number => received.filter((record) => record.body === body).length;
    expect(bodies.slice(0, 3).map(countOf)).toEqual([1, 1, 1]);
    expect(countOf(`fail-${run}`)).toBe(FIXTURE.maxReceiveCount);
  });

  it('pauses and resumes a mapping: disabled through the registry, messages wait; enabled through the Lambda API, they flow', async () => {
    // Prepare
    const { cloud } = fixture;
    const [mapping] = cloud.mappings.list({ eventSourceArn: `arn:aws:sqs:us-east-1:000000000000:${FIXTURE.queueName}` });
    const body = `paused-${randomUUID().slice(0, 8)}`;
    const { QueueUrl } = await fixture.sqs.send(new GetQueueUrlCommand({ QueueName: FIXTURE.queueName }));
    const lambda = new LambdaClient({ endpoint: cloud.endpoints.lambda, region: 'us-east-1', credentials: { ...LOCAL_CREDENTIALS } });

    // Act: disable, send, wait longer than a poll
    await cloud.mappings.update(mapping?.uuid ?? '', { enabled: false });
    await fixture.sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: '1', MessageBody: body }] }));
    await sleep(2_500);
    const whilePaused = (await fixture.records('received')).filter((record) => record.body === body);
    const updated = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: mapping?.uuid, Enabled: true }));
    lambda.destroy();

    // Assess
    expect(mapping).toMatchObject({ batchSize: 5, maximumConcurrency: 2, reportBatchItemFailures: true, enabled: true });
    expect(whilePaused).toEqual([]);
    expect(updated.UUID).toBe(mapping?.uuid);
    let afterResume: Record<string, string>[] = [];
    for (let tries = 0; tries < 60 && afterResume.length === 0; tries++) {
      afterResume = (await fixture.records('received')).filter((record) => record.body === body);
      if (afterResume.length === 0) await sleep(250);
    }
    expect(afterResume).toHaveLength(1);
    expect(cloud.mappings.get(mapping?.uuid ?? '')?.enabled).toBe(true);
  });

  it('runs a mapping on an alias: provisioned instance pre-warmed, the alias ARN seen by the handler, listed by the alias’s name only', async () => {
    // Prepare
    const { cloud } = fixture;
    const consumer = cloud.functions.find((spec) => spec.label.startsWith('Consume'));
    const name = consumer?.name ?? '';
    const aliasArn = `arn:aws:lambda:us-east-1:000000000000:function:${name}:${FIXTURE.aliasName}`;
    const body = `lane-${randomUUID().slice(0, 8)}`;
    const { QueueUrl } = await fixture.sqs.send(new GetQueueUrlCommand({ QueueName: FIXTURE.laneName }));

    // Act
    await fixture.sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: '1', MessageBody: body }] }));
    let received: Record<string, string>[] = [];
    for (let tries = 0; tries < 60 && received.length === 0; tries++) {
      received = (await fixture.records('received')).filter((record) => record.body === body);
      if (received.length === 0) await sleep(250);
    }

    // Assess
    expect(consumer?.provisionedConcurrency).toBe(1);
    expect(fixture.lines).toContainEqual(expect.stringMatching(/^\[Consume[0-9A-F]+\] provisioned: instance 1 initialized in \d+ ms$/));
    expect(received).toMatchObject([{ body, invokedFunctionArn: aliasArn }]);
    const laneArn = `arn:aws:sqs:us-east-1:000000000000:${FIXTURE.laneName}`;
    expect(cloud.mappings.list({ functionName: `${name}:${FIXTURE.aliasName}` }).map((mapping) => [mapping.eventSourceArn, mapping.functionArn])).toEqual([[laneArn, aliasArn]]);
    expect(cloud.mappings.list({ functionName: name }).map((mapping) => mapping.eventSourceArn)).toEqual([`arn:aws:sqs:us-east-1:000000000000:${FIXTURE.queueName}`]);
  });

  it('fires the scheduled rule with an EventBridge scheduled event', async () => {
    // Act
    let ticks: Record<string, string>[] = [];
    for (let tries = 0; tries < 40 && ticks.length < 2; tries++) {
      ticks = await fixture.records('tick');
      if (ticks.length < 2) await sleep(250);
    }

    // Assess
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(ticks[0]).toMatchObject({ source: 'aws.events', detailType: 'Scheduled Event' });
  });

  it('lists, once, the resource types it does not run', () => {
    // Assess
    expect(fixture.cloud.notEmulated).toContainEqual(['AWS::CloudWatch::Alarm', 1]);
    const listed = fixture.lines.filter((line) => line.startsWith('not emulated: '));
    expect(listed).toHaveLength(1);
    expect(listed[0]).toContain('AWS::CloudWatch::Alarm ×1');
  });
});
