import type { BatchResultErrorEntry } from '@aws-sdk/client-sqs';
import type { SendFailure } from './queue-client';

/** SQS batch calls take at most this many entries. */
export const SQS_BATCH_ENTRIES = 10;

/** SQS takes at most this many bytes in one batch (bodies and attributes together). */
export const SQS_BATCH_BYTES = 1024 * 1024;

/** An item with its position in the caller's list, so failures can be reported against it. */
export interface Indexed<T> {
  readonly index: number;
  readonly item: T;
}

/**
 * Splits items into SQS batches: at most ten entries, and at most
 * {@link SQS_BATCH_BYTES} together by `sizeOf`. An item larger than that on its
 * own gets a batch of its own (SQS refuses it, and says so for that entry).
 *
 * @example
 * chunkForSqs(['a', 'b'], () => 1); // [[{ index: 0, item: 'a' }, { index: 1, item: 'b' }]]
 */
export function chunkForSqs<T>(items: readonly T[], sizeOf: (item: T) => number = () => 0): Indexed<T>[][] {
  const batches: Indexed<T>[][] = [];
  let batch: Indexed<T>[] = [];
  let bytes = 0;
  items.forEach((item, index) => {
    const size = sizeOf(item);
    if (batch.length === SQS_BATCH_ENTRIES || (batch.length > 0 && bytes + size > SQS_BATCH_BYTES)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push({ index, item });
    bytes += size;
  });
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/** A message attribute as SQS takes it. */
export interface StringAttribute {
  readonly DataType: 'String' | 'Number';
  readonly StringValue: string;
}

/** The bytes SQS counts for a message: its body plus each attribute's name, type and value. */
export function messageBytes(body: string, attributes: Record<string, StringAttribute> = {}): number {
  let size = Buffer.byteLength(body, 'utf8');
  for (const [name, attribute] of Object.entries(attributes)) {
    size += Buffer.byteLength(name, 'utf8') + attribute.DataType.length + Buffer.byteLength(attribute.StringValue, 'utf8');
  }
  return size;
}

/** Whether a queue URL names a FIFO queue. */
export function isFifoQueue(queueUrl: string): boolean {
  return queueUrl.endsWith('.fifo');
}

/**
 * Runs batch calls one after another (a Lambda's batch is at most a few calls)
 * and collects refused entries by index; a call that throws counts as a
 * refusal of each of its entries.
 */
export async function runBatches<T>(
  batches: readonly Indexed<T>[][],
  call: (batch: readonly Indexed<T>[]) => Promise<BatchResultErrorEntry[]>,
): Promise<SendFailure[]> {
  const failures: SendFailure[] = [];
  for (const batch of batches) {
    try {
      for (const failed of await call(batch)) {
        failures.push({ index: Number(failed.Id), code: failed.Code ?? 'Unknown', message: failed.Message ?? failed.Code ?? 'refused' });
      }
    } catch (error) {
      const code = error instanceof Error ? error.name : 'Error';
      const message = error instanceof Error ? error.message : String(error);
      for (const { index } of batch) failures.push({ index, code, message });
    }
  }
  return failures;
}
