import * as z from '../validation';

/**
 * Field builders shared by the job data schemas: each names its field in its
 * messages, says when it is missing rather than mistyped, and keeps to what
 * JSON Schema can say, so the edge models and the OpenAPI document derived
 * from a schema check what the ingest checks.
 */

/** A message that tells a missing field from a wrong one. */
function said(field: string, wanted: string): { error: (issue: { input?: unknown }) => string } {
  return { error: (issue) => (issue.input === undefined ? `${field} is required: ${wanted}` : `${field} must be ${wanted}`) };
}

/** A non-empty string of at most `max` characters. */
export function text(field: string, example: string, max = 256) {
  return z
    .string(said(field, `a string such as "${example}"`))
    .check(
      z.minLength(1, { error: `${field} must not be empty` }),
      z.maxLength(max, { error: `${field} must be at most ${max} characters` }),
    );
}

/** One of a fixed list of strings, as the seed lists them. */
export function oneOf<const T extends readonly [string, ...string[]]>(field: string, values: T) {
  return z.enum(values, said(field, `one of ${values.join(', ')}`));
}

/** Any JSON object, its fields free. */
export function anyObject(field: string, example: string) {
  return z.looseObject({}, said(field, `a JSON object such as ${example}`));
}

/** A finite JSON number. */
export function amount(field: string, example: string) {
  return z.number(said(field, `a number such as ${example}`));
}

/** An email address: a local part, `@`, a domain; no more is checked, as mail systems differ on the rest. */
export function emailAddress(field: string) {
  return z
    .string(said(field, 'an email address such as user@example.com'))
    .check(
      z.regex(/^[^\s@]+@[^\s@]+$/, { error: `${field} must be an email address such as user@example.com` }),
      z.maxLength(320, { error: `${field} must be at most 320 characters` }),
    );
}

/** An object of `shape` whose other fields are kept as they are (the seeds show only part of their data). */
export function record<S extends z.core.$ZodLooseShape>(field: string, example: string, shape: S) {
  return z.looseObject(shape, said(field, `a JSON object such as ${example}`));
}
