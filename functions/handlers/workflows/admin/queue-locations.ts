import { laneFor, lanesOf, type Lane } from '../../../core/lanes';
import { DEFAULT_PRIORITY } from '../../../core/priority';
import { deadLetterQueueName, laneQueueName, queueUrl } from '../../../core/queue-names';
import type { QueueSettings } from '../../../core/runtime-config';

/** One SQS queue: its name, URL and ARN. */
export interface QueueLocation {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
}

/** Where a catalog queue's lanes and dead-letter queue are. */
export interface QueueLocations {
  /** The lanes, the highest first. */
  readonly lanes: readonly (QueueLocation & { readonly lane: Lane })[];
  readonly deadLetter: QueueLocation;
  /** The lane a whole-queue redrive goes to: `normal` on a laned queue, else the only lane. */
  readonly redriveLane: QueueLocation & { readonly lane: Lane };
}

/** Finds a queue's SQS queues from the stack's naming rule. */
export type QueueLocator = (settings: Pick<QueueSettings, 'name' | 'fifo' | 'lanes'>) => QueueLocations;

/**
 * The queue ARN of a name: `<arn base>:<name>`, the base being
 * `arn:<partition>:sqs:<region>:<account>`.
 *
 * @example
 * queueArn('arn:aws:sqs:eu-west-1:123456789012', 'jobs-email-dlq'); // 'arn:aws:sqs:eu-west-1:123456789012:jobs-email-dlq'
 */
export function queueArn(arnBase: string, name: string): string {
  return `${arnBase.replace(/:+$/, '')}:${name}`;
}

/**
 * A locator from the account's SQS URL base, its ARN base and the stack's
 * queue name prefix.
 */
export function queueLocator(urlBase: string, arnBase: string, prefix: string): QueueLocator {
  const locate = (name: string): QueueLocation => ({ name, url: queueUrl(urlBase, name), arn: queueArn(arnBase, name) });
  return (settings) => {
    const lanes = lanesOf(settings).map((lane) => ({ lane, ...locate(laneQueueName(prefix, settings, lane)) }));
    const redrive = laneFor(settings, DEFAULT_PRIORITY);
    const redriveLane = lanes.find((candidate) => candidate.lane === redrive) ?? { lane: redrive, ...locate(laneQueueName(prefix, settings, redrive)) };
    return { lanes, deadLetter: locate(deadLetterQueueName(prefix, settings)), redriveLane };
  };
}
