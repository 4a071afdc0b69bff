import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { startEmulators, type Emulators } from '../emulators';
import { LocalCloudError } from '../errors';
import { reserveFreePort } from '../free-port';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION } from '../local-aws';
import { apiDefinition } from './api-definition';
import { notEmulated, reportGaps } from './coverage';
import { EventSourceMappings, mappingSpecs } from './event-source-mappings';
import type { FaultHooks } from './fault-hooks';
import { startDynamoDbFaultProxy } from './http/dynamodb-fault-proxy';
import { startDynamoDbMeterProxy } from './http/dynamodb-meter-proxy';
import { batchFifoGroupsAsSqs } from '../sqs-fifo-batching';
import { withVisibilityAtMost } from './visibility-cap';
import { functionSpecs } from './function-specs';
import { startApiGateway } from './http/api-gateway';
import { startLambdaControlApi, type MappingRegistry } from './http/lambda-control-api';
import { startSecretsManagerApi } from './http/secrets-manager-api';
import { startSqsProxy } from './http/sqs-proxy';
import { hasPlaceholder, type PseudoParameters, type UnresolvedReference } from './intrinsics';
import { FunctionHost, type FunctionSpec } from './lambda-host';
import { localResources } from './local-resources';
import { sqsActionKey, UsageMeter, type Meter } from './meter';
import { meterPollerRequest } from './poller-metering';
import { assertPortFree } from './port-check';
import { createQueues, discoverQueueUrlBase, queueSpecs } from './provision-queues';
import { createTables, tableSpecs } from './provision-tables';
import type { LocalReceiver } from './receiver';
import { scheduleSpecs, startSchedules } from './schedules';
import { InMemorySecretStore, secretsFromTemplate } from './secrets';
import { serviceUrlRewrites } from './service-urls';
import { signingSecretsByQueue } from './signing-secrets';
import { readStackTemplate } from './template';
import { Teardown } from './teardown';

/** How to start the local cloud. */
export interface StartLocalCloudOptions {
  /** The cloud assembly `cdk synth` wrote, e.g. `cdk.out`. */
  readonly cdkOut: string;
  /** The API's port; 0 for a free one. */
  readonly port: number;
  /** @default 127.0.0.1 */
  readonly host?: string;
  /** The stack to run when the assembly holds several. @default - the only one */
  readonly stack?: string;
  /** A receiver already started (its URL passed to synth as `defaultTarget`); it is given the signing secrets, and stays the caller's to stop. */
  readonly receiver?: LocalReceiver;
  /** Where the cloud and its functions log. @default console.log */
  readonly log?: (line: string) => void;
  /** Fire every schedule at this interval instead of its own (tests). @default - each rule's own */
  readonly scheduleEveryMs?: number;
  /** Most instances of a function without reserved concurrency. @default 10 */
  readonly localConcurrencyCap?: number;
  /**
   * Emulators started ahead (e.g. while the app synthesizes); the cloud takes
   * them over and stops them with everything else, also when it fails to start.
   *
   * @default - started here
   */
  readonly emulators?: Emulators;
  /**
   * Fault injection for tests: the functions' SQS calls, their DynamoDB calls
   * (through a fault proxy), the pollers and the function instances answer to
   * these switches. @default - no hooks, no DynamoDB proxy
   */
  readonly faults?: FaultHooks;
  /** Cut every queue's visibility timeout to at most this many seconds (tests; see `withVisibilityAtMost`). @default - the template's */
  readonly maxVisibilityTimeoutSeconds?: number;
  /** Hand out up to ten messages of one FIFO group per receive, as SQS does (see `batchFifoGroupsAsSqs`). @default false */
  readonly fifoBatchesAsSqs?: boolean;
}

/** The running local cloud. */
export interface LocalCloud {
  /** The REST API's base URL (the stage is not in the path). */
  readonly apiUrl: string;
  /** Each usable API key (enabled, in a usage plan), by key name. */
  readonly apiKeys: Readonly<Record<string, string>>;
  /** Credentials whose SigV4 signatures the `AWS_IAM` routes accept. */
  readonly admin: { readonly access_key_id: string; readonly secret_access_key: string; readonly region: string };
  /** Each queue's webhook signing secret (`whsec_…`), as a receiver verifies with it. */
  readonly signingSecrets: Readonly<Record<string, string>>;
  /** The emulators' and emulations' endpoints, as the functions get them. */
  readonly endpoints: { readonly sqs: string; readonly dynamodb: string; readonly lambda: string; readonly secretsManager: string };
  /** The event source mappings, as the Lambda control API serves them. */
  readonly mappings: MappingRegistry;
  /** Every function the cloud runs, as it runs it: bundle, handler, memory, resolved environment. */
  readonly functions: readonly FunctionSpec[];
  /** Resource types of the template that are not run, with their counts. */
  readonly notEmulated: readonly [string, number][];
  /**
   * What the pipeline would be billed for on AWS, counted from every call the
   * local cloud sees since it started: API requests, Lambda invocations and
   * GB-seconds, SQS requests (the pollers' too), DynamoDB units, log bytes.
   * Always on; price a reading with `costOf` (`prices.ts`).
   */
  readonly meter: Meter;
  /** Stops everything (Java included) and waits; safe to call more than once. */
  stop(): Promise<void>;
}

/**
 * Runs a synthesized CDK app on this machine: DynamoDB Local and the SQS
 * emulator with the template's tables and queues, every function from its
 * bundle in its own instances, the REST API with its keys, usage plans and
 * IAM routes, event source mappings as pollers, schedules as timers, and the
 * Lambda and Secrets Manager calls the functions make. What it does not run
 * is listed once at start-up.
 *
 * @example
 * const cloud = await startLocalCloud({ cdkOut: 'cdk.out', port: 0 });
 * await fetch(`${cloud.apiUrl}/health`);
 * await cloud.stop();
 */
export async function startLocalCloud(options: StartLocalCloudOptions): Promise<LocalCloud> {
  const log = options.log ?? ((line: string) => console.log(line));
  const host = options.host ?? '127.0.0.1';
  const teardown = new Teardown();
  if (options.emulators !== undefined) teardown.add(options.emulators, (running) => running.stop());
  try {
    const stack = readStackTemplate(options.cdkOut, options.stack);
    const { template } = stack;
    const region = stack.region ?? LOCAL_REGION;
    // Checked before anything slow starts; the gateway binds it last. A port of 0 is held meanwhile, so none of
    // the servers started on ephemeral ports in between can be handed the same number.
    const reservation = options.port === 0 ? teardown.add(await reserveFreePort(host), (held) => held.release()) : undefined;
    const apiPort = reservation?.port ?? options.port;
    if (reservation === undefined) await assertPortFree(apiPort, host);
    const emulators = options.emulators ?? teardown.add(await startEmulators(), (running) => running.stop());
    const { faults } = options;
    const meter = new UsageMeter();
    const proxy = teardown.add(
      await startSqsProxy({
        port: 0,
        host,
        upstream: emulators.sqs.endpoint,
        region,
        onRequest: (action, url, payloadBytes) => meter.sqsCall(sqsActionKey(action, { fifo: url?.endsWith('.fifo') === true }), payloadBytes),
        ...(faults === undefined ? {} : { fails: (action, url) => faults.failsSqsCall(action, url) }),
      }),
      (running) => running.stop(),
    );
    const clientConfig = (endpoint: string) => ({ endpoint, region, credentials: { ...LOCAL_CREDENTIALS } });
    // Queues are created through the proxy, so their URLs name it and the functions' SQS calls all pass through it.
    const provisioning = teardown.add(new SQSClient(clientConfig(proxy.endpoint)), (client) => client.destroy());
    const direct = teardown.add(new SQSClient(clientConfig(emulators.sqs.endpoint)), (client) => client.destroy());
    const dynamo = teardown.add(new DynamoDBClient(clientConfig(emulators.dynamoDb.endpoint)), (client) => client.destroy());
    const queueUrlBase = await discoverQueueUrlBase(provisioning);
    if (options.fifoBatchesAsSqs === true) await batchFifoGroupsAsSqs(queueUrlBase);

    const pseudo: PseudoParameters = {
      region,
      accountId: LOCAL_ACCOUNT_ID,
      partition: 'aws',
      urlSuffix: 'amazonaws.com',
      stackName: stack.stackName,
      stackId: `arn:aws:cloudformation:${region}:${LOCAL_ACCOUNT_ID}:stack/${stack.stackName}/00000000-0000-4000-8000-000000000000`,
    };
    const unresolved: UnresolvedReference[] = [];
    const local = localResources({ template, pseudo, queueUrlBase });
    const { scope } = local;
    const existing = [...local.resources];
    const ofType = (type: string) => existing.filter(([, resource]) => resource.Type === type);

    const queues = withVisibilityAtMost(queueSpecs(ofType('AWS::SQS::Queue'), scope, unresolved), options.maxVisibilityTimeoutSeconds);
    const tables = tableSpecs(ofType('AWS::DynamoDB::Table'), scope, unresolved);
    const secretStore = new InMemorySecretStore(secretsFromTemplate(ofType('AWS::SecretsManager::Secret'), scope, unresolved));
    const [{ skippedAttributes }] = await Promise.all([createQueues(provisioning, queues), createTables(dynamo, tables)]);

    const lambdaFunctions = ofType('AWS::Lambda::Function');
    const functionByArn = new Map(lambdaFunctions.map(([logicalId]) => [scope.resource(logicalId)?.attributes.Arn ?? '', scope.resource(logicalId)?.ref ?? logicalId]));
    const api = apiDefinition(template, scope, (arn) => functionByArn.get(arn), unresolved);
    const hosts = new Map<string, FunctionHost>();
    // Direct invocations (API routes, schedules) are unqualified; a mapping on an alias passes its qualifier.
    const invoke = (functionName: string, event: unknown, qualifier?: string): Promise<unknown> => {
      const target = hosts.get(functionName) ?? hosts.get(functionByArn.get(functionName) ?? '');
      if (target === undefined) return Promise.reject(new LocalCloudError(`no function ${functionName} in the local cloud`));
      return target.invoke(event, qualifier === undefined ? {} : { qualifier });
    };

    const queueUrlOfArn = new Map(queues.map((queue) => [queue.arn, queue.url]));
    const mappingsFound = mappingSpecs(ofType('AWS::Lambda::EventSourceMapping'), scope, (arn) => queueUrlOfArn.get(arn), unresolved);
    const mappings = new EventSourceMappings(mappingsFound.specs, {
      sqs: direct,
      invoke,
      concurrencyOf: (name) => hosts.get(name)?.spec.reservedConcurrency ?? options.localConcurrencyCap ?? 10,
      log,
      ...(faults === undefined ? {} : { copiesOfBatch: (url: string) => faults.copiesOfBatch(url) }),
      onSqsRequest: (action, url, received, tookMs) => meterPollerRequest(meter, action, url, received, tookMs),
    });
    // Not logged per request: the admin function lists mappings often, and each change is logged as `[mappings]`.
    const lambdaApi = teardown.add(await startLambdaControlApi({ port: 0, host, registry: mappings }), (s) => s.stop());
    const secretsApi = teardown.add(await startSecretsManagerApi({ port: 0, host, secrets: secretStore, log: (line) => log(`[secrets] ${line}`) }), (s) => s.stop());

    const apiUrl = `http://${host}:${apiPort}`;
    const rewrites = serviceUrlRewrites(pseudo, {
      queueUrlBase,
      sqsEndpoint: proxy.endpoint,
      ...(api === undefined ? {} : { api: { restApiId: api.restApiId, stageName: api.stageName, url: apiUrl } }),
    });
    const dynamoMeter = teardown.add(
      await startDynamoDbMeterProxy({ port: 0, host, upstream: emulators.dynamoDb.endpoint, record: (action, units) => meter.dynamoCall(action, units) }),
      (running) => running.stop(),
    );
    // Faults in front of the meter: a throttled call never reaches it (DynamoDB bills none), an error after the write does.
    const dynamoFaults =
      faults === undefined
        ? undefined
        : teardown.add(await startDynamoDbFaultProxy({ port: 0, host, upstream: dynamoMeter.endpoint, faultOf: () => faults.dynamoDbFault() }), (running) => running.stop());
    const endpoints = { sqs: proxy.endpoint, dynamodb: dynamoFaults?.endpoint ?? dynamoMeter.endpoint, lambda: lambdaApi.url, secretsManager: secretsApi.url };
    const specs = functionSpecs(stack, lambdaFunctions, scope, rewrites, { region, credentials: LOCAL_CREDENTIALS, ...endpoints }, unresolved);
    for (const spec of specs) {
      hosts.set(spec.name, new FunctionHost(spec, { log, meter, ...(options.localConcurrencyCap === undefined ? {} : { localConcurrencyCap: options.localConcurrencyCap }) }));
    }
    if (faults !== undefined) {
      faults.bind({
        dynamoDbPid: emulators.dynamoDb.pid,
        crashBusyInstances: (name) => [...hosts.values()].filter((fnHost) => fnHost.spec.label === name || fnHost.spec.name === name).reduce((sum, fnHost) => sum + fnHost.crashBusyInstances(), 0),
      });
    }
    // Together: stopping the instances fails the batches in flight, so the pollers need not wait out their timeouts.
    teardown.add(hosts, (all) => Promise.all([mappings.stop(), ...[...all.values()].map((fnHost) => fnHost.stop())]));
    // Provisioned concurrency is initialized before the cloud is ready, as an alias's deployment waits for it.
    await Promise.all([...hosts.values()].map((fnHost) => fnHost.provision()));

    const admin = { accessKeyId: `AKIA${randomBytes(10).toString('hex').toUpperCase().slice(0, 16)}`, secretAccessKey: randomBytes(30).toString('base64url') };
    await reservation?.release();
    if (api !== undefined) {
      const gateway = await startApiGateway({
        port: apiPort,
        host,
        stage: api.stageName,
        routes: api.routes,
        apiKeys: api.apiKeys,
        methodThrottles: api.methodThrottles,
        gatewayResponses: api.gatewayResponses,
        iamCredentials: [admin],
        region,
        apiId: api.restApiId,
        invoke: async (name, event) => (await invoke(name, event)) as APIGatewayProxyResult,
        onBilledRequest: () => meter.apiRequest(),
        log: (line) => log(`[api] ${line}`),
      });
      teardown.add(gateway, (running) => running.stop());
    }

    mappings.start();
    const schedules = scheduleSpecs(ofType('AWS::Events::Rule'), scope, (arn) => functionByArn.get(arn), unresolved);
    const timers = startSchedules(schedules.specs, {
      region,
      accountId: LOCAL_ACCOUNT_ID,
      invoke,
      log,
      ...(options.scheduleEveryMs === undefined ? {} : { everyMs: options.scheduleEveryMs }),
    });
    teardown.add(timers, (running) => running.stop());
    // Registered last: teardown runs last-added first, so a frozen database is thawed before anything waits on it.
    if (faults !== undefined) teardown.add(faults, (hooks) => hooks.reset());

    const signingSecrets = signingSecretsByQueue(specs, secretStore);
    options.receiver?.setSigningSecrets(signingSecrets);
    reportGaps(log, {
      template,
      skippedAttributes,
      ignoredTableProperties: tables.flatMap((table) => table.ignoredProperties),
      skipped: [...(api?.skipped ?? []), ...mappingsFound.unsupported.map((id) => `event source mapping ${id}: only SQS sources are emulated`), ...schedules.skipped],
      unresolved: [...local.unresolved, ...unresolved],
      placeholdersIn: specs.flatMap((spec) => Object.entries(spec.environment).filter(([, value]) => hasPlaceholder(value)).map(([name]) => `${spec.label}.${name}`)),
    });

    const apiKeys = Object.fromEntries(
      (api?.apiKeys ?? []).filter((key) => key.enabled !== false && key.usagePlan !== undefined).map((key) => [key.name, key.value]),
    );
    return {
      apiUrl,
      apiKeys,
      admin: { access_key_id: admin.accessKeyId, secret_access_key: admin.secretAccessKey, region },
      signingSecrets,
      endpoints,
      mappings,
      functions: specs,
      notEmulated: notEmulated(template),
      meter,
      stop: () => teardown.run(),
    };
  } catch (error) {
    await teardown.run();
    throw error;
  }
}
