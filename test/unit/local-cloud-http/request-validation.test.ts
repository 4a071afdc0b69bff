import { describe, expect, it } from 'vitest';
import { validateDraft4, type JsonSchema } from '../../../local/cloud/http/json-schema-draft4';
import { checkRequestBody, validationErrorString } from '../../../local/cloud/http/request-validation';
import { batchRequestModelSchema, jobRequestModelSchema } from '../../../lib/request-models';

/** The stack's own edge models, as the template carries them. */
const jobModel = jobRequestModelSchema() as unknown as JsonSchema;
const batchModel = batchRequestModelSchema() as unknown as JsonSchema;

describe('validateDraft4 with the stack request models', () => {
  it.each<[string, unknown]>([
    ['data only', { data: { amount: 5 } }],
    ['every field', { name: 'charge', data: null, priority: 'urgent', delay: 0, dedup_key: 'k', attempts: 3 }],
    ['a numeric priority', { data: 1, priority: 20 }],
    ['a run_at time', { data: 1, run_at: '2030-01-02T03:04:05Z' }],
    ['a group id with punctuation', { data: 1, group_id: 'order-42/#1' }],
  ])('accepts %s', (_label, body) => {
    expect(validateDraft4(jobModel, body)).toEqual([]);
  });

  it.each<[string, unknown, RegExp]>([
    ['no data', { name: 'x' }, /object has missing required properties \(\["data"\]\)/],
    ['an unknown field', { data: 1, colour: 'red' }, /not allowed by the schema: \["colour"\]/],
    ['a priority of 21', { data: 1, priority: 21 }, /failed to match at least one required schema/],
    ['a fractional delay', { data: 1, delay: 1.5 }, /\/delay: instance type \(number\) does not match/],
    ['an empty name', { data: 1, name: '' }, /\/name: string "" is too short/],
    ['a run_at without zone', { data: 1, run_at: '2030-01-02T03:04:05' }, /\/run_at: ECMA 262 regex/],
    ['an array body', [1], /instance type \(array\) does not match any allowed primitive type \(allowed: \["object"\]\)/],
  ])('refuses %s', (_label, body, problem) => {
    expect(validateDraft4(jobModel, body).join('\n')).toMatch(problem);
  });

  it('accepts a batch of 1 to 100 objects and refuses an empty, oversized or non-object one', () => {
    expect(validateDraft4(batchModel, { jobs: [{ data: 1 }, {}] })).toEqual([]);
    expect(validateDraft4(batchModel, { jobs: [] }).join()).toMatch(/at least 1 elements/);
    expect(validateDraft4(batchModel, { jobs: Array.from({ length: 101 }, () => ({})) }).join()).toMatch(/at most 100 elements/);
    expect(validateDraft4(batchModel, { jobs: [1] }).join()).toMatch(/\/jobs\/0: instance type \(integer\)/);
  });
});

describe('validateDraft4 keywords', () => {
  it('follows local $refs, oneOf, not, uniqueItems, exclusive bounds and multipleOf', () => {
    // Prepare
    const schema: JsonSchema = {
      definitions: { small: { type: 'integer', minimum: 0, maximum: 10, exclusiveMaximum: true, multipleOf: 2 } },
      type: 'object',
      properties: { n: { $ref: '#/definitions/small' }, tags: { type: 'array', uniqueItems: true }, k: { oneOf: [{ type: 'string' }, { enum: ['a', 1] }] }, x: { not: { type: 'null' } } },
      additionalProperties: { type: 'boolean' },
    };

    // Act / Assess
    expect(validateDraft4(schema, { n: 4, tags: [1, 2], k: 1, x: 0, extra: true })).toEqual([]);
    expect(validateDraft4(schema, { n: 10 }).join()).toMatch(/greater than the required maximum/);
    expect(validateDraft4(schema, { n: 3 }).join()).toMatch(/remainder of division is not zero/);
    expect(validateDraft4(schema, { tags: [{ a: 1 }, { a: 1 }] }).join()).toMatch(/duplicate elements/);
    expect(validateDraft4(schema, { k: 'a' }).join()).toMatch(/matched 2 out of 2/);
    expect(validateDraft4(schema, { x: null }).join()).toMatch(/should not have/);
    expect(validateDraft4(schema, { extra: 'yes' }).join()).toMatch(/\/extra: instance type \(string\)/);
  });
});

describe('checkRequestBody', () => {
  const models = { 'application/json': jobModel };

  it('checks a JSON body, taking application/json when the request names no content type', () => {
    expect(checkRequestBody(models, 'application/json; charset=utf-8', Buffer.from('{"data":1}'))).toEqual([]);
    expect(checkRequestBody(models, undefined, Buffer.from('{"nodata":1}'))?.join()).toMatch(/missing required properties/);
  });

  it('refuses a body that is not JSON, and checks an empty body as an empty object', () => {
    expect(checkRequestBody(models, 'application/json', Buffer.from('{oops'))?.join()).toMatch(/^Invalid JSON: /);
    expect(checkRequestBody(models, 'application/json', Buffer.alloc(0))?.join()).toMatch(/missing required properties \(\["data"\]\)/);
  });

  it('checks nothing for a content type without a model, unless a $default model is there', () => {
    expect(checkRequestBody(models, 'text/plain', Buffer.from('hello'))).toBeUndefined();
    expect(checkRequestBody({ $default: { type: 'object' } }, 'text/plain', Buffer.from('"hello"'))?.join()).toMatch(/instance type \(string\)/);
  });

  it('lists the problems in brackets, as $context.error.validationErrorString does', () => {
    expect(validationErrorString(['a', 'b'])).toBe('[a, b]');
  });
});
