import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Clock } from '../../../functions/adapters/clock';
import { systemClock } from '../../../functions/adapters/clock';
import { dynamoDbJobStore, type DynamoDbJobStore } from '../../../functions/adapters/dynamodb-job-store';
import { DynamoDbMetricsStore } from '../../../functions/adapters/dynamodb-metrics-store';
import { DynamoDbHealthSnapshotStore } from '../../../functions/adapters/health-snapshot-store';
import { DynamoDbJobCensus } from '../../../functions/adapters/job-census';
import { DynamoDbRateLimiter } from '../../../functions/adapters/dynamodb-rate-limiter';
import { DynamoDbConcurrencyPool } from '../../../functions/adapters/dynamodb-concurrency-pool';
import { DynamoDbEndpointRegistry } from '../../../functions/adapters/dynamodb-endpoint-registry';
import type { QueueClient } from '../../../functions/adapters/queue-client';
import { SqsQueueClient } from '../../../functions/adapters/sqs-queue-client';
import { consumerSizing } from '../../../functions/core/consumer-sizing';
import { parseQueueDefinition, type QueueDefinition, type QueueDefinitionInput } from '../../../functions/core/queue-config';
import { laneQueueName } from '../../../functions/core/queue-names';
import { buildOpenApiDocument } from '../../../functions/core/openapi';
import { queueSettingsOf } from '../../../functions/core/runtime-config';
import { createConsumerHandler } from '../../../functions/handlers/factories/consumer-handler';
import { createIngestHandler } from '../../../functions/handlers/factories/ingest-api';
import { createJobStatusHandler } from '../../../functions/handlers/factories/job-status-api';
import { createHealthHandler } from '../../../functions/handlers/factories/health-api';
import type { ConsumerDeps } from '../../../functions/handlers/workflows/consumer-deps';
import type { EnqueueDeps } from '../../../functions/handlers/workflows/enqueue-pending';
import { inboundQueueOf } from '../../../functions/handlers/workflows/inbound-callback';
import { queueDirectory, type QueueDirectory } from '../../../functions/handlers/workflows/queue-directory';
import { reconcileUnclaimed } from '../../../functions/handlers/workflows/reconcile';
import { sweepDueJobs } from '../../../functions/handlers/workflows/sweep';
import type { ScheduledRunDeps } from '../../../functions/handlers/workflows/scheduled-run';
import { DynamoDbPauseStore } from '../../../functions/adapters/pause-store';
import { DynamoDbScheduleScanner } from '../../../functions/adapters/schedule-scan';
import type { QueueTimings } from '../../../functions/core/queue-timings';
import { createHttpProcessor } from '../../../functions/processors/http-processor';
import type { Processor } from '../../../functions/processors/processor';
import { generateSigningSecret } from '../../../functions/processors/webhook-signature';
import { EventSourcePoller } from '../../../local/event-source-poller';
import { createJobsTable, createPipelineQueues, type ProvisionedQueue } from '../../../local/provision';
import { testEnvironment, uniqueName } from '../../helpers/emulators';
import { lambdaContext } from './lambda-context';
import { TargetServer } from './target-server';

/** Options of a test pipeline. */
export interface TestPipelineOptions {
  /** Catalog entries to provision (usually real ones with short backoffs). */
  readonly definitions: readonly QueueDefinitionInput[];
  readonly clock?: Clock;
  /** Wraps the queue client the ingest uses, e.g. to make its sends fail. */
  readonly ingestQueues?: (queues: QueueClient) => QueueClient;
  /** A processor instead of the HTTP one, for a queue. */
  readonly processors?: Record<string, Processor>;
  /** Lane visibility timeout. @default 30 */
  readonly visibilityTimeoutSeconds?: number;
  /** Partners by API key id, as the stack's `PARTNER_KEYS` gives them. @default {@link TEST_PARTNER_KEYS} */
  readonly partners?: ReadonlyMap<string, string>;
}

/**
 * The partners of a test pipeline by API key id: the key id `apiEvent` sends by
 * default belongs to `test-partner`; `other-key-id` to `other-partner`.
 */
export const TEST_PARTNER_KEYS: ReadonlyMap<string, string> = new Map([
  ['test-key-id', 'test-partner'],
  ['other-key-id', 'other-partner'],
]);

/** Logs of tests stay quiet unless asked for with `TEST_LOGS=1`. */
function testLogger(service: string): Logger {
  return new Logger({ serviceName: service, logLevel: process.env.TEST_LOGS ? 'DEBUG' : 'SILENT' });
}

/**
 * A whole pipeline on the emulators, for one test: a fresh table and fresh
 * queues, the real handlers with real adapters, a real HTTP target, and one
 * event source poller per lane when consumers are started.
 */
export class TestPipeline {
  public readonly target: TargetServer;
  public readonly secret = generateSigningSecret();
  public readonly prefix = uniqueName('t');
  public readonly tableName = uniqueName('jobs');
  public readonly definitions: QueueDefinition[];
  public readonly store: DynamoDbJobStore;
  /** The endpoint registry, in the pipeline's table. */
  public readonly endpoints: DynamoDbEndpointRegistry;
  public readonly metrics: DynamoDbMetricsStore;
  public readonly queueClient: SqsQueueClient;
  public readonly directory: QueueDirectory;
  public readonly clock: Clock;
  public queues: Record<string, ProvisionedQueue> = {};
  public targetUrl = '';
  private readonly pollers: EventSourcePoller[] = [];
  private ingestHandler?: ReturnType<typeof createIngestHandler>;
  private statusHandler?: ReturnType<typeof createJobStatusHandler>;
  private healthHandler?: ReturnType<typeof createHealthHandler>;

  public constructor(private readonly options: TestPipelineOptions) {
    const env = testEnvironment();
    this.definitions = options.definitions.map(parseQueueDefinition);
    this.clock = options.clock ?? systemClock;
    this.store = dynamoDbJobStore({ client: env.dynamoDb, tableName: this.tableName });
    this.endpoints = new DynamoDbEndpointRegistry({ client: env.dynamoDb, tableName: this.tableName, newSecret: generateSigningSecret });
    this.metrics = new DynamoDbMetricsStore({ client: env.dynamoDb, tableName: this.tableName, clock: this.clock });
    this.queueClient = new SqsQueueClient({ client: env.sqs });
    this.directory = queueDirectory(this.definitions.map(queueSettingsOf), env.queueUrlBase, this.prefix);
    this.target = new TargetServer(this.secret);
  }

  /** Creates the table and queues and starts the target. */
  public async start(): Promise<this> {
    const env = testEnvironment();
    const [url, , queues] = await Promise.all([
      this.target.start(),
      createJobsTable(env.dynamoDb, this.tableName),
      createPipelineQueues(env.sqs, {
        prefix: this.prefix,
        queueUrlBase: env.queueUrlBase,
        definitions: this.definitions,
        visibilityTimeoutSeconds: this.options.visibilityTimeoutSeconds,
      }),
    ]);
    this.targetUrl = url;
    this.queues = queues;
    const enqueue = this.enqueueDeps();
    const ingestQueues = this.options.ingestQueues ? this.options.ingestQueues(this.queueClient) : this.queueClient;
    const partners = this.options.partners ?? TEST_PARTNER_KEYS;
    this.ingestHandler = createIngestHandler({
      ...enqueue,
      queues: ingestQueues,
      logger: testLogger('ingest'),
      partners,
      endpoints: this.endpoints,
      inboundQueue: inboundQueueOf(this.definitions),
    });
    this.statusHandler = createJobStatusHandler({ ...enqueue, store: this.store, logger: testLogger('job-status'), partners });
    this.healthHandler = createHealthHandler({
      ...enqueue,
      metrics: this.metrics,
      settings: this.definitions.map(queueSettingsOf),
      queueUrlBase: env.queueUrlBase,
      prefix: this.prefix,
      logger: testLogger('health'),
      snapshots: new DynamoDbHealthSnapshotStore({ client: env.dynamoDb, tableName: this.tableName }),
      census: new DynamoDbJobCensus({ client: env.dynamoDb, tableName: this.tableName }),
      pauses: new DynamoDbPauseStore({ client: env.dynamoDb, tableName: this.tableName }),
      openApiDocument: () => JSON.stringify(buildOpenApiDocument({ queues: this.definitions.map(queueSettingsOf) })),
      // Tests watch counts move: every call refreshes (the 15 s rule has its own tests).
      snapshotMaxAgeMs: 0,
    });
    return this;
  }

  /** The dependencies the sweeper and reconciler run with. */
  public enqueueDeps(): EnqueueDeps & { readonly store: DynamoDbJobStore } {
    return { store: this.store, queues: this.queueClient, directory: this.directory, clock: this.clock, logger: testLogger('scheduler') };
  }

  public definition(queue: string): QueueDefinition {
    const found = this.definitions.find((definition) => definition.name === queue);
    if (!found) throw new Error(`no queue ${queue} in this test pipeline`);
    return found;
  }

  /** A consumer's dependencies, as the consumer function would build them. */
  public consumerDeps(queue: string, overrides: Partial<ConsumerDeps> = {}): ConsumerDeps {
    const definition = this.definition(queue);
    const provisioned = this.queues[queue];
    if (!provisioned) throw new Error(`queue ${queue} is not provisioned; call start() first`);
    const env = testEnvironment();
    return {
      definition,
      lanes: provisioned.lanes.map((lane) => ({ lane, name: laneQueueName(this.prefix, definition, lane), url: provisioned.laneUrls[lane] ?? '' })),
      deadLetterUrl: provisioned.deadLetterUrl,
      store: this.store,
      queues: this.queueClient,
      limiter: definition.rateLimit ? new DynamoDbRateLimiter({ client: env.dynamoDb, tableName: this.tableName }) : undefined,
      pool: new DynamoDbConcurrencyPool({ client: env.dynamoDb, tableName: this.tableName, clock: this.clock }),
      metrics: this.metrics,
      processor:
        this.options.processors?.[queue] ??
        createHttpProcessor({ targetUrl: this.targetUrl, signingSecret: this.secret, timeoutMs: definition.timeoutMs, allowLoopback: true }),
      clock: this.clock,
      logger: testLogger(`consumer-${queue}`),
      ...overrides,
    };
  }

  /** A consumer handler, invoked like Lambda invokes it. */
  public consumer(queue: string, overrides: Partial<ConsumerDeps> = {}): (event: SQSEvent) => Promise<SQSBatchResponse> {
    const handler = createConsumerHandler(this.consumerDeps(queue, overrides));
    return (event) => handler(event, lambdaContext(`consumer-${queue}`));
  }

  /** Starts one event source poller per lane of the queue, like the stack's mappings. */
  public startConsumers(queue: string, options: { batchSize?: number; overrides?: Partial<ConsumerDeps> } = {}): EventSourcePoller[] {
    const provisioned = this.queues[queue];
    if (!provisioned) throw new Error(`queue ${queue} is not provisioned`);
    const handler = this.consumer(queue, options.overrides);
    const concurrency: Readonly<Record<string, number>> = consumerSizing(this.definition(queue)).laneMaximumConcurrency;
    const started = provisioned.lanes.map((lane) => {
      const poller = new EventSourcePoller({
        client: testEnvironment().sqs,
        queueUrl: provisioned.laneUrls[lane] ?? '',
        queueArn: provisioned.laneArns[lane] ?? '',
        batchSize: options.batchSize ?? 10,
        maximumConcurrency: concurrency[lane] ?? 2,
        reportBatchItemFailures: true,
        handler,
        onError: () => undefined,
      });
      poller.start();
      return poller;
    });
    this.pollers.push(...started);
    return started;
  }

  public async ingest(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult & { json: Record<string, unknown> }> {
    if (!this.ingestHandler) throw new Error('start() the pipeline first');
    const response = await this.ingestHandler(event, lambdaContext('ingest'));
    return { ...response, json: JSON.parse(response.body) as Record<string, unknown> };
  }

  public async status(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult & { json: Record<string, unknown> }> {
    if (!this.statusHandler) throw new Error('start() the pipeline first');
    const response = await this.statusHandler(event, lambdaContext('job-status'));
    return { ...response, json: JSON.parse(response.body) as Record<string, unknown> };
  }

  public async health(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult & { json: Record<string, unknown> }> {
    if (!this.healthHandler) throw new Error('start() the pipeline first');
    const response = await this.healthHandler(event, lambdaContext('health'));
    return { ...response, json: JSON.parse(response.body) as Record<string, unknown> };
  }

  /** What the sweeper, reconciler and stuck detector run with; each run has all the time it wants. */
  public scheduledDeps(): ScheduledRunDeps & { pauses: DynamoDbPauseStore } {
    const env = testEnvironment();
    return {
      ...this.enqueueDeps(),
      schedule: new DynamoDbScheduleScanner({ client: env.dynamoDb, tableName: this.tableName }),
      pauses: new DynamoDbPauseStore({ client: env.dynamoDb, tableName: this.tableName }),
      remainingMs: () => 60_000,
    };
  }

  public sweep() {
    return sweepDueJobs(this.scheduledDeps());
  }

  /** One reconciler run with every queue's threshold `afterSeconds`, unless `timings` names a queue's own. */
  public reconcile(afterSeconds: number, timings: ReadonlyMap<string, QueueTimings> = new Map()) {
    return reconcileUnclaimed({ ...this.scheduledDeps(), timings, defaultAfterSeconds: afterSeconds });
  }

  /** Waits until `check` holds, polling; fails with `what` after `timeoutMs`. */
  public async until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Waits for a job to reach a status. */
  public async untilStatus(jobId: string, status: string, timeoutMs = 20_000) {
    return this.until(`job ${jobId} to be ${status}`, async () => {
      const job = await this.store.get(jobId);
      return job?.status === status ? job : undefined;
    }, timeoutMs);
  }

  public async stop(): Promise<void> {
    await Promise.all(this.pollers.map((poller) => poller.stop()));
    await this.target.stop();
  }
}
