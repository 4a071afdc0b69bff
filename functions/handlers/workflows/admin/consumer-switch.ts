import type { MappingState } from '../../../adapters/event-source-control';
import type { QueueSettings } from '../../../core/runtime-config';
import { HttpError } from '../../http/http-error';
import type { AdminDeps } from './admin-deps';

/** One event source mapping as the pause and resume routes report it. */
export interface MappingView {
  readonly uuid: string;
  /** The lane the mapping polls, or null when its source is not one of the queue's lanes. */
  readonly lane: string | null;
  /** Lambda's answer to the update: `Disabling`, `Enabling`, or `Updating` for a mapping already as asked. */
  readonly state: string;
}

/**
 * Pause (`enabled: false`) or resume a queue. The queue's pause item in the
 * jobs table is the state of record: a deploy that replaces a mapping cannot
 * undo it, and a consumer that receives a batch of a paused queue hands it
 * back untouched (see `paused-batch.ts`). The mappings follow the item, so a
 * paused queue costs no invocations. The item is written first either way:
 * on a pause, so the consumers stop running jobs even if Lambda refuses the
 * update; on a resume, so the first batch the enabled mappings hand over finds
 * the queue running rather than paused (it would be handed back and wait). A
 * resume whose mapping update then fails leaves a running queue that does not
 * poll: `consumer.polling` in the queues view shows it, and resuming again
 * enables them. `paused` is the queue's state after the call, whatever Lambda answered for
 * each mapping (an update of a mapping already as asked answers `Updating`).
 */
export async function switchConsumer(
  deps: AdminDeps,
  settings: QueueSettings,
  enabled: boolean,
): Promise<{ queue: string; paused: boolean; function: string; mappings: MappingView[] }> {
  const functionName = deps.consumerFunctions[settings.name];
  if (functionName === undefined) throw new HttpError(404, 'unknown_consumer', `queue "${settings.name}" has no consumer function configured`);
  const now = deps.clock.now();
  await deps.pauses.setPaused(settings.name, !enabled, now);
  const mappings = await deps.eventSources.setEnabled(functionName, enabled);
  deps.logger.info(enabled ? 'queue resumed' : 'queue paused', { queue: settings.name, function: functionName, mappings: mappings.length });
  return { queue: settings.name, paused: !enabled, function: functionName, mappings: mappingViews(deps, settings, mappings) };
}

/** Each mapping with the lane it polls. */
export function mappingViews(deps: AdminDeps, settings: QueueSettings, mappings: readonly MappingState[]): MappingView[] {
  const lanes = deps.locate(settings).lanes;
  return mappings.map((mapping) => ({
    uuid: mapping.uuid,
    lane: lanes.find((lane) => lane.arn === mapping.eventSourceArn)?.lane ?? null,
    state: mapping.state,
  }));
}
