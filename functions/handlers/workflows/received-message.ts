import type { SQSRecord } from 'aws-lambda';
import { LETTER_MARK_ATTRIBUTE } from '../../adapters/dead-letter-attributes';
import { FIRST_ENQUEUED_AT_ATTRIBUTE, type LetterMarks } from '../../adapters/queue-client';

/** What a redriven dead letter says about the failure that sent it to the DLQ (its job is the message's). */
export type ReceivedLetter = Omit<LetterMarks, 'jobId'>;

/** What the consumer reads from a received record besides its body. */
export interface ReceivedMessage {
  /** SQS's `ApproximateReceiveCount` of this receive (1 on the first). */
  readonly receiveCount: number;
  /** When the job was first enqueued: a re-sent copy's `first_enqueued_at`, else the message's own `SentTimestamp`. */
  readonly firstEnqueuedAt?: Date;
  /** Set when the message is a redriven dead letter. */
  readonly letter?: ReceivedLetter;
}

/**
 * Reads a record's attributes as AWS shapes them in an SQS event: system
 * attributes as strings (`ApproximateReceiveCount`, `SentTimestamp`), message
 * attributes as `{ stringValue, dataType }`. A missing or unreadable value is
 * left out rather than guessed, except the receive count, which reads 1.
 *
 * @example
 * readReceived(record); // { receiveCount: 3, firstEnqueuedAt: 2026-01-01T00:00:00.000Z }
 */
export function readReceived(record: SQSRecord, jobId?: string): ReceivedMessage {
  const receiveCount = Number(record.attributes.ApproximateReceiveCount);
  const firstEnqueuedMs = Number(attribute(record, FIRST_ENQUEUED_AT_ATTRIBUTE) ?? record.attributes.SentTimestamp);
  const letter = letterOf(record, jobId);
  return {
    receiveCount: Number.isFinite(receiveCount) && receiveCount >= 1 ? receiveCount : 1,
    ...(Number.isFinite(firstEnqueuedMs) && firstEnqueuedMs > 0 ? { firstEnqueuedAt: new Date(firstEnqueuedMs) } : {}),
    ...(letter === undefined ? {} : { letter }),
  };
}

/** The letter's marks, when the record carries a readable `failed_at` (and, if it names one, the same job). */
function letterOf(record: SQSRecord, jobId: string | undefined): ReceivedLetter | undefined {
  const failedAt = Date.parse(attribute(record, LETTER_MARK_ATTRIBUTE.failedAt) ?? '');
  if (!Number.isFinite(failedAt)) return undefined;
  const named = attribute(record, LETTER_MARK_ATTRIBUTE.jobId);
  if (named !== undefined && jobId !== undefined && named !== jobId) return undefined;
  const attempts = Number(attribute(record, LETTER_MARK_ATTRIBUTE.attempts));
  return { failedAt: new Date(failedAt), ...(Number.isInteger(attempts) && attempts > 0 ? { attempts } : {}) };
}

function attribute(record: SQSRecord, name: string): string | undefined {
  const value = record.messageAttributes?.[name]?.stringValue;
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
