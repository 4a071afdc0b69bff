import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { LocalCloudError } from '../errors';
import { EventSourcePoller } from '../event-source-poller';
import { parseFunctionName, qualifiedArn, qualifiedName } from './function-names';
import { mappingQualifier, namesFunction } from './http/event-source-mapping-json';
import type { MappingChange, MappingRegistry, MappingState } from './http/lambda-control-api';
import { resolveValue, type ResolveScope, type UnresolvedReference } from './intrinsics';
import { LambdaInvocationError } from './lambda-host';
import type { CfnResource } from './template';

/** An `AWS::Lambda::EventSourceMapping` on an SQS queue, resolved. */
export interface MappingSpec {
  readonly state: MappingState;
  readonly queueUrl: string;
}

/** What the mappings run against. */
export interface EventSourceMappingsOptions {
  /** A client for the SQS emulator. */
  readonly sqs: SQSClient;
  /** Invokes a function by name, through the alias or version `qualifier` when the mapping is on one. */
  readonly invoke: (functionName: string, event: SQSEvent, qualifier: string | undefined) => Promise<unknown>;
  /** Most batches at once for a mapping without `MaximumConcurrency`: the function's own cap. */
  readonly concurrencyOf: (functionName: string) => number;
  readonly log: (line: string) => void;
  /** Fault injection (tests): how many times a batch from the lane at the URL is handed over at once. @default - once */
  readonly copiesOfBatch?: (queueUrl: string) => number;
  /** Told of each SQS request a poller makes, with the queue's URL and the messages received. @default - not told */
  readonly onSqsRequest?: (action: 'ReceiveMessage' | 'DeleteMessageBatch', queueUrl: string, received: readonly Message[], tookMs: number) => void;
}

/**
 * The SQS event source mappings of a template: function, queue (by the
 * local URL of its ARN), `BatchSize` (default 10), `MaximumBatchingWindowInSeconds`,
 * `ScalingConfig.MaximumConcurrency`, `ReportBatchItemFailures` and `Enabled`.
 * Mappings on other sources (streams) are returned in `unsupported`.
 * `FunctionName` is read in every form Lambda takes (name, `name:alias`, ARN,
 * qualified or partial ARN): the mapping's `functionName` is the function's
 * name, and its `functionArn` is qualified when it names an alias or version,
 * as Lambda reports a mapping on an alias.
 */
export function mappingSpecs(
  mappings: readonly [string, CfnResource][],
  scope: ResolveScope,
  queueUrlOfArn: (arn: string) => string | undefined,
  unresolved: UnresolvedReference[] = [],
): { specs: MappingSpec[]; unsupported: string[] } {
  const specs: MappingSpec[] = [];
  const unsupported: string[] = [];
  for (const [logicalId, resource] of mappings) {
    const properties = resolveValue(resource.Properties ?? {}, scope, unresolved) as Record<string, unknown>;
    const eventSourceArn = String(properties.EventSourceArn ?? '');
    const queueUrl = queueUrlOfArn(eventSourceArn);
    if (queueUrl === undefined) {
      unsupported.push(`${logicalId} (source ${eventSourceArn || 'none'})`);
      continue;
    }
    const target = parseFunctionName(String(properties.FunctionName ?? ''));
    const { partition, region, accountId } = scope.pseudo;
    const functionArn = `arn:${partition}:lambda:${target.region ?? region}:${target.account ?? accountId}:function:${target.name}`;
    const scaling = properties.ScalingConfig as { MaximumConcurrency?: unknown } | undefined;
    const responseTypes = Array.isArray(properties.FunctionResponseTypes) ? properties.FunctionResponseTypes : [];
    specs.push({
      queueUrl,
      state: {
        uuid: scope.resource(logicalId)?.ref ?? logicalId,
        functionName: target.name,
        functionArn: qualifiedArn(functionArn, target.qualifier),
        eventSourceArn,
        enabled: properties.Enabled !== false && properties.Enabled !== 'false',
        batchSize: Number(properties.BatchSize ?? 10),
        maximumBatchingWindowInSeconds: Number(properties.MaximumBatchingWindowInSeconds ?? 0),
        ...(scaling?.MaximumConcurrency === undefined ? {} : { maximumConcurrency: Number(scaling.MaximumConcurrency) }),
        reportBatchItemFailures: responseTypes.includes('ReportBatchItemFailures'),
        lastModified: new Date(),
      },
    });
  }
  return { specs, unsupported };
}

/**
 * Runs each mapping as an {@link EventSourcePoller} and serves them to the
 * Lambda control-plane emulation: list, get, and update (enable / disable,
 * batch size, window, maximum concurrency). A change of settings replaces the
 * poller once its batches in flight have finished; enabling or disabling only
 * flips it.
 *
 * @example
 * const mappings = new EventSourceMappings(specs, { sqs, invoke, concurrencyOf, log });
 * mappings.start();
 * await mappings.update(uuid, { enabled: false });
 */
export class EventSourceMappings implements MappingRegistry {
  private readonly entries = new Map<string, { state: MappingState; queueUrl: string; poller: EventSourcePoller }>();
  private started = false;

  constructor(
    specs: readonly MappingSpec[],
    private readonly options: EventSourceMappingsOptions,
  ) {
    for (const spec of specs) this.entries.set(spec.state.uuid, { ...spec, poller: this.pollerFor(spec.state, spec.queueUrl) });
  }

  /** Starts every poller (disabled ones wait to be enabled). */
  start(): void {
    this.started = true;
    for (const entry of this.entries.values()) entry.poller.start();
  }

  /** Stops every poller and waits for the batches in flight. */
  async stop(): Promise<void> {
    this.started = false;
    await Promise.all([...this.entries.values()].map((entry) => entry.poller.stop()));
  }

  /** Mappings matching the filter; `functionName` in any form Lambda takes, matched as `namesFunction` does (a qualified name only the alias's mappings). */
  list(filter: { readonly functionName?: string; readonly eventSourceArn?: string } = {}): MappingState[] {
    return [...this.entries.values()]
      .map((entry) => entry.state)
      .filter(
        (state) =>
          (filter.functionName === undefined || namesFunction(filter.functionName, state)) &&
          (filter.eventSourceArn === undefined || filter.eventSourceArn === state.eventSourceArn),
      );
  }

  get(uuid: string): MappingState | undefined {
    return this.entries.get(uuid)?.state;
  }

  async update(uuid: string, change: MappingChange): Promise<MappingState> {
    const entry = this.entries.get(uuid);
    if (entry === undefined) throw new LocalCloudError(`no event source mapping ${uuid}`, { context: { uuid } });
    const next: MappingState = {
      ...entry.state,
      ...(change.enabled === undefined ? {} : { enabled: change.enabled }),
      ...(change.batchSize === undefined ? {} : { batchSize: change.batchSize }),
      ...(change.maximumBatchingWindowInSeconds === undefined ? {} : { maximumBatchingWindowInSeconds: change.maximumBatchingWindowInSeconds }),
      ...(change.maximumConcurrency === undefined ? {} : { maximumConcurrency: change.maximumConcurrency }),
      lastModified: new Date(),
    };
    const settingsChanged =
      next.batchSize !== entry.state.batchSize ||
      next.maximumBatchingWindowInSeconds !== entry.state.maximumBatchingWindowInSeconds ||
      next.maximumConcurrency !== entry.state.maximumConcurrency;
    if (settingsChanged) {
      // Built first, so settings Lambda would refuse fail before anything changes.
      const poller = this.pollerFor(next, entry.queueUrl);
      await entry.poller.stop();
      entry.poller = poller;
      if (this.started) poller.start();
    } else if (next.enabled !== entry.state.enabled) {
      await entry.poller.setEnabled(next.enabled);
    }
    entry.state = next;
    this.options.log(`[mappings] ${qualifiedName(next.functionName, mappingQualifier(next))} ← ${queueName(next.eventSourceArn)}: ${next.enabled ? 'enabled' : 'disabled'}, batch ${next.batchSize}`);
    return next;
  }

  private pollerFor(state: MappingState, queueUrl: string): EventSourcePoller {
    const { options } = this;
    const concurrency = state.maximumConcurrency ?? Math.min(1000, Math.max(2, options.concurrencyOf(state.functionName)));
    const qualifier = mappingQualifier(state);
    return new EventSourcePoller({
      client: options.sqs,
      queueUrl,
      queueArn: state.eventSourceArn,
      batchSize: state.batchSize,
      maximumConcurrency: concurrency,
      maximumBatchingWindowMs: state.maximumBatchingWindowInSeconds * 1000,
      reportBatchItemFailures: state.reportBatchItemFailures,
      enabled: state.enabled,
      ...(options.copiesOfBatch === undefined ? {} : { copiesOfBatch: () => options.copiesOfBatch?.(queueUrl) ?? 1 }),
      ...(options.onSqsRequest === undefined ? {} : { onSqsRequest: (action, received, tookMs) => options.onSqsRequest?.(action, queueUrl, received, tookMs) }),
      handler: async (event) => (await options.invoke(state.functionName, event, qualifier)) as SQSBatchResponse | void,
      onError: (error) => {
        // The host has already logged what the function threw, as Lambda's runtime does.
        if (error instanceof LambdaInvocationError) return;
        options.log(`[mappings] ${qualifiedName(state.functionName, qualifier)} ← ${queueName(state.eventSourceArn)}: ${error.name}: ${error.message}`);
      },
    });
  }
}

function queueName(arn: string): string {
  return arn.slice(arn.lastIndexOf(':') + 1);
}
