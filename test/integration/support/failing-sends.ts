import type { QueueClient } from '../../../functions/adapters/queue-client';

/**
 * A queue client whose sends fail while `failing()` says so, as if the ingest
 * died between its record and its send; every other call goes through.
 *
 * @example
 * let dropSends = true;
 * new TestPipeline({ definitions, clock, ingestQueues: (queues) => sendsFailingWhile(queues, () => dropSends) });
 */
export function sendsFailingWhile(queues: QueueClient, failing: () => boolean): QueueClient {
  // Every method is passed on by name: a class instance does not spread its methods.
  const died = (): Promise<never> => Promise.reject(new Error('ingest died before the send'));
  return {
    send: (url, job) => (failing() ? died() : queues.send(url, job)),
    sendBatch: (url, jobs) => (failing() ? died() : queues.sendBatch(url, jobs)),
    changeVisibility: (url, changes) => queues.changeVisibility(url, changes),
    moveToDeadLetter: (url, letters) => queues.moveToDeadLetter(url, letters),
    delete: (url, handles) => queues.delete(url, handles),
    backlog: (url) => queues.backlog(url),
    depth: (url) => queues.depth(url),
  };
}
