import { Logger } from '@aws-lambda-powertools/logger';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Clock } from '../../../../functions/adapters/clock';
import { SqsDeadLetterQueue } from '../../../../functions/adapters/dead-letter-queue';
import { DynamoDbEndpointRegistry } from '../../../../functions/adapters/dynamodb-endpoint-registry';
import { LambdaEventSourceControl } from '../../../../functions/adapters/event-source-control';
import { SqsMessageMoveTasks } from '../../../../functions/adapters/message-move-tasks';
import { DynamoDbPauseStore } from '../../../../functions/adapters/pause-store';
import { DynamoDbJobCensus } from '../../../../functions/adapters/job-census';
import { SqsQueueClient } from '../../../../functions/adapters/sqs-queue-client';
import { consumerSizing } from '../../../../functions/core/consumer-sizing';
import { queueSettingsOf } from '../../../../functions/core/runtime-config';
import { createAdminHandler } from '../../../../functions/handlers/factories/admin-api';
import type { AdminDeps } from '../../../../functions/handlers/workflows/admin/admin-deps';
import { queueLocator } from '../../../../functions/handlers/workflows/admin/queue-locations';
import { generateSigningSecret } from '../../../../functions/processors/webhook-signature';
import { startLambdaControlApi } from '../../../../local/cloud/http/lambda-control-api';
import { startSqsProxy, type SqsProxy } from '../../../../local/cloud/http/sqs-proxy';
import type { RunningServer } from '../../../../local/cloud/http/http-server';
import { localAwsConfig, LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../../../local/local-aws';
import type { EventSourcePoller } from '../../../../local/event-source-poller';
import { testEnvironment } from '../../../helpers/emulators';
import { lambdaContext } from '../../support/lambda-context';
import type { TestPipeline } from '../../support/pipeline';
import { PollerRegistry } from './poller-registry';

/** The ARN base of the emulator's queues. */
export const LOCAL_QUEUE_ARN_BASE = `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}`;

/** The consumer function name the harness gives a queue. */
export const consumerFunction = (queue: string): string => `consumer-${queue}`;

/** An admin answer with its body parsed. */
export type AdminAnswer = APIGatewayProxyResult & { json: Record<string, unknown> };

/**
 * The admin function over a test pipeline, as the local cloud runs it: its SQS
 * client goes through the SQS proxy (which adds the message move tasks the
 * emulator lacks), its Lambda client to the Lambda control API over a
 * registry of the pipeline's real event source pollers.
 */
export class AdminHarness {
  public readonly registry = new PollerRegistry();
  private proxy?: SqsProxy;
  private control?: RunningServer;
  private handler?: ReturnType<typeof createAdminHandler>;
  private depsBuilt?: AdminDeps;

  public constructor(private readonly pipeline: TestPipeline, private readonly options: { readonly clock?: Clock } = {}) {}

  /** Starts the proxy and the control API and builds the handler; call after `pipeline.start()`. */
  public async start(): Promise<this> {
    const env = testEnvironment();
    [this.proxy, this.control] = await Promise.all([
      startSqsProxy({ port: 0, upstream: env.sqsEndpoint }),
      startLambdaControlApi({ port: 0, registry: this.registry }),
    ]);
    const sqs = new SQSClient(localAwsConfig(this.proxy.endpoint));
    const lambda = new LambdaClient(localAwsConfig(this.control.url));
    const settings = this.pipeline.definitions.map(queueSettingsOf);
    this.depsBuilt = {
      settings,
      directory: this.pipeline.directory,
      locate: queueLocator(env.queueUrlBase, LOCAL_QUEUE_ARN_BASE, this.pipeline.prefix),
      store: this.pipeline.store,
      metrics: this.pipeline.metrics,
      census: new DynamoDbJobCensus({ client: env.dynamoDb, tableName: this.pipeline.tableName }),
      queues: new SqsQueueClient({ client: sqs }),
      deadLetters: new SqsDeadLetterQueue({ client: sqs }),
      moveTasks: new SqsMessageMoveTasks({ client: sqs }),
      eventSources: new LambdaEventSourceControl({ client: lambda }),
      pauses: new DynamoDbPauseStore({ client: env.dynamoDb, tableName: this.pipeline.tableName }),
      endpoints: new DynamoDbEndpointRegistry({ client: env.dynamoDb, tableName: this.pipeline.tableName, newSecret: generateSigningSecret }),
      // As the local cloud: receivers on this machine are allowed.
      targetGuard: { allowLoopback: true },
      consumerFunctions: Object.fromEntries(settings.map((queue) => [queue.name, consumerFunction(queue.name)])),
      queueUrlBase: env.queueUrlBase,
      prefix: this.pipeline.prefix,
      clock: this.options.clock ?? this.pipeline.clock,
      logger: new Logger({ serviceName: 'admin', logLevel: process.env.TEST_LOGS ? 'DEBUG' : 'SILENT' }),
    };
    this.handler = createAdminHandler(this.depsBuilt);
    return this;
  }

  /** The admin function's dependencies. */
  public get deps(): AdminDeps {
    if (!this.depsBuilt) throw new Error('start() the admin harness first');
    return this.depsBuilt;
  }

  /** Starts the queue's consumers (one poller per lane) and registers them as its function's mappings. */
  public startConsumers(queue: string): EventSourcePoller[] {
    const pollers = this.pipeline.startConsumers(queue);
    const provisioned = this.pipeline.queues[queue];
    const concurrency: Readonly<Record<string, number>> = consumerSizing(this.pipeline.definition(queue)).laneMaximumConcurrency;
    this.registry.add(
      (provisioned?.lanes ?? []).map((lane, index) => ({
        functionName: consumerFunction(queue),
        eventSourceArn: provisioned?.laneArns[lane] ?? '',
        poller: pollers[index] as EventSourcePoller,
        batchSize: 10,
        maximumConcurrency: concurrency[lane] ?? 2,
      })),
    );
    return pollers;
  }

  /** Invokes the admin function with an API Gateway event. */
  public async call(event: APIGatewayProxyEvent): Promise<AdminAnswer> {
    if (!this.handler) throw new Error('start() the admin harness first');
    const response = await this.handler(event, lambdaContext('admin'));
    return { ...response, json: JSON.parse(response.body) as Record<string, unknown> };
  }

  public async stop(): Promise<void> {
    await Promise.all([this.proxy?.stop(), this.control?.stop()]);
  }
}
