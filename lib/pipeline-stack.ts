import { Annotations, Aws, CfnOutput, Duration, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { parseCatalog, type QueueDefinition, type QueueDefinitionInput } from '../functions/core/queue-config';
import { queueSettingsOf, queueSettingsSchema, type QueueSettings } from '../functions/core/runtime-config';
import { AdminApi } from './admin-api';
import { AdminFunction } from './admin-function';
import { AlarmTopic } from './alarm-topic';
import { catalog as shippedCatalog } from './catalog';
import { IngestApi } from './ingest-api';
import { JobQueues } from './job-queues';
import { JobsTable } from './jobs-table';
import { LogQueries } from './log-queries';
import { OperationsDashboard } from './operations-dashboard';
import { readPipelineContext, readStage, type PipelineContext } from './pipeline-context';
import { PipelineFunction, type PipelineFunctionProps } from './pipeline-function';
import { QueueAlarms } from './queue-alarms';
import { PipelineAlarms } from './pipeline-alarms';
import { queueTimingsVariable } from '../functions/core/queue-timings';
import { buildOpenApiDocument } from '../functions/core/openapi';
import { OPENAPI_FILE_NAME } from '../functions/core/openapi-file';
import { QueueConsumer } from './queue-consumer';
import { Schedules } from './schedules';
import { SigningSecret } from './signing-secret';

/** Reserved concurrency of the job-status function: a cap, so long-polls cannot starve the consumers. */
export const JOB_STATUS_CONCURRENCY = 50;

/** Reserved concurrency of the health function: a cap on what its public and keyed routes can cost. */
export const HEALTH_CONCURRENCY = 5;

/** Properties of {@link PipelineStack}. */
export interface PipelineStackProps extends StackProps {
  /**
   * The job types to provision.
   *
   * @default - the shipped catalog, `lib/catalog.ts`
   */
  readonly catalog?: readonly QueueDefinitionInput[];
}

/**
 * The whole pipeline, derived from the catalog and CDK context (see
 * `readPipelineContext`): the jobs table; per catalog queue its lanes and DLQ,
 * signing secret and consumer; the ingest, status, health, sweeper and
 * reconciler functions; the REST API with partner keys and the admin surface
 * with its admin function; the schedules; per queue its alarms (notifying an
 * SNS topic when `-c alarmEmail=…` is given), one operations dashboard and the
 * saved Logs Insights queries. Adding a catalog entry adds its resources with
 * no other edit.
 *
 * The stack is environment-agnostic: queue URLs are built from `AWS::Region`,
 * `AWS::URLSuffix` and `AWS::AccountId` at deploy time.
 *
 * @example
 * new PipelineStack(app, 'JobPipeline');
 */
export class PipelineStack extends Stack {
  /** The checked context. */
  public readonly settings: PipelineContext;
  /** The checked catalog. */
  public readonly definitions: readonly QueueDefinition[];
  /** The jobs table. */
  public readonly jobs: JobsTable;
  /** Each catalog queue's lanes and DLQ, by queue name. */
  public readonly queues: ReadonlyMap<string, JobQueues>;
  /** Each catalog queue's signing secret, by queue name. */
  public readonly signingSecrets: ReadonlyMap<string, SigningSecret>;
  /** Each catalog queue's consumer, by queue name. */
  public readonly consumers: ReadonlyMap<string, QueueConsumer>;
  /** `POST /jobs/{id}`, `POST /jobs/{id}/batch`. */
  public readonly ingest: PipelineFunction;
  /** `GET`/`DELETE /jobs/{id}`. */
  public readonly jobStatus: PipelineFunction;
  /** `GET /health`, `GET /health/queue`, `GET /queue/status`. */
  public readonly health: PipelineFunction;
  /** Sends due delayed jobs, every minute. */
  public readonly sweeper: PipelineFunction;
  /** Sends again jobs never claimed, every 5 minutes. */
  public readonly reconciler: PipelineFunction;
  /** Finds, repairs and counts stuck jobs, every 5 minutes. */
  public readonly stuckDetector: PipelineFunction;
  /** The pipeline-wide alarms (function errors, API, DynamoDB throttles, stuck jobs). */
  public readonly pipelineAlarms: PipelineAlarms;
  /** The REST API. */
  public readonly ingestApi: IngestApi;
  /** The admin routes of the REST API. */
  public readonly adminApi: AdminApi;
  /** The sweeper and reconciler rules. */
  public readonly schedules: Schedules;
  /** The `/admin` operations routes' function. */
  public readonly admin: AdminFunction;
  /** Where the alarms notify; only with `-c alarmEmail=…`. */
  public readonly alarmTopic?: AlarmTopic;
  /** Each catalog queue's alarms, by queue name. */
  public readonly alarms: ReadonlyMap<string, QueueAlarms>;
  /** The operations dashboard. */
  public readonly dashboard: OperationsDashboard;
  /** The saved Logs Insights queries. */
  public readonly logQueries: LogQueries;

  public constructor(scope: Construct, id: string, props: PipelineStackProps = {}) {
    const read = (key: string): unknown => scope.node.tryGetContext(key);
    super(scope, id, {
      description: 'Job pipeline: API Gateway, SQS, Lambda and DynamoDB with BullMQ semantics',
      stackName: `${id}-${readStage(read)}`,
      ...props,
    });
    this.definitions = parseCatalog(props.catalog ?? shippedCatalog);
    const settings = readPipelineContext(read, this.definitions.map((definition) => definition.name));
    this.settings = settings;
    // Errors, not exceptions: synth and deploy stop on them, destroy, ls and bootstrap need no targets.
    for (const problem of settings.targetProblems) Annotations.of(this).addError(problem);
    const removalPolicy = settings.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const queueUrlBase = Fn.join('', ['https://sqs.', Aws.REGION, '.', Aws.URL_SUFFIX, '/', Aws.ACCOUNT_ID]);
    const logging = { logLevel: settings.logLevel, sourceMaps: settings.sourceMaps, logRetention: settings.logRetention, removalPolicy };

    this.jobs = new JobsTable(this, 'Jobs', { production: settings.production });

    const queueScope = new Construct(this, 'Queues');
    const secretScope = new Construct(this, 'SigningSecrets');
    const consumerScope = new Construct(this, 'Consumers');
    const queues = new Map<string, JobQueues>();
    const secrets = new Map<string, SigningSecret>();
    const consumers = new Map<string, QueueConsumer>();
    const monitored: [JobQueues, QueueConsumer][] = [];
    for (const definition of this.definitions) {
      const queueSet = new JobQueues(queueScope, definition.name, { definition, namePrefix: settings.namePrefix, removalPolicy });
      const secret = new SigningSecret(secretScope, definition.name, { queueName: definition.name, removalPolicy });
      const targetUrl = settings.targets[definition.name] ?? '';
      const consumer = new QueueConsumer(consumerScope, definition.name, {
        queues: queueSet,
        jobs: this.jobs,
        signingSecret: secret,
        targetUrl,
        queueUrlBase,
        allowLoopbackTargets: settings.allowLoopbackTargets,
        allowPrivateTargets: settings.allowPrivateTargets,
        provisionedConcurrency: settings.provisionedConcurrency[definition.name],
        ...logging,
      });
      consumers.set(definition.name, consumer);
      monitored.push([queueSet, consumer]);
      queues.set(definition.name, queueSet);
      secrets.set(definition.name, secret);
    }
    this.queues = queues;
    this.signingSecrets = secrets;
    this.consumers = consumers;

    const pipelineEnvironment = {
      TABLE_NAME: this.jobs.table.tableName,
      QUEUE_URL_BASE: queueUrlBase,
      QUEUE_NAME_PREFIX: settings.namePrefix,
      QUEUES: JSON.stringify(this.definitions.map((definition) => compactSettings(queueSettingsOf(definition)))),
    };
    const pipelineFunction = (
      functionId: string,
      options: Omit<PipelineFunctionProps, 'environment' | 'logLevel' | 'logRetention' | 'removalPolicy'> & {
        readonly extraEnvironment?: Readonly<Record<string, string>>;
      },
    ) => {
      const { extraEnvironment, ...rest } = options;
      return new PipelineFunction(this, functionId, {
        ...rest,
        ...logging,
        environment: { ...pipelineEnvironment, ...extraEnvironment },
      });
    };

    this.ingest = pipelineFunction('Ingest', {
      handlerName: 'ingest',
      serviceName: 'ingest',
      description: 'POST /jobs/{id}, /jobs/{id}/batch, /webhook/{user_id}/{token} and /api/payments/intent/queue: validate, record, enqueue',
      timeout: Duration.seconds(15),
      memorySize: 512,
    });
    this.jobStatus = pipelineFunction('JobStatus', {
      handlerName: 'job-status',
      serviceName: 'job-status',
      description: 'GET /jobs/{id} (with ?wait long-polling) and DELETE /jobs/{id}',
      timeout: Duration.seconds(25),
      // A ?wait long-poll holds an instance up to 20 s: 50 serve 2.5 long-polls a second, or hundreds of
      // plain reads (tens of ms each), and a flood of long-polls cannot take the consumers' account concurrency.
      reservedConcurrentExecutions: JOB_STATUS_CONCURRENCY,
    });
    this.health = pipelineFunction('Health', {
      handlerName: 'health',
      serviceName: 'health',
      description: 'GET /health, GET /openapi.json, GET /health/queue and the admin GET /queue/status and GET /api/queue/status',
      timeout: Duration.seconds(15),
      // Answers take a GetItem (tens of ms); one caller per 15 s refreshes the counts (a second or two) and,
      // before the first snapshot exists, others wait for it up to 2 s. The routes' throttles (20 requests
      // a second in all) need one or two instances; the cap keeps a flood off the account’s pool.
      reservedConcurrentExecutions: HEALTH_CONCURRENCY,
      // The document GET /openapi.json serves, built here from the same catalog as QUEUES, so its generator stays out of the bundle.
      files: { [OPENAPI_FILE_NAME]: JSON.stringify(buildOpenApiDocument({ queues: this.definitions.map(queueSettingsOf) })) },
    });
    this.sweeper = pipelineFunction('Sweeper', {
      handlerName: 'sweeper',
      serviceName: 'sweeper',
      description: 'Every minute: sends delayed jobs that are due, looping until its time is nearly spent',
      timeout: Duration.seconds(55),
      reservedConcurrentExecutions: 1,
      retryAttempts: 0,
    });
    // Each queue's reconcile threshold and stuck bound, for the two functions that judge waiting and active jobs.
    const scheduledEnvironment = {
      RECONCILE_AFTER_SECONDS: String(settings.reconcileAfterSeconds),
      QUEUE_TIMINGS: queueTimingsVariable(this.definitions, settings.reconcileAfterSeconds),
    };
    this.reconciler = pipelineFunction('Reconciler', {
      handlerName: 'reconciler',
      serviceName: 'reconciler',
      description: 'Every 5 minutes: sends again jobs accepted but never claimed',
      timeout: Duration.minutes(2),
      reservedConcurrentExecutions: 1,
      retryAttempts: 0,
      extraEnvironment: scheduledEnvironment,
    });
    this.stuckDetector = pipelineFunction('StuckDetector', {
      handlerName: 'stuck-detector',
      serviceName: 'stuck-detector',
      description: 'Every 5 minutes: repairs or counts jobs that stopped moving',
      timeout: Duration.minutes(2),
      reservedConcurrentExecutions: 1,
      retryAttempts: 0,
      extraEnvironment: scheduledEnvironment,
    });

    for (const fn of [this.ingest, this.jobStatus, this.sweeper, this.reconciler, this.stuckDetector]) this.jobs.grantJobStore(fn.function);
    this.jobs.grantBatchCreate(this.ingest.function);
    this.jobs.grantRead(this.health.function);
    this.jobs.grantHealthSnapshot(this.health.function);
    for (const queueSet of this.queues.values()) {
      for (const fn of [this.ingest, this.sweeper, this.reconciler, this.stuckDetector]) queueSet.grantSendToLanes(fn.function);
      // The reconciler counts a lane before it re-sends into a backlog; the detector dead-letters stuck jobs.
      queueSet.grantReadAttributes(this.reconciler.function, { includeDeadLetter: false });
      queueSet.grantSendToDeadLetter(this.stuckDetector.function);
      queueSet.grantReadAttributes(this.health.function);
    }

    this.ingestApi = new IngestApi(this, 'Api', {
      ingestFunction: this.ingest.function,
      jobStatusFunction: this.jobStatus.function,
      healthFunction: this.health.function,
      partners: settings.partners,
      queues: this.definitions,
      apiName: `${settings.namePrefix}-api`,
      rateLimit: settings.apiRateLimit,
      burstLimit: settings.apiBurstLimit,
      corsOrigins: settings.corsOrigins,
      logRetention: settings.logRetention,
      removalPolicy,
    });
    // The keys exist only once the API does: the partner-facing functions map each request's key id to its partner.
    const partnerKeys = this.toJsonString([...this.ingestApi.apiKeys].map(([partner, key]) => ({ key_id: key.keyId, partner })));
    for (const fn of [this.ingest, this.jobStatus]) fn.function.addEnvironment('PARTNER_KEYS', partnerKeys);
    // Built from the API's id and the stage's name, not from `api.url` (the stage's Ref): the stage depends on the
    // admin routes, the admin function on the consumers, so naming the stage here would be a cycle.
    const apiBaseUrl = Fn.join('', ['https://', this.ingestApi.api.restApiId, '.execute-api.', Aws.REGION, '.', Aws.URL_SUFFIX, '/', this.ingestApi.stageName]);
    const notifyQueue = [...this.queues.values()].find((queueSet) => queueSet.definition.endpoints);
    for (const consumer of this.consumers.values()) {
      consumer.reportProgressTo(apiBaseUrl);
      if (notifyQueue !== undefined) consumer.notifyThrough(notifyQueue);
    }
    this.adminApi = new AdminApi(this, 'Admin', { api: this.ingestApi.api, statusFunction: this.health.function });
    this.admin = new AdminFunction(this, 'AdminFunction', {
      jobs: this.jobs,
      queues: this.queues,
      consumers: this.consumers,
      environment: pipelineEnvironment,
      allowLoopbackTargets: settings.allowLoopbackTargets,
      allowPrivateTargets: settings.allowPrivateTargets,
      ...logging,
    });
    this.admin.addRoutes(this.adminApi);
    this.schedules = new Schedules(this, 'Schedules', {
      sweeper: this.sweeper.function,
      reconciler: this.reconciler.function,
      stuckDetector: this.stuckDetector.function,
    });

    if (settings.alarmEmails.length > 0) {
      this.alarmTopic = new AlarmTopic(this, 'AlarmTopic', { emails: settings.alarmEmails, alarmNamePrefix: settings.namePrefix, removalPolicy });
    }
    const alarmScope = new Construct(this, 'Alarms');
    this.alarms = new Map(
      monitored.map(([queueSet, consumer]) => [
        queueSet.definition.name,
        new QueueAlarms(alarmScope, queueSet.definition.name, { queues: queueSet, consumer, action: this.alarmTopic?.action }),
      ]),
    );
    this.pipelineAlarms = new PipelineAlarms(this, 'PipelineAlarms', {
      namePrefix: settings.namePrefix,
      functions: {
        ingest: this.ingest.function,
        'job-status': this.jobStatus.function,
        sweeper: this.sweeper.function,
        reconciler: this.reconciler.function,
        'stuck-detector': this.stuckDetector.function,
      },
      api: this.ingestApi.api,
      ingestRoutes: [
        { path: '/jobs/{id}', method: 'POST' },
        { path: '/jobs/{id}/batch', method: 'POST' },
        { path: '/webhook/{user_id}/{token}', method: 'POST' },
        { path: '/api/payments/intent/queue', method: 'POST' },
      ],
      table: this.jobs.table,
      indexNames: [...this.jobs.indexArns.keys()],
      action: this.alarmTopic?.action,
    });
    this.dashboard = new OperationsDashboard(this, 'Dashboard', {
      dashboardName: `${settings.namePrefix}-operations`,
      queues: this.queues,
      consumers: this.consumers,
      alarms: [...[...this.alarms.values()].flatMap((queueAlarms) => queueAlarms.alarms), ...this.pipelineAlarms.alarms],
    });
    const consumerLogGroups = [...this.consumers.values()].map((consumer) => consumer.handler.logGroup);
    this.logQueries = new LogQueries(this, 'LogQueries', {
      folder: this.stackName,
      consumerLogGroups,
      functionLogGroups: [
        ...[this.ingest, this.jobStatus, this.health, this.sweeper, this.reconciler, this.stuckDetector, this.admin.handler].map((fn) => fn.logGroup),
        ...consumerLogGroups,
      ],
    });

    this.addOutputs();
  }

  private addOutputs(): void {
    new CfnOutput(this, 'ApiUrl', { value: this.ingestApi.api.url, description: 'Base URL of the jobs API' });
    new CfnOutput(this, 'TableName', { value: this.jobs.table.tableName, description: 'The jobs table' });
    new CfnOutput(this, 'AdminInvokePolicyArn', {
      value: this.adminApi.invokePolicy.managedPolicyArn,
      description: 'Attach to operators’ roles to call the admin routes (SigV4)',
    });
    new CfnOutput(this, 'DashboardName', {
      value: this.dashboard.dashboard.dashboardName,
      description: 'The operations dashboard in CloudWatch',
    });
    if (this.alarmTopic) {
      new CfnOutput(this, 'AlarmTopicArn', {
        value: this.alarmTopic.topic.topicArn,
        description: 'Every alarm notifies this topic; each address confirms its subscription by mail first',
      });
    }
    for (const [partner, key] of this.ingestApi.apiKeys) {
      new CfnOutput(this, `ApiKeyId${pascal(partner)}`, {
        value: key.keyId,
        description: `API key id of partner ${partner}: aws apigateway get-api-key --include-value --api-key <id>`,
      });
    }
    for (const [queue, secret] of this.signingSecrets) {
      new CfnOutput(this, `SigningSecretArn${pascal(queue)}`, {
        value: secret.secret.secretArn,
        description: `Signing secret of the ${queue} queue's deliveries`,
      });
    }
  }
}

/**
 * A queue's settings without the fields equal to the schema's defaults: the
 * functions parse `QUEUES` with the same schema, which fills them back in. Keeps
 * the variable (shared by five functions, 4 KB each) small as the catalog grows.
 */
export function compactSettings(settings: QueueSettings): Partial<QueueSettings> {
  const defaults = queueSettingsSchema.parse({ name: settings.name, attempts: settings.attempts }) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(settings).filter(
      ([key, value]) => value !== undefined && (key === 'name' || key === 'attempts' || JSON.stringify(value) !== JSON.stringify(defaults[key])),
    ),
  ) as Partial<QueueSettings>;
}

function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
}
