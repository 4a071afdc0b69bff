import {
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
  type EventSourceMappingConfiguration,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { adminFailure, EventSourceControlError } from './queue-admin-errors';

/** One event source mapping of a consumer function. */
export interface MappingState {
  readonly uuid: string;
  readonly eventSourceArn: string;
  /** Lambda's state: `Enabled`, `Disabled`, `Enabling`, `Disabling`, `Updating`, … */
  readonly state: string;
  readonly batchSize?: number;
  readonly maximumConcurrency?: number;
  readonly lastModified?: Date;
}

/** States in which a mapping does not poll, or is about to stop. */
const STOPPED_STATES: ReadonlySet<string> = new Set(['Disabled', 'Disabling']);

/** States in which a mapping polls, or is about to start. */
const POLLING_STATES: ReadonlySet<string> = new Set(['Enabled', 'Enabling', 'Creating']);

/**
 * Whether every mapping has stopped polling or is stopping (Lambda finishes
 * the batches in flight, then stops). Not the pause state of a queue: that is
 * the queue's pause item (`pause-store.ts`). An update answers `Updating` for
 * a mapping that was already as asked, so an answer to an update cannot say
 * this; a later read can.
 */
export function allStopped(mappings: readonly Pick<MappingState, 'state'>[]): boolean {
  return mappings.length > 0 && mappings.every((mapping) => STOPPED_STATES.has(mapping.state));
}

/** How many mappings poll or are about to (`Enabled`, `Enabling`, `Creating`); `Updating` says neither. */
export function pollingCount(mappings: readonly Pick<MappingState, 'state'>[]): number {
  return mappings.filter((mapping) => POLLING_STATES.has(mapping.state)).length;
}

/** A consumer function's event source mappings, read and switched on or off (pause / resume). */
export interface EventSourceControl {
  /** Every mapping of the function. */
  list(functionName: string): Promise<MappingState[]>;
  /** Enables or disables every mapping of the function; resolves to their states after the update. */
  setEnabled(functionName: string, enabled: boolean): Promise<MappingState[]>;
}

/**
 * Event source control over Lambda's API. Disabling a mapping leaves the
 * queue's messages untouched: they wait until it is enabled again.
 *
 * @example
 * const control = new LambdaEventSourceControl({ client: new LambdaClient({}) });
 * await control.setEnabled('jobs-consumer-payments', false);
 */
export class LambdaEventSourceControl implements EventSourceControl {
  public constructor(private readonly options: { readonly client: LambdaClient }) {}

  /** Every mapping of the function, all pages. */
  public async list(functionName: string): Promise<MappingState[]> {
    const mappings: MappingState[] = [];
    let marker: string | undefined;
    try {
      do {
        const page = await this.options.client.send(new ListEventSourceMappingsCommand({ FunctionName: functionName, Marker: marker }));
        for (const mapping of page.EventSourceMappings ?? []) mappings.push(mappingStateOf(mapping, functionName));
        marker = page.NextMarker;
      } while (marker !== undefined);
    } catch (error) {
      throw adminFailure('list event source mappings', error, { functionName });
    }
    return mappings;
  }

  /** Updates every mapping of the function; a function without mappings is an `EventSourceControlError`. */
  public async setEnabled(functionName: string, enabled: boolean): Promise<MappingState[]> {
    const mappings = await this.list(functionName);
    if (mappings.length === 0) {
      throw new EventSourceControlError(`function ${functionName} has no event source mappings`, { context: { functionName } });
    }
    return Promise.all(
      mappings.map(async (mapping) => {
        try {
          const updated = await this.options.client.send(new UpdateEventSourceMappingCommand({ UUID: mapping.uuid, Enabled: enabled }));
          return mappingStateOf(updated, functionName);
        } catch (error) {
          throw adminFailure(enabled ? 'enable event source mapping' : 'disable event source mapping', error, { functionName, uuid: mapping.uuid });
        }
      }),
    );
  }
}

function mappingStateOf(mapping: EventSourceMappingConfiguration, functionName: string): MappingState {
  if (mapping.UUID === undefined || mapping.EventSourceArn === undefined) {
    throw new EventSourceControlError('Lambda returned an event source mapping without a UUID or source', { context: { functionName } });
  }
  return {
    uuid: mapping.UUID,
    eventSourceArn: mapping.EventSourceArn,
    state: mapping.State ?? 'Unknown',
    ...(mapping.BatchSize === undefined ? {} : { batchSize: mapping.BatchSize }),
    ...(mapping.ScalingConfig?.MaximumConcurrency === undefined ? {} : { maximumConcurrency: mapping.ScalingConfig.MaximumConcurrency }),
    ...(mapping.LastModified === undefined ? {} : { lastModified: mapping.LastModified }),
  };
}
