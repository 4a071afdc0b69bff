import type { DeadLetterReason, LetterMarks } from './queue-client';
import type { StringAttribute } from './sqs-batches';

/** A failure reason is cut to this many characters on the dead-letter message. */
export const MAX_REASON_LENGTH = 256;

/** Other attribute values are cut to this many characters, so a message never carries a runaway header. */
const MAX_VALUE_LENGTH = 256;

/**
 * The message attributes that say why a job was dead-lettered. SQS refuses
 * empty attribute values, so an empty one reads `unknown`, and characters it
 * does not allow read `?`.
 *
 * @example
 * deadLetterAttributes('job-1', { reason: 'HTTP 400', category: 'client', attempts: 1, sourceQueue: 'jobs-payments', failedAt });
 * // { failure_reason: { DataType: 'String', StringValue: 'HTTP 400' }, attempts: { DataType: 'Number', StringValue: '1' }, … }
 */
export function deadLetterAttributes(jobId: string, failure: DeadLetterReason): Record<string, StringAttribute> {
  return {
    failure_reason: text(failure.reason, MAX_REASON_LENGTH),
    failure_category: text(failure.category, MAX_VALUE_LENGTH),
    source_queue: text(failure.sourceQueue, MAX_VALUE_LENGTH),
    ...letterMarkAttributes({ jobId, failedAt: failure.failedAt, attempts: failure.attempts }),
  };
}

/**
 * The names of the attributes a redriven letter's claim reads (see
 * {@link LetterMarks}). `failed_at` is what marks a message as a dead letter:
 * SQS's message move task keeps message attributes, so a letter redriven to a
 * lane still carries it.
 */
export const LETTER_MARK_ATTRIBUTE = { failedAt: 'failed_at', jobId: 'job_id', attempts: 'attempts' } as const;

/**
 * The attributes of a letter's marks: on every letter, and on a copy of a
 * redriven letter sent again (a deferral), so the copy still reopens its job.
 *
 * @example
 * letterMarkAttributes({ jobId: 'job-1', failedAt, attempts: 3 });
 * // { failed_at: { DataType: 'String', StringValue: '2026-…Z' }, job_id: { … }, attempts: { DataType: 'Number', StringValue: '3' } }
 */
export function letterMarkAttributes(marks: LetterMarks): Record<string, StringAttribute> {
  const { attempts } = marks;
  return {
    [LETTER_MARK_ATTRIBUTE.failedAt]: text(marks.failedAt.toISOString(), MAX_VALUE_LENGTH),
    [LETTER_MARK_ATTRIBUTE.jobId]: text(marks.jobId, MAX_VALUE_LENGTH),
    ...(attempts === undefined ? {} : { [LETTER_MARK_ATTRIBUTE.attempts]: { DataType: 'Number', StringValue: String(Number.isFinite(attempts) ? Math.trunc(attempts) : 0) } }),
  };
}

/** Characters SQS refuses in attribute values (controls, lone surrogates, non-characters). */
const NOT_ALLOWED = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function text(value: string, maxLength: number): StringAttribute {
  const trimmed = value.trim();
  const nonEmpty = trimmed.length === 0 ? 'unknown' : trimmed;
  const cut = nonEmpty.length <= maxLength ? nonEmpty : `${nonEmpty.slice(0, maxLength - 1)}…`;
  return { DataType: 'String', StringValue: cut.replace(NOT_ALLOWED, '?') };
}
