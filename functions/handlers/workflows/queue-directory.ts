import type { QueueSettings } from '../../core/runtime-config';
import { laneQueueName, queueUrl } from '../../core/queue-names';
import type { Lane } from '../../core/lanes';

/** Finds queue settings by name and lane URLs by name and lane. */
export interface QueueDirectory {
  /** The queue's settings, or undefined for an unknown queue. */
  settings(queue: string): QueueSettings | undefined;
  /** The URL of one lane of a queue. */
  laneUrl(settings: Pick<QueueSettings, 'name' | 'fifo'>, lane: Lane): string;
}

/**
 * A directory built from the function's configuration: the queue settings list,
 * the account's SQS base URL and the stack's queue name prefix.
 */
export function queueDirectory(queues: readonly QueueSettings[], queueUrlBase: string, prefix: string): QueueDirectory {
  const byName = new Map(queues.map((settings) => [settings.name, settings]));
  return {
    settings: (queue) => byName.get(queue),
    laneUrl: (settings, lane) => queueUrl(queueUrlBase, laneQueueName(prefix, settings, lane)),
  };
}
