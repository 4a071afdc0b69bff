/**
 * Fakes for the consumer's unit tests: a job store and a queue client made of
 * `vi.fn()`s (each test says what its calls answer), a clock that moves only
 * when the code sleeps, and SQS records shaped exactly as Lambda's event
 * source mapping delivers them, FIFO ones included (a FIFO receive may hand
 * over up to ten messages of one group, which the local SQS emulator never
 * does).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSRecord } from 'aws-lambda';
import { vi } from 'vitest';
import type { Clock } from '../../../functions/adapters/clock';
import type { RateLimiter } from '../../../functions/adapters/dynamodb-rate-limiter';
import type { JobStore } from '../../../functions/adapters/job-store';
import type { QueueClient } from '../../../functions/adapters/queue-client';
import { encodeJobMessage } from '../../../functions/core/job-message';
import type { JobMessage, JobRecord } from '../../../functions/core/job';
import type { QueueDefinition } from '../../../functions/core/queue-config';
import type { ConsumerDeps, LaneEndpoint } from '../../../functions/handlers/workflows/consumer-deps';
import type { Processor } from '../../../functions/processors/processor';
import { FIXED_NOW, aJobMessage, aJobRecord } from '../../helpers/factories';

/** A clock that stands still until the code sleeps; sleeping moves it. */
export class ManualClock implements Clock {
  public constructor(private ms: number = FIXED_NOW.getTime()) {}

  public now(): Date {
    return new Date(this.ms);
  }

  public async sleep(ms: number): Promise<void> {
    this.ms += Math.max(ms, 0);
  }
}

/**
 * Every method of the store, as a mock; `claim` grants a first attempt unless
 * told otherwise, and `createUnindexed` creates each job through `create`
 * (so a test that says how `create` answers says it for both).
 */
export function fakeStore() {
  const create = vi.fn<JobStore['create']>();
  return {
    create,
    createUnindexed: vi.fn<JobStore['createUnindexed']>().mockImplementation(eachThrough(create)),
    get: vi.fn<JobStore['get']>().mockResolvedValue(undefined),
    claim: vi.fn<JobStore['claim']>().mockImplementation(async (jobId, runId) => ({
      claimed: true,
      job: aJobRecord({ jobId, runId, status: 'active', attempts: 1, maxAttempts: 3 }),
    })),
    complete: vi.fn<JobStore['complete']>().mockImplementation(async (ref) => aJobRecord({ jobId: ref.jobId, status: 'completed' })),
    retry: vi.fn<JobStore['retry']>().mockResolvedValue(undefined),
    fail: vi.fn<JobStore['fail']>().mockImplementation(async (ref, outcome) =>
      aJobRecord({ jobId: ref.jobId, status: 'failed', attempts: ref.attempt, failedAt: outcome.now.toISOString(), letterPending: true }),
    ),
    abandon: vi.fn<JobStore['abandon']>().mockImplementation(async (jobId, runId, outcome) =>
      aJobRecord({ jobId, runId, status: 'failed', attempts: 0, failedAt: outcome.now.toISOString(), letterPending: true }),
    ),
    markLettered: vi.fn<JobStore['markLettered']>().mockResolvedValue(undefined),
    cancel: vi.fn<JobStore['cancel']>(),
    markEnqueued: vi.fn<JobStore['markEnqueued']>(),
    listDue: vi.fn<JobStore['listDue']>().mockResolvedValue([]),
    listUnclaimed: vi.fn<JobStore['listUnclaimed']>().mockResolvedValue([]),
  } satisfies JobStore;
}

/**
 * A `createUnindexed` that creates each job through `create`, answering each
 * one's failure, or undefined where it was created: a fake store's batch
 * create, so a test that says how `create` answers says it for both.
 */
export function eachThrough(create: JobStore['create']): JobStore['createUnindexed'] {
  return async (jobs) => Promise.all(jobs.map((job) => create(job).then(() => undefined, (error: unknown) => error as Error)));
}

/** Every method of the queue client, as a mock that succeeds. */
export function fakeQueues() {
  return {
    send: vi.fn<QueueClient['send']>().mockResolvedValue(undefined),
    sendBatch: vi.fn<QueueClient['sendBatch']>().mockResolvedValue([]),
    changeVisibility: vi.fn<QueueClient['changeVisibility']>().mockResolvedValue(undefined),
    moveToDeadLetter: vi.fn<QueueClient['moveToDeadLetter']>().mockResolvedValue(undefined),
    delete: vi.fn<QueueClient['delete']>().mockResolvedValue(undefined),
    backlog: vi.fn<QueueClient['backlog']>().mockResolvedValue(0),
    depth: vi.fn<QueueClient['depth']>().mockResolvedValue({ visible: 0, inFlight: 0, delayed: 0 }),
  } satisfies QueueClient;
}

/** The lane of a queue without lanes, as the consumer's runtime names it. */
export function defaultLane(definition: QueueDefinition): LaneEndpoint {
  const name = `jobs-${definition.name}${definition.fifo ? '.fifo' : ''}`;
  return { lane: 'default', name, url: `https://sqs.eu-west-1.amazonaws.com/123456789012/${name}` };
}

/** A consumer's dependencies with fakes, for one queue. */
export function consumerDeps(definition: QueueDefinition, overrides: Partial<ConsumerDeps> = {}) {
  const store = fakeStore();
  const queues = fakeQueues();
  const processor = vi.fn<Processor>().mockResolvedValue({ ok: true });
  const limiter = { reserve: vi.fn<RateLimiter['reserve']>() };
  const clock = new ManualClock();
  const publish = vi.fn();
  const deps: ConsumerDeps = {
    definition,
    lanes: [defaultLane(definition)],
    deadLetterUrl: `https://sqs.eu-west-1.amazonaws.com/123456789012/jobs-${definition.name}-dlq${definition.fifo ? '.fifo' : ''}`,
    store,
    queues,
    limiter,
    processor,
    cloudWatch: { publish },
    clock,
    logger: new Logger({ serviceName: 'consumer-test', logLevel: 'SILENT' }),
    random: () => 0.5,
    ...overrides,
  };
  return { deps, store, queues, processor, limiter, clock, publish };
}

/** What an SQS record of one job carries beyond its body. */
export interface RecordShape {
  readonly message?: JobMessage;
  readonly receiveCount?: number;
  /** FIFO: the message's sequence number (and a group from the message). */
  readonly sequence?: number;
  readonly sentAt?: number;
  readonly messageAttributes?: SQSRecord['messageAttributes'];
  readonly definition: QueueDefinition;
}

/**
 * One SQS record as Lambda delivers it: system attributes as strings, FIFO
 * records with `MessageGroupId`, `MessageDeduplicationId` and `SequenceNumber`,
 * message attributes as `{ stringValue, dataType, stringListValues, binaryListValues }`.
 */
export function anAwsRecord(shape: RecordShape): SQSRecord {
  const message = shape.message ?? aJobMessage({ queue: shape.definition.name });
  const lane = defaultLane(shape.definition);
  const sentAt = String(shape.sentAt ?? FIXED_NOW.getTime() - 5000);
  return {
    messageId: `msg-${message.jobId}`,
    receiptHandle: `receipt-${message.jobId}-${shape.receiveCount ?? 1}`,
    body: encodeJobMessage(message),
    attributes: {
      ApproximateReceiveCount: String(shape.receiveCount ?? 1),
      SentTimestamp: sentAt,
      SenderId: 'AROAEXAMPLE:ingest',
      ApproximateFirstReceiveTimestamp: sentAt,
      ...(shape.definition.fifo
        ? {
            SequenceNumber: String(18_800_000_000_000_000_000 + (shape.sequence ?? 0)),
            MessageGroupId: message.groupId ?? message.jobId,
            MessageDeduplicationId: message.runId,
          }
        : {}),
    },
    messageAttributes: shape.messageAttributes ?? {},
    md5OfBody: 'd41d8cd98f00b204e9800998ecf8427e',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:eu-west-1:123456789012:${lane.name}`,
    awsRegion: 'eu-west-1',
  };
}

/** A FIFO receive as SQS hands it out: up to ten messages of one group, in order. */
export function aFifoGroupBatch(definition: QueueDefinition, group: string, size: number, receiveCounts: readonly number[] = []): SQSRecord[] {
  return Array.from({ length: size }, (_, index) =>
    anAwsRecord({
      definition,
      sequence: index,
      receiveCount: receiveCounts[index] ?? 1,
      message: aJobMessage({ jobId: `job-${group}-${index}`, runId: `run-${group}-${index}`, queue: definition.name, groupId: group }),
    }),
  );
}

/** A string message attribute as Lambda delivers it. */
export function stringAttribute(value: string, dataType = 'String') {
  return { stringValue: value, stringListValues: [], binaryListValues: [], dataType };
}

/** A failed record, as a claim refusal carries it. */
export function aFailedRecord(overrides: Partial<JobRecord> = {}): JobRecord {
  return aJobRecord({ status: 'failed', attempts: 3, error: { category: 'server', message: 'HTTP 503' }, ...overrides });
}

/**
 * A logger that keeps each call as `[level, message, fields]` (children log
 * into the same list); `text()` is everything it was given, as one string.
 */
export function aRecordingLogger() {
  const calls: unknown[][] = [];
  const record =
    (level: string) =>
    (...args: unknown[]): void => {
      calls.push([level, ...args]);
    };
  const logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
  return { logger: { ...logger, createChild: () => logger } as unknown as Logger, calls, text: () => JSON.stringify(calls) };
}
