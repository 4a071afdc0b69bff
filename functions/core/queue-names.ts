import type { QueueDefinition } from './queue-config';
import { DEFAULT_LANE, type Lane } from './lanes';

/**
 * The SQS name of one lane of a queue: `<prefix>-<queue>` for a queue without
 * lanes, `<prefix>-<queue>-<lane>` for a laned one, `.fifo` on FIFO queues.
 *
 * @example
 * laneQueueName('jobs', { name: 'webhook-delivery', fifo: false }, 'urgent'); // 'jobs-webhook-delivery-urgent'
 */
export function laneQueueName(prefix: string, definition: Pick<QueueDefinition, 'name' | 'fifo'>, lane: Lane): string {
  const base = lane === DEFAULT_LANE ? `${prefix}-${definition.name}` : `${prefix}-${definition.name}-${lane}`;
  return definition.fifo ? `${base}.fifo` : base;
}

/** The SQS name of a queue's dead-letter queue (FIFO when its sources are). */
export function deadLetterQueueName(prefix: string, definition: Pick<QueueDefinition, 'name' | 'fifo'>): string {
  const base = `${prefix}-${definition.name}-dlq`;
  return definition.fifo ? `${base}.fifo` : base;
}

/** A queue URL from the account's SQS base URL (`https://sqs.<region>.amazonaws.com/<account>`) and a name. */
export function queueUrl(baseUrl: string, name: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${name}`;
}
