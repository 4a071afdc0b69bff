import { validateDraft4, type JsonSchema } from './json-schema-draft4';

/**
 * Checks a request body as a method's request validator does: against the
 * method's model for the request's content type (`application/json` when the
 * request names none, `$default` when no model matches it). Returns undefined
 * when no model applies (the body is not checked), else the problems in API
 * Gateway's words, empty when the body is valid. A body that is not JSON is
 * one problem; an empty body is checked as an empty object.
 *
 * @example
 * checkRequestBody({ 'application/json': { type: 'object', required: ['data'] } }, undefined, Buffer.from('{}')); // ['object has missing required properties (["data"])']
 */
export function checkRequestBody(models: Readonly<Record<string, JsonSchema>>, contentType: string | undefined, body: Buffer): string[] | undefined {
  const mediaType = (contentType ?? 'application/json').split(';')[0]?.trim().toLowerCase() || 'application/json';
  const model = Object.entries(models).find(([type]) => type.toLowerCase() === mediaType)?.[1] ?? models.$default;
  if (model === undefined) return undefined;
  let value: unknown = {};
  if (body.length > 0) {
    try {
      value = JSON.parse(body.toString('utf8')) as unknown;
    } catch (error) {
      return [`Invalid JSON: ${error instanceof Error ? error.message : String(error)}`];
    }
  }
  return validateDraft4(model, value);
}

/** API Gateway's `$context.error.validationErrorString`: the problems as a bracketed list. */
export function validationErrorString(problems: readonly string[]): string {
  return `[${problems.join(', ')}]`;
}
