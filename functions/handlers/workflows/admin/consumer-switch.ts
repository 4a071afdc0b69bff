import { isPaused, type MappingState } from '../../../adapters/event-source-control';
import type { QueueSettings } from '../../../core/runtime-config';
import { HttpError } from '../../http/http-error';
import type { AdminDeps } from './admin-deps';

/** One event source mapping as the pause and resume routes report it. */
export interface MappingView {
  readonly uuid: string;
  /** The lane the mapping polls, or null when its source is not one of the queue's lanes. */
  readonly lane: string | null;
  readonly state: string;
}

/**
 * Pause (`enabled: false`) or resume a queue: disable or enable every event
 * source mapping of its consumer. Messages are not touched; a paused queue's
 * jobs wait in their lanes, and batches in flight finish.
 */
export async function switchConsumer(
  deps: AdminDeps,
  settings: QueueSettings,
  enabled: boolean,
): Promise<{ queue: string; paused: boolean; function: string; mappings: MappingView[] }> {
  const functionName = deps.consumerFunctions[settings.name];
  if (functionName === undefined) throw new HttpError(404, 'unknown_consumer', `queue "${settings.name}" has no consumer function configured`);
  const mappings = await deps.eventSources.setEnabled(functionName, enabled);
  deps.logger.info(enabled ? 'queue resumed' : 'queue paused', { queue: settings.name, function: functionName, mappings: mappings.length });
  return { queue: settings.name, paused: isPaused(mappings), function: functionName, mappings: mappingViews(deps, settings, mappings) };
}

function mappingViews(deps: AdminDeps, settings: QueueSettings, mappings: readonly MappingState[]): MappingView[] {
  const lanes = deps.locate(settings).lanes;
  return mappings.map((mapping) => ({
    uuid: mapping.uuid,
    lane: lanes.find((lane) => lane.arn === mapping.eventSourceArn)?.lane ?? null,
    state: mapping.state,
  }));
}
