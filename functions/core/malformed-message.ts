import { jobMessageSchema } from './job-message';

/** Why a queue message body is not a job message, in a fixed vocabulary. */
export const MALFORMED_PROBLEM = {
  /** The body does not parse as JSON. */
  notJson: 'not_json',
  /** JSON, but not the shape of a job message. */
  invalidShape: 'invalid_shape',
} as const;

/** One of the values of {@link MALFORMED_PROBLEM}. */
export type MalformedProblem = (typeof MALFORMED_PROBLEM)[keyof typeof MALFORMED_PROBLEM];

/**
 * What is wrong with a body, safe to log and to write into a dead-letter
 * message: never a byte of the body (the parsers' own messages quote it: V8's
 * JSON errors show the input, zod's may show values), only the problem and
 * the job message fields that failed.
 */
export interface MalformedMessage {
  readonly problem: MalformedProblem;
  /** The job message's top-level fields that failed (`(body)` for the body as a whole); empty for `not_json`. */
  readonly fields: readonly string[];
}

const FIELDS: ReadonlySet<string> = new Set(Object.keys(jobMessageSchema.shape));

/**
 * Describes the error `decodeJobMessage` threw. Field names come from the
 * schema, never from the body: a path that is not one of the schema's fields
 * is reported as `(body)`.
 *
 * @example
 * describeMalformed(new SyntaxError('Unexpected token … "+254700000001"')); // { problem: 'not_json', fields: [] }
 */
export function describeMalformed(error: unknown): MalformedMessage {
  if (error instanceof SyntaxError) return { problem: MALFORMED_PROBLEM.notJson, fields: [] };
  const issues = typeof error === 'object' && error !== null && 'issues' in error && Array.isArray(error.issues) ? error.issues : [];
  const fields = new Set<string>();
  for (const issue of issues as readonly { path?: readonly unknown[] }[]) {
    const head = issue.path?.[0];
    fields.add(typeof head === 'string' && FIELDS.has(head) ? head : '(body)');
  }
  return { problem: MALFORMED_PROBLEM.invalidShape, fields: [...fields] };
}

/**
 * The failure reason a malformed message carries to the dead-letter queue.
 *
 * @example
 * malformedReason({ problem: 'invalid_shape', fields: ['jobId', 'priority'] }); // 'malformed job message: invalid_shape (jobId, priority)'
 */
export function malformedReason(malformed: MalformedMessage): string {
  const fields = malformed.fields.length > 0 ? ` (${malformed.fields.join(', ')})` : '';
  return `malformed job message: ${malformed.problem}${fields}`;
}
