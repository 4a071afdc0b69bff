import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateTableCommand,
  DescribeTableCommand,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { lanesOf, maxReceiveCount, type Lane } from '../functions/core/lanes';
import type { QueueDefinition } from '../functions/core/queue-config';
import { deadLetterQueueName, laneQueueName, queueUrl } from '../functions/core/queue-names';
import { JOBS_TABLE } from '../functions/core/table-schema';
import { ProvisionError } from './errors';

/** What {@link createJobsTable} made. */
export interface ProvisionedTable {
  readonly tableName: string;
  /** False when the emulator does not support TTL; items then never expire. */
  readonly ttlEnabled: boolean;
}

/**
 * Creates the jobs table with the key layout in `JOBS_TABLE`: on-demand, the
 * sparse `schedule` (projecting the attributes it names) and `failed` (projecting everything) indexes, TTL on `expires_at` where the
 * emulator supports it. Resolves once the table is active.
 *
 * @example
 * await createJobsTable(dynamo, uniqueName('jobs'));
 */
export async function createJobsTable(client: DynamoDBClient, tableName: string): Promise<ProvisionedTable> {
  const indexes = [JOBS_TABLE.scheduleIndex, JOBS_TABLE.failedIndex];
  const keyTypes = new Map<string, 'S' | 'N'>([
    [JOBS_TABLE.partitionKey, 'S'],
    [JOBS_TABLE.sortKey, 'S'],
    ...indexes.flatMap((gsi) => [[gsi.partitionKey, 'S'], [gsi.sortKey, 'N']] as const),
  ]);
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...keyTypes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
      KeySchema: [
        { AttributeName: JOBS_TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: JOBS_TABLE.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: indexes.map((gsi) => ({
        IndexName: gsi.name,
        KeySchema: [
          { AttributeName: gsi.partitionKey, KeyType: 'HASH' as const },
          { AttributeName: gsi.sortKey, KeyType: 'RANGE' as const },
        ],
        Projection:
          'nonKeyAttributes' in gsi
            ? { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...gsi.nonKeyAttributes] }
            : { ProjectionType: 'ALL' as const },
      })),
    }),
  );
  await waitUntilActive(client, tableName);
  return { tableName, ttlEnabled: await enableTtl(client, tableName) };
}

/** Resolves once a table and all its indexes are active; a table still not so after 30 s is an error. */
export async function waitUntilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((gsi) => gsi.IndexStatus === 'ACTIVE');
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    if (Date.now() > deadline) {
      throw new ProvisionError(`table ${tableName} is still ${Table?.TableStatus ?? 'missing'} after 30 s`, {
        context: { tableName },
      });
    }
    await sleep(100);
  }
}

/** Errors an emulator answers with when it lacks TTL altogether. */
const UNSUPPORTED = new Set(['UnknownOperationException', 'UnrecognizedClientException', 'NotImplemented']);

async function enableTtl(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: JOBS_TABLE.ttlAttribute, Enabled: true },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof Error && (UNSUPPORTED.has(error.name) || /not (supported|implemented)/i.test(error.message))) {
      return false;
    }
    throw error;
  }
}

/** What {@link createPipelineQueues} is asked to create. */
export interface PipelineQueuesOptions {
  /** Name prefix of every queue, e.g. a unique one per test. */
  readonly prefix: string;
  /** The emulator's queue URL base; each created URL is checked against it. */
  readonly queueUrlBase: string;
  readonly definitions: readonly QueueDefinition[];
  /** Visibility timeout of the lane queues. @default 30 */
  readonly visibilityTimeoutSeconds?: number;
}

/** The SQS queues of one catalog entry. */
export interface ProvisionedQueue {
  /** The queue's lanes, the highest first. */
  readonly lanes: readonly Lane[];
  readonly laneUrls: Readonly<Partial<Record<Lane, string>>>;
  readonly laneArns: Readonly<Partial<Record<Lane, string>>>;
  readonly deadLetterUrl: string;
  readonly deadLetterArn: string;
}

/** DLQ messages are kept 14 days, SQS's longest. */
const DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 60 * 60;

/**
 * Creates, for each definition, one queue per lane and one dead-letter queue
 * (FIFO where the definition is), each lane redriving to the DLQ after
 * `maxReceiveCount(definition)` receives. FIFO lanes leave content-based
 * deduplication off: senders pass `MessageDeduplicationId`.
 *
 * @returns the queues, keyed by definition name
 * @example
 * const queues = await createPipelineQueues(sqs, { prefix: uniqueName('t'), queueUrlBase, definitions: [email] });
 * queues.email?.laneUrls.default;
 */
export async function createPipelineQueues(
  client: SQSClient,
  options: PipelineQueuesOptions,
): Promise<Record<string, ProvisionedQueue>> {
  const entries = await Promise.all(
    options.definitions.map(async (definition) => [definition.name, await createQueueSet(client, options, definition)] as const),
  );
  return Object.fromEntries(entries);
}

async function createQueueSet(
  client: SQSClient,
  options: PipelineQueuesOptions,
  definition: QueueDefinition,
): Promise<ProvisionedQueue> {
  const fifo: Record<string, string> = definition.fifo ? { FifoQueue: 'true' } : {};
  const deadLetter = await createQueue(client, options.queueUrlBase, deadLetterQueueName(options.prefix, definition), {
    ...fifo,
    MessageRetentionPeriod: String(DEAD_LETTER_RETENTION_SECONDS),
  });
  const redrivePolicy = JSON.stringify({ deadLetterTargetArn: deadLetter.arn, maxReceiveCount: maxReceiveCount(definition) });
  const lanes = lanesOf(definition);
  const created = await Promise.all(
    lanes.map(async (lane) => ({
      lane,
      ...(await createQueue(client, options.queueUrlBase, laneQueueName(options.prefix, definition, lane), {
        ...fifo,
        VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
        RedrivePolicy: redrivePolicy,
      })),
    })),
  );
  return {
    lanes,
    laneUrls: Object.fromEntries(created.map((queue) => [queue.lane, queue.url])),
    laneArns: Object.fromEntries(created.map((queue) => [queue.lane, queue.arn])),
    deadLetterUrl: deadLetter.url,
    deadLetterArn: deadLetter.arn,
  };
}

async function createQueue(
  client: SQSClient,
  queueUrlBase: string,
  name: string,
  attributes: Record<string, string>,
): Promise<{ url: string; arn: string }> {
  const { QueueUrl: url } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const expected = queueUrl(queueUrlBase, name);
  if (url !== expected) {
    throw new ProvisionError(`queue ${name} was created at ${url ?? '(no URL)'}, not at ${expected}; is queueUrlBase this emulator's?`, {
      context: { name, url, expected },
    });
  }
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  const arn = Attributes?.QueueArn;
  if (arn === undefined) throw new ProvisionError(`queue ${name} has no QueueArn attribute`, { context: { name, url } });
  return { url, arn };
}
