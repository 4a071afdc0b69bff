import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { parseQueueDefinition } from '../../functions/core/queue-config';
import { deadLetterQueueName, laneQueueName, queueUrl } from '../../functions/core/queue-names';
import { DEFAULT_JVM_OPTIONS } from '../../local/dynamodb-local';
import { LOCAL_REGION, LOCAL_CREDENTIALS } from '../../local/local-aws';
import { createJobsTable, createPipelineQueues } from '../../local/provision';
import { testEnvironment, uniqueName } from '../helpers/emulators';

const laned = parseQueueDefinition({
  name: 'webhook-delivery',
  lanes: true,
  concurrency: 10,
  attempts: 3,
  backoff: { type: 'exponential', delayMs: 2000 },
  timeoutMs: 30_000,
});
const fifo = parseQueueDefinition({
  name: 'order-processing',
  fifo: true,
  concurrency: 5,
  attempts: 3,
  deferralAllowance: 4,
  backoff: { type: 'exponential', delayMs: 5000 },
  timeoutMs: 120_000,
});

async function attributesOf(sqs: SQSClient, url: string | undefined): Promise<Record<string, string>> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
  return Attributes ?? {};
}

describe('provisioning on the emulators', () => {
  it('creates the jobs table with its keys, the schedule and failed indexes and TTL', async () => {
    const { dynamoDb } = testEnvironment();
    const tableName = uniqueName('jobs');

    const created = await createJobsTable(dynamoDb, tableName);

    const { Table } = await dynamoDb.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(Table?.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'sched_pk', AttributeType: 'S' },
        { AttributeName: 'sched_at', AttributeType: 'N' },
        { AttributeName: 'failed_pk', AttributeType: 'S' },
        { AttributeName: 'failed_at', AttributeType: 'N' },
      ]),
    );
    const byName = (left: { IndexName?: string }, right: { IndexName?: string }) => (left.IndexName ?? '').localeCompare(right.IndexName ?? '');
    expect([...(Table?.GlobalSecondaryIndexes ?? [])].sort(byName)).toEqual([
      expect.objectContaining({
        IndexName: 'failed',
        KeySchema: [
          { AttributeName: 'failed_pk', KeyType: 'HASH' },
          { AttributeName: 'failed_at', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      }),
      expect.objectContaining({
        IndexName: 'schedule',
        KeySchema: [
          { AttributeName: 'sched_pk', KeyType: 'HASH' },
          { AttributeName: 'sched_at', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['job_id', 'queue', 'lane'] },
      }),
    ]);
    expect(created.ttlEnabled).toBe(true);
    const ttl = await dynamoDb.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    expect(ttl.TimeToLiveDescription).toEqual({ AttributeName: 'expires_at', TimeToLiveStatus: 'ENABLED' });
  });

  it('creates one queue per lane and a DLQ, redriving after maxReceiveCount', async () => {
    const { sqs, queueUrlBase } = testEnvironment();
    const prefix = uniqueName('t');

    const queues = await createPipelineQueues(sqs, {
      prefix,
      queueUrlBase,
      definitions: [laned],
      visibilityTimeoutSeconds: 7,
    });

    const queue = queues['webhook-delivery'];
    expect(queue?.lanes).toEqual(['urgent', 'high', 'normal', 'low']);
    expect(queue?.deadLetterUrl).toBe(queueUrl(queueUrlBase, `${prefix}-webhook-delivery-dlq`));
    const dlq = await attributesOf(sqs, queue?.deadLetterUrl);
    expect(dlq.QueueArn).toBe(queue?.deadLetterArn);
    expect(dlq.MessageRetentionPeriod).toBe('1209600');
    expect(dlq.RedrivePolicy).toBeUndefined();
    for (const lane of queue?.lanes ?? []) {
      expect(queue?.laneUrls[lane]).toBe(queueUrl(queueUrlBase, laneQueueName(prefix, laned, lane)));
      const attributes = await attributesOf(sqs, queue?.laneUrls[lane]);
      expect(attributes.QueueArn).toBe(queue?.laneArns[lane]);
      expect(attributes.VisibilityTimeout).toBe('7');
      expect(attributes.FifoQueue).toBeUndefined();
      expect(JSON.parse(attributes.RedrivePolicy ?? '{}')).toEqual({
        deadLetterTargetArn: queue?.deadLetterArn,
        // the most attempts a request may ask for (25) plus the deferral allowance (10)
        maxReceiveCount: 35,
      });
    }
  });

  it('makes FIFO lanes and a FIFO DLQ without content-based deduplication', async () => {
    const { sqs, queueUrlBase } = testEnvironment();
    const prefix = uniqueName('t');

    const queues = await createPipelineQueues(sqs, { prefix, queueUrlBase, definitions: [fifo] });

    const queue = queues['order-processing'];
    expect(queue?.lanes).toEqual(['default']);
    expect(queue?.deadLetterUrl).toBe(queueUrl(queueUrlBase, deadLetterQueueName(prefix, fifo)));
    const source = await attributesOf(sqs, queue?.laneUrls.default);
    expect(source).toMatchObject({ FifoQueue: 'true', ContentBasedDeduplication: 'false', VisibilityTimeout: '30' });
    expect(JSON.parse(source.RedrivePolicy ?? '{}')).toEqual({ deadLetterTargetArn: queue?.deadLetterArn, maxReceiveCount: 10 * 25 + 4 });
    expect(await attributesOf(sqs, queue?.deadLetterUrl)).toMatchObject({ FifoQueue: 'true' });
  });

  it('builds queue URLs that clients configured only by AWS_ENDPOINT_URL_SQS can reach', async () => {
    const { sqs, sqsEndpoint, queueUrlBase } = testEnvironment();
    const queues = await createPipelineQueues(sqs, { prefix: uniqueName('t'), queueUrlBase, definitions: [fifo] });
    const url = queues['order-processing']?.laneUrls.default;
    const previous = process.env.AWS_ENDPOINT_URL_SQS;
    process.env.AWS_ENDPOINT_URL_SQS = sqsEndpoint;
    const functionLike = new SQSClient({ region: LOCAL_REGION, credentials: { ...LOCAL_CREDENTIALS } });
    try {
      await functionLike.send(
        new SendMessageCommand({ QueueUrl: url, MessageBody: 'hello', MessageGroupId: 'g', MessageDeduplicationId: 'd' }),
      );
      const { Messages } = await functionLike.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1 }));
      expect(Messages?.map((message) => message.Body)).toEqual(['hello']);
    } finally {
      functionLike.destroy();
      if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_SQS;
      else process.env.AWS_ENDPOINT_URL_SQS = previous;
    }
  });
});

describe('DynamoDB Local lifetime', () => {
  /** Java processes serving DynamoDB Local on this port, found by their command line. */
  function dynamoDbLocalProcesses(port: number): string[] {
    const commands = execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' }).split('\n');
    // The program is java itself; its watchdog shell's command line mentions the jar too.
    return commands.filter(
      (command) => /^\S*java /.test(command) && command.includes('DynamoDBLocal.jar') && command.endsWith(`-port ${port}`),
    );
  }

  it('dies with its parent, even when the parent is SIGKILLed', async () => {
    const script = fileURLToPath(new URL('../helpers/dynamodb-local-child.ts', import.meta.url));
    const parent = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = once(parent, 'exit');
    try {
      const [line] = (await Promise.race([
        once(parent.stdout, 'data'),
        exited.then(() => Promise.reject(new Error('the child exited before starting DynamoDB Local'))),
      ])) as [Buffer];
      const { port } = JSON.parse(line.toString('utf8')) as { port: number };
      expect(dynamoDbLocalProcesses(port)).toHaveLength(1);
      // Started with the default JVM options: first-tier JIT and the serial collector.
      expect(dynamoDbLocalProcesses(port)[0]).toContain(`java ${DEFAULT_JVM_OPTIONS.join(' ')} `);

      parent.kill('SIGKILL');
      await exited;

      const deadline = Date.now() + 5_000;
      while (dynamoDbLocalProcesses(port).length > 0 && Date.now() < deadline) await sleep(100);
      expect(dynamoDbLocalProcesses(port)).toEqual([]);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
