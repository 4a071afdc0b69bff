import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EmulatorStartError } from './errors';

/** The parts of the SQS emulator's queue class that FIFO receives use. */
interface FifoQueueInternals {
  readonly url: string;
  readonly fifoLockedGroups: Map<string, number>;
  readonly fifoMessages: Map<string, { sequenceNumber?: string }[]>;
  readonly inflightMessages: Map<string, { message: { messageGroupId?: string } }>;
  dequeueFifo(maxCount: number, visibilityTimeoutOverride?: number, dlqResolver?: unknown): { ReceiptHandle: string }[];
}

/** Queue URL prefixes (one per emulator) whose FIFO receives are batched as SQS batches them. */
const enabledBases = new Set<string>();
let patched: Promise<void> | undefined;

/**
 * Makes the SQS emulator's FIFO receives on queues under `queueUrlBase` hand
 * out what SQS hands out: up to ten messages per receive, as many of one
 * message group as are waiting, in order. The emulator otherwise hands out one
 * message per group per receive, which hides what a batch of ten messages of
 * one group does to a consumer (e.g. ten rate-limit refusals at once). It also
 * keeps each group in send order when messages return (the emulator puts each
 * returned message at the head of its group, which reverses several returned
 * together).
 *
 * The emulator runs in this process, so its queue class is patched in place,
 * once; queues of other emulators in the process keep its own behaviour.
 *
 * @example
 * const sqs = await startSqsEmulator();
 * await batchFifoGroupsAsSqs(sqs.queueUrlBase); // the base of the queue URLs, as CreateQueue answered them
 */
export async function batchFifoGroupsAsSqs(queueUrlBase: string): Promise<void> {
  enabledBases.add(queueUrlBase.replace(/\/+$/, ''));
  patched ??= patchQueueClass();
  await patched;
}

/** Queue URLs name the host and port their CreateQueue came in on: pass the base the queues were created under. */
function isEnabled(url: string): boolean {
  return [...enabledBases].some((base) => url.startsWith(`${base}/`));
}

async function patchQueueClass(): Promise<void> {
  const module = (await import(pathToFileURL(storeModulePath()).href)) as { SqsQueue?: { prototype: FifoQueueInternals } };
  const prototype = module.SqsQueue?.prototype;
  if (prototype === undefined || typeof prototype.dequeueFifo !== 'function') {
    throw new EmulatorStartError('the SQS emulator has no SqsQueue.dequeueFifo to batch FIFO groups with; update local/sqs-fifo-batching.ts for its version');
  }
  const original = prototype.dequeueFifo;
  prototype.dequeueFifo = function dequeueFifoAsSqs(this: FifoQueueInternals, maxCount, visibilityTimeoutOverride, dlqResolver) {
    if (!isEnabled(this.url)) return original.call(this, maxCount, visibilityTimeoutOverride, dlqResolver);
    for (const group of this.fifoMessages.values()) group.sort((a, b) => (a.sequenceNumber ?? '').localeCompare(b.sequenceNumber ?? ''));
    const limit = Math.min(maxCount, 10);
    const received = original.call(this, limit, visibilityTimeoutOverride, dlqResolver);
    // The emulator takes one message per group and locks the group; the groups
    // handed out in this receive are unlocked for the next pass, so that it goes
    // on with them in order, and locked again with every message handed out.
    for (;;) {
      if (received.length >= limit) break;
      const taken = new Set(received.map((message) => this.inflightMessages.get(message.ReceiptHandle)?.message.messageGroupId ?? '__default'));
      const locks = new Map([...taken].map((group) => [group, this.fifoLockedGroups.get(group) ?? 0]));
      for (const group of taken) this.fifoLockedGroups.delete(group);
      const more = original.call(this, limit - received.length, visibilityTimeoutOverride, dlqResolver);
      for (const [group, count] of locks) this.fifoLockedGroups.set(group, count + (this.fifoLockedGroups.get(group) ?? 0));
      if (more.length === 0) break;
      received.push(...more);
    }
    return received;
  };
}

/** The emulator's queue store module, found on the module path (its package exports only its entry point). */
function storeModulePath(): string {
  const require = createRequire(import.meta.url);
  for (const directory of require.resolve.paths('fauxqs') ?? []) {
    const candidate = join(directory, 'fauxqs', 'dist', 'sqs', 'sqsStore.js');
    if (existsSync(candidate)) return candidate;
  }
  throw new EmulatorStartError('the SQS emulator package (fauxqs) was not found on the module path');
}
