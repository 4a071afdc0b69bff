import { Aws, Duration, Fn, Stack, Token, Validations, type RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ConfigError } from '../functions/core/errors';
import { JOBS_TABLE } from '../functions/core/table-schema';
import type { AdminApi, AdminMethod } from './admin-api';
import type { JobQueues } from './job-queues';
import type { JobsTable } from './jobs-table';
import type { LogLevelName } from './pipeline-context';
import { MAX_ENVIRONMENT_BYTES, PipelineFunction } from './pipeline-function';
import type { QueueConsumer } from './queue-consumer';

/**
 * The operations routes the admin function answers, as `METHOD /admin/…`
 * (the keys of the handler's route table, which a test keeps equal to this list).
 */
export const ADMIN_FUNCTION_ROUTES = [
  'GET /admin/queues',
  'GET /admin/queues/{queue}/metrics',
  'GET /admin/queues/{queue}/failed',
  'POST /admin/queues/{queue}/redrive',
  'GET /admin/queues/{queue}/redrive',
  'GET /admin/jobs/{id}',
  'POST /admin/jobs/{id}/retry',
  'DELETE /admin/queues/{queue}/dlq',
  'POST /admin/queues/{queue}/pause',
  'POST /admin/queues/{queue}/resume',
  'POST /admin/queues/{queue}/clean',
  'POST /admin/endpoints',
  'GET /admin/endpoints',
  'GET /admin/endpoints/{id}',
  'PATCH /admin/endpoints/{id}',
  'DELETE /admin/endpoints/{id}',
  'POST /admin/endpoints/{id}/rotate-secret',
  'POST /admin/endpoints/{id}/rotate-token',
] as const satisfies readonly `${AdminMethod} /admin/${string}`[];

/** What the function does to each dead-letter queue: read depths, receive and release or delete held letters, purge, redrive. */
const DEAD_LETTER_ACTIONS = [
  'sqs:GetQueueAttributes',
  'sqs:ReceiveMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:DeleteMessage',
  'sqs:PurgeQueue',
  // A message move task needs these four on its source (and SendMessage on its destination, a lane).
  'sqs:StartMessageMoveTask',
  'sqs:ListMessageMoveTasks',
] as const;

/** What the function does to each lane: read depths, and send redriven jobs back. */
const LANE_ACTIONS = ['sqs:GetQueueAttributes', 'sqs:SendMessage'] as const;

/**
 * Item actions on the jobs table: read a job, reset / mark it (conditional updates), clean deletes; Scan for
 * cleaning states without an index; PutItem (in a transaction) to register an endpoint and BatchGetItem to list them.
 * DynamoDB authorizes a transaction's writes by these per-item actions: there is no action for the transaction itself.
 */
const TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Scan'] as const;

/** Room assumed for one consumer's function name in `CONSUMER_FUNCTIONS`: Lambda's longest name. */
const FUNCTION_NAME_BYTES = 64;

/**
 * Room assumed for an alias ARN in `CONSUMER_FUNCTIONS` (a consumer with
 * provisioned concurrency): `arn:<partition>:lambda:<region>:<account>:function:<name>:live`
 * with the longest name and room for long partitions and regions.
 */
const ALIAS_ARN_BYTES = 140;

/** Properties of {@link AdminFunction}. */
export interface AdminFunctionProps {
  /** The jobs table. */
  readonly jobs: JobsTable;
  /** Every catalog queue's lanes and DLQ, by queue name. */
  readonly queues: ReadonlyMap<string, JobQueues>;
  /** Every catalog queue's consumer, by queue name (pause / resume switch its mappings, found by its `mappingTarget`). */
  readonly consumers: ReadonlyMap<string, QueueConsumer>;
  /**
   * What the ingest-side functions get: `TABLE_NAME`, `QUEUE_URL_BASE`,
   * `QUEUE_NAME_PREFIX`, `QUEUES`. `QUEUE_ARN_BASE` and `CONSUMER_FUNCTIONS` are added here.
   */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * Let endpoints be registered at loopback addresses (the consumers' `allowLoopbackTargets`: the same guard runs
   * at registration and at delivery).
   *
   * @default false
   */
  readonly allowLoopbackTargets?: boolean;
  /**
   * Let endpoints be registered at private and shared CGNAT addresses (the consumers' `allowPrivateTargets`).
   *
   * @default false
   */
  readonly allowPrivateTargets?: boolean;
  /**
   * Powertools log level.
   *
   * @default - INFO
   */
  readonly logLevel?: LogLevelName;
  /** Stack traces through source maps (see `PipelineFunctionProps.sourceMaps`). @default false */
  readonly sourceMaps?: boolean;
  /**
   * How long the function's logs are kept.
   *
   * @default - RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * What happens to the log group when the stack is deleted.
   *
   * @default - RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The admin function (`functions/handlers/admin.ts`): queue status and
 * metrics, failed jobs, redrive (SQS message move tasks, or chosen job ids),
 * retry, purge, pause / resume, clean, and the endpoint registry. Its role
 * may do exactly what the handler does, on the pipeline's own resources:
 *
 * - each lane: `GetQueueAttributes`, `SendMessage` (a selective redrive, and a
 *   move task's destination);
 * - each DLQ: `GetQueueAttributes`, `ReceiveMessage`, `ChangeMessageVisibility`,
 *   `DeleteMessage`, `PurgeQueue`, `StartMessageMoveTask`, `ListMessageMoveTasks`;
 * - the jobs table: `GetItem`, `BatchGetItem`, `PutItem`, `UpdateItem`,
 *   `DeleteItem`, `Scan`, and `Query` on the table (metrics, the endpoint
 *   directory) and its `failed` index;
 * - each consumer's event source mappings, by ARN: `UpdateEventSourceMapping`;
 * - `lambda:ListEventSourceMappings` on `*`: Lambda cannot scope it to a resource.
 *
 * Its environment adds to the ingest side's `QUEUE_ARN_BASE`
 * (`arn:<partition>:sqs:<region>:<account>`, for move tasks) and
 * `CONSUMER_FUNCTIONS` (`{ "<queue>": "<mapping target>" }`: what the
 * consumer's mappings invoke, its function name, or its alias ARN when it has
 * provisioned concurrency; see `QueueConsumer.mappingTarget`), and
 * the consumers' `ALLOW_LOOPBACK_TARGETS` / `ALLOW_PRIVATE_TARGETS`, so a URL
 * registered as an endpoint passes the guard its deliveries will.
 *
 * @example
 * const admin = new AdminFunction(this, 'AdminFunction', { jobs, queues, consumers, environment });
 * admin.addRoutes(adminApi);
 */
export class AdminFunction extends Construct {
  /** The function and its role and logs. */
  public readonly handler: PipelineFunction;

  public constructor(scope: Construct, id: string, props: AdminFunctionProps) {
    super(scope, id);
    validate(id, props);
    const consumerFunctions = Object.fromEntries(
      [...props.consumers].map(([queue, consumer]) => [queue, consumer.mappingTarget]),
    );
    const environment = {
      ...props.environment,
      QUEUE_ARN_BASE: Fn.join(':', ['arn', Aws.PARTITION, 'sqs', Aws.REGION, Aws.ACCOUNT_ID]),
      CONSUMER_FUNCTIONS: Stack.of(this).toJsonString(consumerFunctions),
      ALLOW_LOOPBACK_TARGETS: String(props.allowLoopbackTargets ?? false),
      ALLOW_PRIVATE_TARGETS: String(props.allowPrivateTargets ?? false),
    };
    checkConsumerFunctionsRoom(id, environment, props.consumers);

    this.handler = new PipelineFunction(this, 'Handler', {
      handlerName: 'admin',
      serviceName: 'admin',
      description: 'The /admin operations routes: status, metrics, failed jobs, redrive, retry, purge, pause/resume, clean, endpoints',
      // Past API Gateway's 29 s the caller has a 504, but a clean or a redrive should still finish what it started.
      timeout: Duration.seconds(60),
      memorySize: 512,
      logLevel: props.logLevel,
      sourceMaps: props.sourceMaps,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
      environment,
    });
    this.grant(props);
  }

  /** Adds every route of {@link ADMIN_FUNCTION_ROUTES} to the admin API (each `AWS_IAM`), answered by this function. */
  public addRoutes(adminApi: AdminApi): void {
    for (const route of ADMIN_FUNCTION_ROUTES) {
      const [method, path] = route.split(' ') as [AdminMethod, string];
      adminApi.addRoute(method, path, this.handler.function);
    }
  }

  private grant(props: AdminFunctionProps): void {
    const role = this.handler.role;
    const queueSets = [...props.queues.values()];
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: [...LANE_ACTIONS], resources: queueSets.flatMap((set) => set.laneQueueList.map((queue) => queue.queueArn)) }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: [...DEAD_LETTER_ACTIONS], resources: queueSets.map((set) => set.deadLetterQueue.queueArn) }),
    );

    const table = props.jobs.table.tableArn;
    const failedIndex = props.jobs.indexArns.get(JOBS_TABLE.failedIndex.name);
    if (failedIndex === undefined) {
      throw new ConfigError(`AdminFunction: the jobs table has no "${JOBS_TABLE.failedIndex.name}" index; JOBS_TABLE must declare failedIndex`);
    }
    role.addToPrincipalPolicy(new PolicyStatement({ actions: [...TABLE_ACTIONS], resources: [table] }));
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['dynamodb:Query'], resources: [table, failedIndex] }));

    const mappings = [...props.consumers.values()].flatMap((consumer) => [...consumer.mappings.values()]);
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['lambda:UpdateEventSourceMapping'], resources: mappings.map((mapping) => mapping.eventSourceMappingArn) }),
    );
    // Lambda authorizes ListEventSourceMappings on no resource type: `*` is the only resource it takes.
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['lambda:ListEventSourceMappings'], resources: ['*'] }));
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only lambda:ListEventSourceMappings, which Lambda authorizes on no resource type (resource * only); it reads ' +
        "mapping configuration, no data. The calls that change mappings are scoped to the consumers' mapping ARNs.",
    });
  }
}

function validate(id: string, props: AdminFunctionProps): void {
  const queues = [...props.queues.keys()].sort();
  const consumers = [...props.consumers.keys()].sort();
  if (queues.length === 0 || JSON.stringify(queues) !== JSON.stringify(consumers)) {
    throw new ConfigError(
      `AdminFunction ${id}: queues and consumers must name the same, non-empty set of catalog queues; got queues [${queues.join(', ')}] and consumers [${consumers.join(', ')}]`,
    );
  }
  for (const name of ['TABLE_NAME', 'QUEUE_URL_BASE', 'QUEUE_NAME_PREFIX', 'QUEUES']) {
    if (props.environment[name] === undefined) {
      throw new ConfigError(`AdminFunction ${id}: environment must hold ${name}, as the ingest-side functions get it; it has ${Object.keys(props.environment).join(', ') || 'nothing'}`);
    }
  }
}

/**
 * `PipelineFunction` counts an unresolved value as 256 bytes, but
 * `CONSUMER_FUNCTIONS` holds one mapping target per queue: a generated
 * function name (up to 64 bytes), or an alias ARN (about 140) for a consumer
 * with provisioned concurrency. Check the environment with that room for each.
 */
function checkConsumerFunctionsRoom(
  id: string,
  environment: Readonly<Record<string, string>>,
  consumers: ReadonlyMap<string, QueueConsumer>,
): void {
  const queues = [...consumers.keys()];
  const estimated = JSON.stringify(
    Object.fromEntries(
      [...consumers].map(([queue, consumer]) => [queue, 'x'.repeat(consumer.alias === undefined ? FUNCTION_NAME_BYTES : ALIAS_ARN_BYTES)]),
    ),
  );
  const total = Object.entries(environment).reduce((sum, [name, value]) => {
    const bytes = name === 'CONSUMER_FUNCTIONS' ? Buffer.byteLength(estimated) : Token.isUnresolved(value) ? 256 : Buffer.byteLength(value);
    return sum + Buffer.byteLength(name) + bytes;
  }, 0);
  // The Powertools variables PipelineFunction adds take about 100 bytes more.
  if (total + 100 > MAX_ENVIRONMENT_BYTES) {
    throw new ConfigError(
      `AdminFunction ${id}: its environment would be about ${total + 100} bytes with ${queues.length} consumer mapping targets, ` +
        `over Lambda's ${MAX_ENVIRONMENT_BYTES}. Fix: shorten catalog entries' settings, or move the queue settings out of the environment`,
    );
  }
}
