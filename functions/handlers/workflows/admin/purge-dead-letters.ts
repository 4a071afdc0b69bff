import { PurgeInProgressError } from '../../../adapters/queue-admin-errors';
import type { QueueSettings } from '../../../core/runtime-config';
import { HttpError } from '../../http/http-error';
import type { AdminDeps } from './admin-deps';
import { failedIdsUpTo } from './failed-view';
import { refuseWhileMoving } from './move-task-view';

/**
 * `DELETE /admin/queues/{queue}/dlq?confirm={queue}`: empties the dead-letter
 * queue and marks the failed records whose letters went with it (those in the
 * failed index that failed up to the purge), so they are no longer offered
 * for redrive. Without the queue's own name as `confirm`, `400` and nothing
 * changes. SQS deletes messages sent before the purge call; a job that fails
 * during the purge may keep its letter and stay listed.
 */
export async function purgeDeadLetters(
  deps: AdminDeps,
  settings: QueueSettings,
  confirm: string | undefined,
): Promise<{ queue: string; purged: true; marked: number }> {
  if (confirm !== settings.name) {
    throw new HttpError(400, 'confirmation_required', `purging deletes every message in the dead-letter queue; repeat the queue name: ?confirm=${settings.name}`, [
      { field: 'confirm', message: confirm === undefined ? 'missing' : `"${confirm}" is not "${settings.name}"` },
    ]);
  }
  const locations = deps.locate(settings);
  await refuseWhileMoving(deps, settings, locations);
  const now = deps.clock.now();
  try {
    await deps.deadLetters.purge(locations.deadLetter.url);
  } catch (error) {
    if (error instanceof PurgeInProgressError) throw new HttpError(409, 'purge_in_progress', error.message);
    throw error;
  }
  const marked = await deps.store.markPurged(await failedIdsUpTo(deps, settings.name, now), now);
  deps.logger.warn('dead-letter queue purged', { queue: settings.name, marked });
  return { queue: settings.name, purged: true, marked };
}
