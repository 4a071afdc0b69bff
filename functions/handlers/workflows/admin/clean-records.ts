import type { QueueSettings } from '../../../core/runtime-config';
import type { AdminDeps } from './admin-deps';
import type { CleanBody } from './admin-requests';

const HOUR_MS = 3_600_000;

/**
 * `POST /admin/queues/{queue}/clean` (BullMQ's `clean(grace, state)`): deletes
 * the queue's records in the state whose last change (failure, for failed
 * jobs) is older than the grace period. Dead-letter messages stay: a letter
 * whose record was cleaned is dropped at claim if it is ever redriven.
 */
export async function cleanQueue(
  deps: AdminDeps,
  settings: QueueSettings,
  request: CleanBody,
): Promise<{ queue: string; state: string; older_than_hours: number; deleted: number }> {
  const olderThan = new Date(deps.clock.now().getTime() - request.older_than_hours * HOUR_MS);
  const deleted = await deps.store.clean(settings.name, request.state, olderThan);
  deps.logger.info('records cleaned', { queue: settings.name, state: request.state, older_than_hours: request.older_than_hours, deleted });
  return { queue: settings.name, state: request.state, older_than_hours: request.older_than_hours, deleted };
}
