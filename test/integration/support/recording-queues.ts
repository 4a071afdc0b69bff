import type { QueueClient, VisibilityChange } from '../../../functions/adapters/queue-client';

/** A visibility change the consumer made, with when it made it. */
export interface RecordedVisibility extends VisibilityChange {
  readonly queueUrl: string;
  readonly at: number;
}

/**
 * The real queue client with its visibility changes recorded, so a test can
 * measure the backoff the consumer asked SQS for. Every call still goes to SQS.
 */
export function recordingQueues(inner: QueueClient): QueueClient & { readonly visibility: RecordedVisibility[] } {
  const visibility: RecordedVisibility[] = [];
  return {
    visibility,
    send: (url, job) => inner.send(url, job),
    sendBatch: (url, jobs) => inner.sendBatch(url, jobs),
    changeVisibility: async (url, changes) => {
      for (const change of changes) visibility.push({ ...change, queueUrl: url, at: Date.now() });
      await inner.changeVisibility(url, changes);
    },
    moveToDeadLetter: (url, letters) => inner.moveToDeadLetter(url, letters),
    delete: (url, handles) => inner.delete(url, handles),
    backlog: (url) => inner.backlog(url),
    depth: (url) => inner.depth(url),
  };
}
