import { setTimeout as sleep } from 'node:timers/promises';
import { isMissingQueue, parseQueueArn, type MovedMessage, type SqsUpstream } from './sqs-upstream';

/** What one message move task moves, where to, and how fast. */
export interface MoveJob {
  readonly sourceUrl: string;
  /** Where every message goes; without it, each goes back to its `DeadLetterQueueSourceArn`. @default - each message's source */
  readonly destinationUrl?: string;
  /** Messages per second at most. */
  readonly ratePerSecond: number;
  /** Aborting cancels the task between batches. */
  readonly signal: AbortSignal;
  /** Told after each batch how many messages have moved in all. */
  readonly onProgress: (moved: number) => void;
}

/** How a task ended, with SQS's `FailureReason` when it failed. */
export type MoveOutcome = { status: 'COMPLETED' } | { status: 'CANCELLED' } | { status: 'FAILED'; reason: string };

/** SQS's reason when a message has no recorded source and no destination was given. */
export const COULD_NOT_DETERMINE_SOURCE = 'CouldNotDetermineMessageSource';
/** SQS's reason when a queue the task writes to is gone. */
export const NON_EXISTENT_QUEUE = 'AWS.SimpleQueueService.NonExistentQueue';

/**
 * Moves messages as SQS's message move task does: receive a batch from the
 * source, send each message again (same body and attributes) to the
 * destination or to the queue it was dead-lettered from, delete what was sent,
 * and pace so that no more than `ratePerSecond` move per second. Ends when a
 * receive finds the source empty. A message that cannot move fails the task
 * and is made visible again, as are the rest of its batch; messages already
 * moved stay moved.
 *
 * @example
 * const outcome = await moveMessages({ sourceUrl, destinationUrl, ratePerSecond: 10, signal, onProgress }, upstream);
 */
export async function moveMessages(job: MoveJob, upstream: SqsUpstream): Promise<MoveOutcome> {
  const startedAt = Date.now();
  const batchSize = Math.max(1, Math.min(10, Math.floor(job.ratePerSecond)));
  const urlsByArn = new Map<string, string | undefined>();
  let moved = 0;
  try {
    for (;;) {
      if (job.signal.aborted) return { status: 'CANCELLED' };
      const messages = await upstream.receive(job.sourceUrl, batchSize);
      if (messages.length === 0) return { status: 'COMPLETED' };

      const routed = await route(messages, job.destinationUrl, upstream, urlsByArn);
      if (routed.unroutable.length > 0) {
        await upstream.release(job.sourceUrl, messages);
        return { status: 'FAILED', reason: COULD_NOT_DETERMINE_SOURCE };
      }
      let failure: string | undefined;
      for (const [url, group] of routed.byDestination) {
        if (failure !== undefined) {
          await upstream.release(job.sourceUrl, group);
          continue;
        }
        const sent = await sendGroup(url, group, upstream);
        await upstream.delete(job.sourceUrl, sent.moved);
        await upstream.release(job.sourceUrl, sent.kept);
        moved += sent.moved.length;
        failure = sent.failure;
      }
      job.onProgress(moved);
      if (failure !== undefined) return { status: 'FAILED', reason: failure };

      // Message n may leave no earlier than n / rate seconds after the start.
      const due = startedAt + (moved / job.ratePerSecond) * 1000;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait, undefined, { signal: job.signal });
    }
  } catch (error) {
    if (job.signal.aborted) return { status: 'CANCELLED' };
    return { status: 'FAILED', reason: isMissingQueue(error) ? NON_EXISTENT_QUEUE : error instanceof Error ? error.name : String(error) };
  }
}

async function route(
  messages: readonly MovedMessage[],
  destinationUrl: string | undefined,
  upstream: SqsUpstream,
  urlsByArn: Map<string, string | undefined>,
): Promise<{ byDestination: Map<string, MovedMessage[]>; unroutable: MovedMessage[] }> {
  const byDestination = new Map<string, MovedMessage[]>();
  const unroutable: MovedMessage[] = [];
  for (const message of messages) {
    let url = destinationUrl;
    const sourceArn = message.Attributes?.DeadLetterQueueSourceArn;
    if (url === undefined && sourceArn !== undefined) {
      if (!urlsByArn.has(sourceArn)) {
        const parsed = parseQueueArn(sourceArn);
        urlsByArn.set(sourceArn, parsed === undefined ? undefined : await upstream.queueUrl(parsed));
      }
      url = urlsByArn.get(sourceArn);
    }
    if (url === undefined) unroutable.push(message);
    else byDestination.set(url, [...(byDestination.get(url) ?? []), message]);
  }
  return { byDestination, unroutable };
}

async function sendGroup(
  url: string,
  group: readonly MovedMessage[],
  upstream: SqsUpstream,
): Promise<{ moved: MovedMessage[]; kept: MovedMessage[]; failure?: string }> {
  try {
    const result = await upstream.sendAgain(url, group);
    return {
      moved: group.filter((m) => !result.failed.has(m.MessageId ?? '')),
      kept: group.filter((m) => result.failed.has(m.MessageId ?? '')),
      failure: result.firstFailure,
    };
  } catch (error) {
    if (isMissingQueue(error)) return { moved: [], kept: [...group], failure: NON_EXISTENT_QUEUE };
    throw error;
  }
}
