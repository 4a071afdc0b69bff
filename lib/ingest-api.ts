import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  ApiKey,
  AuthorizationType,
  Cors,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  Model,
  Period,
  RequestValidator,
  ResponseType,
  RestApi,
  type Method,
  type MethodDeploymentOptions,
  type Resource,
  type UsagePlan,
} from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { DataSchemaName } from '../functions/core/data-schemas/names';
import { ConfigError } from '../functions/core/errors';
import { MAX_REQUEST_BODY_BYTES, MAX_STORABLE_PAYLOAD_BYTES } from '../functions/core/limits';
import type { PartnerPlan } from './pipeline-context';
import { batchRequestModelSchema, jobRequestModelSchema, paymentIntentModelSchema, queueJobModelSchema } from './request-models';

/**
 * The path parameter of `/jobs/{id}`. API Gateway allows one variable name per
 * path segment, so `POST /jobs/{id}` carries the queue name in it and
 * `GET`/`DELETE /jobs/{id}` the job id; the handlers read `pathParameters.id`.
 */
export const JOB_PATH_PARAMETER = 'id';

/** The `/jobs/{id}` resource's path. */
const JOB_PATH = `/jobs/{${JOB_PATH_PARAMETER}}`;

/**
 * The inbound callback route's resource path: public (the provider has no API
 * key), the per-endpoint token in it is the credential. The ingest function
 * routes on it (`INBOUND_RESOURCE` there).
 */
export const INBOUND_PATH = '/webhook/{user_id}/{token}';

/** Seed 000's payment intent route (API key, like `POST /jobs/{id}`). */
export const PAYMENT_INTENT_PATH = '/api/payments/intent/queue';

/** The public OpenAPI document's route, answered by the health function. */
export const OPENAPI_PATH = '/openapi.json';

/** A catalog queue as the API needs it: its name, and the data schema its jobs follow, if any. */
export interface ApiQueue {
  readonly name: string;
  readonly dataSchema?: DataSchemaName;
}

/** Properties of {@link IngestApi}. */
export interface IngestApiProps {
  /**
   * Handles `POST /jobs/{id}` (id = queue name), `POST /jobs/{id}/batch`, the
   * public inbound callbacks `POST /webhook/{user_id}/{token}` and seed 000's
   * `POST /api/payments/intent/queue`.
   */
  readonly ingestFunction: IFunction;
  /** Handles `GET /jobs/{id}`, `DELETE /jobs/{id}` and the public `POST /jobs/{id}/progress`. */
  readonly jobStatusFunction: IFunction;
  /** Handles the public `GET /health` and the keyed `GET /health/queue`. */
  readonly healthFunction: IFunction;
  /** Partners, each with its own API key and usage plan; at least one. */
  readonly partners: readonly PartnerPlan[];
  /**
   * The catalog's queues. Each one with a data schema gets its own static
   * resources, `POST /jobs/<queue>` and `POST /jobs/<queue>/batch` (API
   * Gateway prefers a static segment to `{id}`), whose request model checks
   * `data` against that schema at the edge; the others are served by
   * `POST /jobs/{id}`.
   *
   * @default - none: every queue is served by `POST /jobs/{id}`, `data` any JSON
   */
  readonly queues?: readonly ApiQueue[];
  /**
   * The API's name in the console.
   *
   * @default - the construct path's unique name
   */
  readonly apiName?: string;
  /**
   * The deployment stage, the URL's first path segment.
   *
   * @default - `v1`
   */
  readonly stageName?: string;
  /**
   * Steady requests per second of each partner route (`POST /jobs/{id}`,
   * `POST /jobs/{id}/batch`, `GET` and `DELETE /jobs/{id}`), and of any route
   * without its own throttle. API Gateway applies it to each method
   * separately, not to the stage as a whole.
   *
   * @default - 500
   */
  readonly rateLimit?: number;
  /**
   * Burst of each partner route (see `rateLimit`).
   *
   * @default - 1000
   */
  readonly burstLimit?: number;
  /**
   * Throttle of the public inbound callback route, on its own: the provider's
   * callbacks of every user share it, and a stranger guessing tokens meets it.
   *
   * @default - {@link INBOUND_THROTTLE}: 50 requests a second, burst 100
   */
  readonly inboundThrottle?: RouteThrottle;
  /**
   * Origins allowed to call the API from a browser.
   *
   * @default - none: CORS is off
   */
  readonly corsOrigins?: readonly string[];
  /**
   * How long access logs are kept.
   *
   * @default - RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * What happens to the access log group when the stack is deleted.
   *
   * @default - RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** A method's throttle: steady requests per second and burst. */
export interface RouteThrottle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/**
 * Throttles of the health routes, lower than the partner routes': `/health`
 * is public and only for monitors polling every few seconds; `/health/queue`
 * answers from a snapshot that changes once per 15 s, so more calls buy
 * nothing. Together they stay far below what the health function's reserved
 * concurrency serves.
 */
export const HEALTH_THROTTLES = {
  health: { rateLimit: 10, burstLimit: 20 },
  queueHealth: { rateLimit: 5, burstLimit: 10 },
} as const satisfies Record<string, RouteThrottle>;

/**
 * Throttle of the public `GET /openapi.json`: a document that changes only
 * with a deployment, read by tools and client generators now and then.
 */
export const OPENAPI_THROTTLE: RouteThrottle = { rateLimit: 5, burstLimit: 10 };

/**
 * Throttle of the public progress route `POST /jobs/{id}/progress`, on its
 * own: targets report a few times per job while it runs, and each report is a
 * write; a stranger guessing tokens meets it too.
 */
export const PROGRESS_THROTTLE: RouteThrottle = { rateLimit: 100, burstLimit: 200 };

/**
 * The inbound callback route's throttle unless given: well above what a
 * provider sends the users of one stage (each payment is one callback), and
 * low enough that guessing tokens gets nowhere and costs little.
 */
export const INBOUND_THROTTLE: RouteThrottle = { rateLimit: 50, burstLimit: 100 };

/** Gateway-made errors in the API's envelope `{ ok: false, error: { code, message } }`. */
const GATEWAY_ERRORS: readonly { readonly type: ResponseType; readonly code: string; readonly message?: string }[] = [
  {
    type: ResponseType.BAD_REQUEST_BODY,
    code: 'invalid_request',
    // API Gateway's own list of what failed, e.g. [object has missing required properties (["intentId"])]; the
    // queue's data schema and every field are in GET /openapi.json.
    message:
      '"the body does not match the request schema (GET /openapi.json describes it): $context.error.validationErrorString"',
  },
  { type: ResponseType.BAD_REQUEST_PARAMETERS, code: 'invalid_request' },
  { type: ResponseType.INVALID_API_KEY, code: 'forbidden', message: '"a valid x-api-key header is required"' },
  { type: ResponseType.MISSING_AUTHENTICATION_TOKEN, code: 'forbidden', message: '"no such route, or the request is not signed"' },
  { type: ResponseType.ACCESS_DENIED, code: 'forbidden' },
  { type: ResponseType.INVALID_SIGNATURE, code: 'forbidden' },
  { type: ResponseType.EXPIRED_TOKEN, code: 'forbidden' },
  { type: ResponseType.THROTTLED, code: 'rate_limited' },
  { type: ResponseType.QUOTA_EXCEEDED, code: 'quota_exceeded' },
  {
    type: ResponseType.REQUEST_TOO_LARGE,
    code: 'payload_too_large',
    message:
      `"the request is too large: a body may be at most ${MAX_REQUEST_BODY_BYTES / 1024 / 1024} MiB (${MAX_REQUEST_BODY_BYTES} bytes), ` +
      `so that the request fits Lambda's 6 MB payload; one job's data is limited per queue (maxPayloadBytes, at most ${MAX_STORABLE_PAYLOAD_BYTES / 1024} KiB)"`,
  },
  { type: ResponseType.UNSUPPORTED_MEDIA_TYPE, code: 'unsupported_media_type' },
  { type: ResponseType.DEFAULT_4XX, code: 'request_refused' },
  { type: ResponseType.DEFAULT_5XX, code: 'internal_error' },
];

/**
 * The REST API partners call: `POST /jobs/{id}` (id = queue),
 * `POST /jobs/{id}/batch` and seed 000's `POST /api/payments/intent/queue` to
 * the ingest function, `GET`/`DELETE /jobs/{id}` (id = job id) to the status
 * function, and `GET /health/queue` (queue counts), all requiring an
 * `x-api-key`. Public: `GET /health` (liveness, nothing more) and the inbound
 * callbacks `POST /webhook/{user_id}/{token}` to the ingest function, which a
 * provider (Safaricom's Daraja) calls without a key: the unguessable
 * per-endpoint token in the path is the credential, checked by the function,
 * and the route has its own low throttle ({@link INBOUND_THROTTLE}). Also
 * public: `POST /jobs/{id}/progress?token=…` to the status function, where a
 * delivery's target reports progress with its attempt's token, under its own
 * throttle ({@link PROGRESS_THROTTLE}). Access
 * logs leave out the request path, which holds that token. IAM callers read
 * the queue counts at the admin route `GET /queue/status`: a method takes an
 * API key or IAM, never "either". One API key and usage plan (throttle and
 * daily quota) per partner; bodies checked at the edge against JSON Schema
 * models derived from the zod schemas the function checks again; access
 * logs (JSON, no bodies) and error-level execution logs; a queue whose
 * catalog entry names a data schema gets its own `POST /jobs/<queue>` and
 * `POST /jobs/<queue>/batch`, whose model checks `data` at the edge (the
 * `BAD_REQUEST_BODY` answer carries API Gateway's validation message); the
 * public `GET /openapi.json` (the health function) describes every route,
 * under its own throttle ({@link OPENAPI_THROTTLE}); errors the gateway
 * makes itself answered in the API's own JSON envelope; CORS only when origins
 * are given. A regional endpoint: partners call it server to server.
 *
 * Throttles are set per method on purpose, because API Gateway applies a
 * stage throttle to each method separately (a stage limit of 500/s lets every
 * route take 500/s): each partner route gets `rateLimit`/`burstLimit`, the
 * health routes the lower {@link HEALTH_THROTTLES}, the inbound route its
 * own, and each method's entry repeats the stage's logging and metrics
 * settings, which a per-method entry would otherwise switch off. Admin
 * routes added by `AdminApi` set their own.
 *
 * @example
 * const api = new IngestApi(this, 'Api', { ingestFunction, jobStatusFunction, healthFunction, partners });
 */
export class IngestApi extends Construct {
  /** The REST API. */
  public readonly api: RestApi;
  /** The `/jobs/{id}` resource. */
  public readonly jobResource: Resource;
  /** The public `POST /webhook/{user_id}/{token}` method. */
  public readonly inboundMethod: Method;
  /** The public `POST /jobs/{id}/progress` method (the token in its query is the credential). */
  public readonly progressMethod: Method;
  /** The deployment stage's name, the URL's first path segment (a literal, so a URL built from it adds no dependency on the stage). */
  public readonly stageName: string;
  /** Each partner's API key, by partner name. */
  public readonly apiKeys: ReadonlyMap<string, ApiKey>;
  /** Each partner's usage plan, by partner name. */
  public readonly usagePlans: ReadonlyMap<string, UsagePlan>;
  /** The access log group. */
  public readonly accessLogs: LogGroup;

  public constructor(scope: Construct, id: string, props: IngestApiProps) {
    super(scope, id);
    const stageName = props.stageName ?? 'v1';
    this.stageName = stageName;
    const rateLimit = props.rateLimit ?? 500;
    const burstLimit = props.burstLimit ?? 1000;
    const inboundThrottle = props.inboundThrottle ?? INBOUND_THROTTLE;
    validate(id, props, stageName, rateLimit, burstLimit, inboundThrottle);
    const corsOrigins = props.corsOrigins ?? [];
    const typedQueues = (props.queues ?? []).filter((queue): queue is Required<ApiQueue> => queue.dataSchema !== undefined);

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    this.api = new RestApi(this, 'RestApi', {
      restApiName: props.apiName,
      description: 'Job pipeline: partners add jobs and read their status',
      endpointTypes: [EndpointType.REGIONAL],
      // Execution logs need the account's API Gateway logging role; the stack sets it.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      defaultCorsPreflightOptions:
        corsOrigins.length > 0
          ? {
              allowOrigins: [...corsOrigins],
              allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
              allowHeaders: [...Cors.DEFAULT_HEADERS, 'X-Correlation-Id'],
            }
          : undefined,
      deployOptions: {
        stageName,
        throttlingRateLimit: rateLimit,
        throttlingBurstLimit: burstLimit,
        ...STAGE_LOGGING,
        methodOptions: {
          [`${JOB_PATH}/POST`]: methodThrottle({ rateLimit, burstLimit }),
          [`${JOB_PATH}/batch/POST`]: methodThrottle({ rateLimit, burstLimit }),
          [`${JOB_PATH}/GET`]: methodThrottle({ rateLimit, burstLimit }),
          [`${JOB_PATH}/DELETE`]: methodThrottle({ rateLimit, burstLimit }),
          [`${PAYMENT_INTENT_PATH}/POST`]: methodThrottle({ rateLimit, burstLimit }),
          [`${INBOUND_PATH}/POST`]: methodThrottle(inboundThrottle),
          [`${JOB_PATH}/progress/POST`]: methodThrottle(PROGRESS_THROTTLE),
          ...Object.fromEntries(
            typedQueues.flatMap((queue) => [
              [`/jobs/${queue.name}/POST`, methodThrottle({ rateLimit, burstLimit })],
              [`/jobs/${queue.name}/batch/POST`, methodThrottle({ rateLimit, burstLimit })],
            ]),
          ),
          [`${OPENAPI_PATH}/GET`]: methodThrottle(OPENAPI_THROTTLE),
          '/health/GET': methodThrottle(HEALTH_THROTTLES.health),
          '/health/queue/GET': methodThrottle(HEALTH_THROTTLES.queueHealth),
        },
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        // No `path`: an inbound callback's path holds its endpoint's token, a credential; the
        // resource (`/webhook/{user_id}/{token}`) and the request id say enough.
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            request_id: AccessLogField.contextRequestId(),
            time: AccessLogField.contextRequestTime(),
            method: AccessLogField.contextHttpMethod(),
            resource: AccessLogField.contextResourcePath(),
            status: AccessLogField.contextStatus(),
            latency_ms: AccessLogField.contextResponseLatency(),
            integration_latency_ms: AccessLogField.contextIntegrationLatency(),
            response_length: AccessLogField.contextResponseLength(),
            api_key_id: AccessLogField.contextIdentityApiKeyId(),
            caller: AccessLogField.contextIdentityUserArn(),
            source_ip: AccessLogField.contextIdentitySourceIp(),
            error: AccessLogField.contextErrorResponseType(),
          }),
        ),
      },
    });
    // A browser shows a gateway error only with an allowed origin; API Gateway can name one origin, or any.
    const errorOrigin = corsOrigins.includes('*') ? '*' : corsOrigins.length === 1 ? corsOrigins[0] : undefined;
    for (const { type, code, message } of GATEWAY_ERRORS) {
      this.api.addGatewayResponse(`Error-${type.responseType}`, {
        type,
        responseHeaders: errorOrigin ? { 'Access-Control-Allow-Origin': `'${errorOrigin}'` } : undefined,
        templates: {
          'application/json': `{"ok":false,"error":{"code":"${code}","message":${message ?? '$context.error.messageString'}}}`,
        },
      });
    }

    const validator = new RequestValidator(this, 'BodyValidator', {
      restApi: this.api,
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const jobModel = new Model(this, 'JobRequestModel', {
      restApi: this.api,
      contentType: 'application/json',
      description: 'POST /jobs/{id}: one job',
      schema: jobRequestModelSchema(),
    });
    const batchModel = new Model(this, 'JobBatchRequestModel', {
      restApi: this.api,
      contentType: 'application/json',
      description: 'POST /jobs/{id}/batch: up to 100 jobs, each checked by the function on its own',
      schema: batchRequestModelSchema(),
    });
    const paymentIntentModel = new Model(this, 'PaymentIntentRequestModel', {
      restApi: this.api,
      contentType: 'application/json',
      description: 'POST /api/payments/intent/queue: seed 000\'s payment intent',
      schema: paymentIntentModelSchema(),
    });

    // One permission for the whole API, not one per method: every typed queue adds two ingest methods, and a
    // stack holds at most 500 resources. Only this API's methods invoke the function (execute-api ARN of the API).
    const ingest = new LambdaIntegration(props.ingestFunction, { scopePermissionToMethod: false });
    const status = new LambdaIntegration(props.jobStatusFunction, { allowTestInvoke: false });
    const health = new LambdaIntegration(props.healthFunction, { allowTestInvoke: false });
    const pathParameter = { [`method.request.path.${JOB_PATH_PARAMETER}`]: true };

    const jobs = this.api.root.addResource('jobs');
    this.jobResource = jobs.addResource(`{${JOB_PATH_PARAMETER}}`);
    const partnerMethods = [
      this.jobResource.addMethod('POST', ingest, {
        apiKeyRequired: true,
        operationName: 'AddJob',
        requestValidator: validator,
        requestModels: { 'application/json': jobModel },
        requestParameters: pathParameter,
      }),
      this.jobResource.addResource('batch').addMethod('POST', ingest, {
        apiKeyRequired: true,
        operationName: 'AddJobs',
        requestValidator: validator,
        requestModels: { 'application/json': batchModel },
        requestParameters: pathParameter,
      }),
      this.jobResource.addMethod('GET', status, {
        apiKeyRequired: true,
        operationName: 'GetJob',
        requestParameters: { ...pathParameter, 'method.request.querystring.wait': false, 'method.request.querystring.include': false },
      }),
      this.jobResource.addMethod('DELETE', status, {
        apiKeyRequired: true,
        operationName: 'CancelJob',
        requestParameters: pathParameter,
      }),
      this.api.root.resourceForPath(PAYMENT_INTENT_PATH).addMethod('POST', ingest, {
        apiKeyRequired: true,
        operationName: 'QueuePaymentIntent',
        requestValidator: validator,
        requestModels: { 'application/json': paymentIntentModel },
      }),
      ...typedQueues.flatMap((queue) => {
        const resource = jobs.addResource(queue.name);
        const suffix = pascalCase(queue.name);
        const jobModel = new Model(this, `JobRequestModel${suffix}`, {
          restApi: this.api,
          contentType: 'application/json',
          description: `POST /jobs/${queue.name}: one job, data of schema ${queue.dataSchema}`,
          schema: queueJobModelSchema(queue.name, queue.dataSchema),
        });
        return [
          resource.addMethod('POST', ingest, {
            apiKeyRequired: true,
            operationName: `AddJob${suffix}`,
            requestValidator: validator,
            requestModels: { 'application/json': jobModel },
          }),
          resource.addResource('batch').addMethod('POST', ingest, {
            apiKeyRequired: true,
            operationName: `AddJobs${suffix}`,
            requestValidator: validator,
            // The generic batch model: each job, data included, is checked by the function on its own (207 when
            // some are refused), so one bad job never refuses the batch at the edge; one model saves a resource a queue.
            requestModels: { 'application/json': batchModel },
          }),
        ];
      }),
    ];
    for (const method of partnerMethods) {
      acknowledgeNoAuthorizer(
        method,
        'A partner route: callers are partner systems authenticated by API key (x-api-key) under a per-partner usage plan ' +
          '(throttle and quota), which is not an authorizer; each partner reaches only its own jobs: the function maps the ' +
          "key id to the partner and answers 404 for another partner's job.",
      );
    }

    this.inboundMethod = this.api.root.resourceForPath(INBOUND_PATH).addMethod('POST', ingest, {
      authorizationType: AuthorizationType.NONE,
      apiKeyRequired: false,
      operationName: 'InboundCallback',
      requestParameters: { 'method.request.path.user_id': true, 'method.request.path.token': true },
    });
    acknowledgeNoAuthorizer(
      this.inboundMethod,
      'Public by design: a payment provider (Safaricom Daraja) posts callbacks and can send no API key or signature. The ' +
        'credential is the unguessable per-endpoint token in the path (192 random bits, compared in constant time by the ' +
        'function, rotatable); a wrong user or token gets 404 and writes nothing; bodies are size-limited; the route has its ' +
        'own low per-method throttle, and access logs leave the path (and so the token) out.',
    );

    acknowledgeNoAuthorizer(
      this.api.root.resourceForPath(OPENAPI_PATH).addMethod('GET', health, { operationName: 'OpenApi' }),
      'Public by design: the OpenAPI 3.1 description of the API, the same for every caller; it holds no job data, no ' +
        'keys and no partner names, reads nothing and writes nothing, under its own low per-method throttle.',
    );

    this.progressMethod = this.jobResource.addResource('progress').addMethod('POST', status, {
      authorizationType: AuthorizationType.NONE,
      apiKeyRequired: false,
      operationName: 'ReportJobProgress',
      requestParameters: { ...pathParameter, 'method.request.querystring.token': true },
    });
    acknowledgeNoAuthorizer(
      this.progressMethod,
      'Public by design: the target a job is delivered to reports its progress and holds no API key. The credential is ' +
        "the attempt's token in the delivery's webhook-progress-url (128 random bits, written by the attempt's claim, " +
        'removed when the attempt ends); a wrong or expired token gets 404, and the one write is conditional on it; bodies ' +
        'are size-limited (a number or an object of at most 1 KB), the route has its own per-method throttle, and access ' +
        'logs hold no query string (and so no token).',
    );

    const healthResource = this.api.root.addResource('health');
    acknowledgeNoAuthorizer(
      healthResource.addMethod('GET', health, { operationName: 'Health' }),
      'Public by design: liveness only; it answers that the service is up, reads no data and writes nothing.',
    );
    acknowledgeNoAuthorizer(
      healthResource.addResource('queue').addMethod('GET', health, { operationName: 'QueueHealth', apiKeyRequired: true }),
      "Queue counts for partners' monitors: callers need an API key (any partner's) under a per-partner usage plan, which " +
        'is not an authorizer; the counts carry no job data and come from a snapshot computed at most once per 15 s. IAM ' +
        'callers read them at GET /queue/status.',
    );

    const keys = new Map<string, ApiKey>();
    const plans = new Map<string, UsagePlan>();
    for (const partner of props.partners) {
      const partnerScope = new Construct(this, `Partner-${partner.name}`);
      const key = new ApiKey(partnerScope, 'Key', {
        // Named after the partner, so the console, the CLI and the local cloud all show whose key it is.
        apiKeyName: partner.name,
        description: `API key of partner ${partner.name}`,
        enabled: true,
      });
      const plan = this.api.addUsagePlan(`UsagePlan-${partner.name}`, {
        description: `Limits of partner ${partner.name}`,
        throttle: { rateLimit: partner.rateLimit, burstLimit: partner.burstLimit },
        quota: { limit: partner.quotaPerDay, period: Period.DAY },
        apiStages: [{ api: this.api, stage: this.api.deploymentStage }],
      });
      plan.addApiKey(key);
      keys.set(partner.name, key);
      plans.set(partner.name, plan);
    }
    this.apiKeys = keys;
    this.usagePlans = plans;

    this.acknowledgeFindings();
  }

  private acknowledgeFindings(): void {
    Validations.of(this.api.deploymentStage).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        'Partner routes need an API key and are throttled per partner by usage plans and per method; /health is public ' +
        'but answers liveness only, under a low per-method throttle; /openapi.json is public and serves the same static ' +
        'description of the API to everyone, under its own low throttle; the inbound callback route is public for the payment ' +
        'provider, guarded by a per-endpoint token and its own low per-method throttle; the progress route is public for ' +
        "delivery targets, guarded by the attempt's token and its own per-method throttle; admin routes need SigV4. A WAF web " +
        'ACL is billed per request and can be associated by operators where traffic calls for it.',
    });
    const loggingRole = this.api.node.tryFindChild('CloudWatchRole');
    if (loggingRole) {
      Validations.of(loggingRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          "API Gateway's account-wide logging role: AWS's managed policy is the documented one and only lets API Gateway write its own logs.",
      });
    }
  }
}

/**
 * The stage's logging and metrics settings. CDK writes a per-method entry
 * with only what it is given, so every entry repeats these.
 */
export const STAGE_LOGGING = {
  loggingLevel: MethodLoggingLevel.ERROR,
  dataTraceEnabled: false,
  metricsEnabled: true,
} as const;

/** A per-method entry: its throttle, and the stage's logging and metrics. */
export function methodThrottle(throttle: RouteThrottle): MethodDeploymentOptions {
  return { ...STAGE_LOGGING, throttlingRateLimit: throttle.rateLimit, throttlingBurstLimit: throttle.burstLimit };
}

/** `data-export` → `DataExport`: a construct id and operation name part. */
function pascalCase(name: string): string {
  return name
    .split('-')
    .map((part) => (part[0] ?? '').toUpperCase() + part.slice(1))
    .join('');
}

/** API Gateway's authorizer rules do not fit a method authenticated by API key or public by design. */
function acknowledgeNoAuthorizer(method: Method, reason: string): void {
  Validations.of(method).acknowledge(
    { id: 'AwsSolutions-APIG4', reason },
    { id: 'AwsSolutions-COG4', reason: `${reason} No Cognito users call this API.` },
  );
}

function validate(id: string, props: IngestApiProps, stageName: string, rateLimit: number, burstLimit: number, inbound: RouteThrottle): void {
  if (props.partners.length === 0) {
    throw new ConfigError(`IngestApi ${id}: partners must name at least one partner, or no one can add jobs. Fix: -c partners=acme`);
  }
  if (!/^[A-Za-z0-9_]{1,64}$/.test(stageName)) {
    throw new ConfigError(`IngestApi ${id}: stageName must be letters, digits or _; got "${stageName}". Fix: leave it out for v1`);
  }
  for (const [name, value] of [
    ['rateLimit', rateLimit],
    ['burstLimit', burstLimit],
    ['inboundThrottle.rateLimit', inbound.rateLimit],
    ['inboundThrottle.burstLimit', inbound.burstLimit],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new ConfigError(`IngestApi ${id}: ${name} must be a whole number of requests, at least 1; got ${value}`);
    }
  }
  for (const partner of props.partners) {
    if (partner.rateLimit > rateLimit || partner.burstLimit > burstLimit) {
      throw new ConfigError(
        `IngestApi ${id}: partner ${partner.name}'s limits (${partner.rateLimit}/s, burst ${partner.burstLimit}) exceed the stage's ` +
          `(${rateLimit}/s, burst ${burstLimit}). Fix: lower -c partner.${partner.name}.rate / .burst or raise -c apiRateLimit / apiBurstLimit`,
      );
    }
  }
  for (const origin of props.corsOrigins ?? []) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError(`IngestApi ${id}: CORS origin "${origin}" must be scheme and host, e.g. https://app.example.com`);
    }
  }
}
