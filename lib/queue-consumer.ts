import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Alias, RecursiveLoop, type EventSourceMapping, type IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { consumerSizing, type ConsumerSizing } from '../functions/core/consumer-sizing';
import { ConfigError } from '../functions/core/errors';
import type { Lane } from '../functions/core/lanes';
import { queueSettingsOf } from '../functions/core/runtime-config';
import type { JobQueues } from './job-queues';
import type { JobsTable } from './jobs-table';
import type { LogLevelName } from './pipeline-context';
import { PipelineFunction } from './pipeline-function';
import type { SigningSecret } from './signing-secret';

/** Properties of {@link QueueConsumer}. */
export interface QueueConsumerProps {
  /** The queue set (lanes and DLQ) this consumer drains; its catalog entry sizes the consumer. */
  readonly queues: JobQueues;
  /** The jobs table. */
  readonly jobs: JobsTable;
  /** The queue's signing secret. */
  readonly signingSecret: SigningSecret;
  /** Where the queue's jobs are delivered (`TARGET_URL`): an http(s) URL. */
  readonly targetUrl: string;
  /** The account's SQS base URL (`QUEUE_URL_BASE`), e.g. built from `AWS::Region` and `AWS::AccountId`. */
  readonly queueUrlBase: string;
  /**
   * Whether deliveries to loopback addresses are allowed (local runs only).
   *
   * @default - false
   */
  readonly allowLoopbackTargets?: boolean;
  /**
   * Whether deliveries to private network addresses are allowed.
   *
   * @default - false
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
   * How long the consumer's logs are kept.
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
  /**
   * Instances Lambda keeps initialized for the consumer, so a job (an urgent
   * one above all) arriving while every warm instance is busy does not wait
   * for a cold start. A whole number from 1 to the consumer's reserved
   * concurrency. Provisioned concurrency needs a published version and an
   * alias: the consumer then gets the alias {@link CONSUMER_ALIAS_NAME} on
   * its current version, and every lane's mapping invokes the alias.
   *
   * @default - none: no version or alias, the mappings invoke the function
   */
  readonly provisionedConcurrency?: number;
}

/** The name of the alias a consumer with provisioned concurrency is invoked through. */
export const CONSUMER_ALIAS_NAME = 'live';

/**
 * One catalog queue's consumer: a function running `functions/handlers/consumer.ts`
 * for all the queue's lanes, sized by `consumerSizing` (timeout, batch,
 * reserved concurrency), with one event source mapping per lane
 * (`ReportBatchItemFailures`, `MaximumConcurrency` weighted towards higher
 * lanes). Its grants are what the handler does and no more: consume its own
 * lanes (the mappings), re-send to its lanes (deferrals) and send to its DLQ,
 * read its lanes' attributes (lane yield), the job store and rate limiter
 * items, and its own signing secret. Its recursive-loop detection is off
 * (`RecursiveLoop: Allow`): deferrals re-send to the function's own queue, and
 * a stopped chain would leave a job waiting; `QueueAlarms` watches for
 * dropped recursive invocations instead.
 *
 * With `provisionedConcurrency` the consumer also gets a version (its current
 * one, replaced whenever the function changes) and the alias
 * {@link CONSUMER_ALIAS_NAME} with that many provisioned instances, and the
 * lanes' mappings invoke the alias. The alias shares the function's role, so
 * the grants stay as they are.
 *
 * @example
 * new QueueConsumer(this, 'payments', { queues, jobs, signingSecret, targetUrl, queueUrlBase });
 */
export class QueueConsumer extends Construct {
  /** The consumer function and its role and logs. */
  public readonly handler: PipelineFunction;
  /** How it is sized. */
  public readonly sizing: ConsumerSizing;
  /** Each lane's event source mapping. */
  public readonly mappings: ReadonlyMap<Lane, EventSourceMapping>;
  /**
   * The alias the mappings invoke, holding the provisioned concurrency; only
   * with `provisionedConcurrency`.
   */
  public readonly alias?: Alias;
  /**
   * What the lanes' mappings invoke, as `ListEventSourceMappings` takes it to
   * find them: the function's name without provisioned concurrency, the
   * alias's ARN (`…:function:<name>:live`) with it (Lambda does not document
   * that listing by the bare function name finds an alias's mappings). A
   * token until deploy.
   */
  public readonly mappingTarget: string;
  private readonly definition: JobQueues['definition'];

  public constructor(scope: Construct, id: string, props: QueueConsumerProps) {
    super(scope, id);
    validate(id, props);
    const { definition } = props.queues;
    this.definition = definition;
    this.sizing = consumerSizing(definition);
    checkProvisionedConcurrency(definition.name, props.provisionedConcurrency, this.sizing.reservedConcurrency);

    this.handler = new PipelineFunction(this, 'Handler', {
      handlerName: 'consumer',
      serviceName: `consumer-${definition.name}`,
      description: `Runs the jobs of the ${definition.name} queue, all lanes`,
      timeout: Duration.seconds(this.sizing.functionTimeoutSeconds),
      memorySize: definition.memoryMb,
      reservedConcurrentExecutions: this.sizing.reservedConcurrency,
      // Every lane yield and rate deferral sends the message back to the queue that
      // invoked the function: a loop by design, which Lambda would stop after ~16 hops.
      recursiveLoop: RecursiveLoop.ALLOW,
      logLevel: props.logLevel,
      sourceMaps: props.sourceMaps,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
      environment: {
        TABLE_NAME: props.jobs.table.tableName,
        QUEUE_URL_BASE: props.queueUrlBase,
        QUEUE_NAME_PREFIX: props.queues.namePrefix,
        QUEUE_SETTINGS: JSON.stringify(definition),
        TARGET_URL: props.targetUrl,
        SIGNING_SECRET_ARN: props.signingSecret.secret.secretArn,
        ALLOW_LOOPBACK_TARGETS: String(props.allowLoopbackTargets ?? false),
        ALLOW_PRIVATE_TARGETS: String(props.allowPrivateTargets ?? false),
      },
    });
    const fn = this.handler.function;
    if (props.provisionedConcurrency !== undefined) {
      this.alias = new Alias(this, 'Alias', {
        aliasName: CONSUMER_ALIAS_NAME,
        version: fn.currentVersion,
        provisionedConcurrentExecutions: props.provisionedConcurrency,
      });
    }
    const invoked: IFunction = this.alias ?? fn;
    this.mappingTarget = this.alias?.functionArn ?? fn.functionName;

    const window = this.sizing.maximumBatchingWindowSeconds;
    this.mappings = new Map(
      props.queues.lanes.map((lane) => {
        const queue = props.queues.laneQueue(lane);
        queue.grantConsumeMessages(fn);
        const mapping = invoked.addEventSourceMapping(`Lane-${lane}`, {
          eventSourceArn: queue.queueArn,
          batchSize: this.sizing.batchSize,
          maxBatchingWindow: window === undefined ? undefined : Duration.seconds(window),
          reportBatchItemFailures: true,
          maxConcurrency: this.sizing.laneMaximumConcurrency[lane],
        });
        return [lane, mapping] as const;
      }),
    );

    props.queues.grantSendToLanes(fn);
    props.queues.grantSendToDeadLetter(fn);
    props.queues.grantReadAttributes(fn, { includeDeadLetter: false });
    props.jobs.grantJobStore(fn);
    if (definition.rateLimit) props.jobs.grantRateLimiter(fn);
    props.signingSecret.grantRead(fn);
    this.grantPauseGuard(fn);
  }

  /**
   * Lets the consumer add the `job.completed` / `job.failed` events of its
   * final jobs that asked for `notify` to `queues`, the queue that delivers
   * to endpoints: its settings go in `NOTIFY_QUEUE`, and the consumer may
   * send to its lanes (the consumer of that queue already may).
   */
  public notifyThrough(queues: JobQueues): void {
    this.handler.function.addEnvironment('NOTIFY_QUEUE', JSON.stringify(queueSettingsOf(queues.definition)));
    if (queues.definition.name !== this.definition.name) queues.grantSendToLanes(this.handler.function);
  }

  /**
   * Names the API's base URL (`API_BASE_URL`, e.g. built from the REST API's
   * id, the region, the URL suffix and the stage name): each delivery then
   * carries its attempt's `webhook-progress-url` under it.
   */
  public reportProgressTo(apiBaseUrl: string): void {
    this.handler.function.addEnvironment('API_BASE_URL', apiBaseUrl);
  }

  /**
   * A consumer that finds its queue paused (a deploy replaced a mapping, enabled
   * as the template says) disables its own mappings again. A policy of its own,
   * not the role's default one: the function depends on its default policy and
   * the mappings on the function, so naming the mappings there would be a cycle.
   */
  private grantPauseGuard(fn: IFunction): void {
    const role = fn.role;
    if (role === undefined) return;
    const policy = new Policy(this, 'PauseGuardPolicy', {
      roles: [role],
      statements: [
        new PolicyStatement({ actions: ['lambda:UpdateEventSourceMapping'], resources: [...this.mappings.values()].map((mapping) => mapping.eventSourceMappingArn) }),
        // Lambda authorizes ListEventSourceMappings on no resource type: `*` is the only resource it takes.
        new PolicyStatement({ actions: ['lambda:ListEventSourceMappings'], resources: ['*'] }),
      ],
    });
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Only lambda:ListEventSourceMappings, which Lambda authorizes on no resource type (resource * only); it reads ' +
        "mapping configuration, no data. The update is scoped to this consumer's own mapping ARNs.",
    });
  }
}

/**
 * Lambda refuses provisioned concurrency above the function's reserved
 * concurrency (the provisioned instances count against it).
 */
function checkProvisionedConcurrency(queue: string, provisioned: number | undefined, reserved: number): void {
  if (provisioned === undefined) return;
  if (!Number.isInteger(provisioned) || provisioned < 1) {
    throw new ConfigError(
      `the ${queue} consumer's provisionedConcurrency must be a whole number of at least 1; got ${provisioned}. Fix: -c provisionedConcurrency.${queue}=1`,
    );
  }
  if (provisioned > reserved) {
    throw new ConfigError(
      `the ${queue} consumer's provisionedConcurrency ${provisioned} is more than its reserved concurrency ${reserved}, ` +
        `which Lambda refuses. Fix: -c provisionedConcurrency.${queue}=${reserved} or less, or raise the queue's concurrency in the catalog`,
    );
  }
}

function validate(id: string, props: QueueConsumerProps): void {
  let url: URL | undefined;
  try {
    url = new URL(props.targetUrl);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new ConfigError(
      `QueueConsumer ${id}: targetUrl must be an http(s) URL; got "${props.targetUrl}". Fix: -c targets.${props.queues.definition.name}=https://…`,
    );
  }
}
