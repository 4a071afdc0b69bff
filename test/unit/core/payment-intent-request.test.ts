import { describe, expect, it } from 'vitest';
import { fieldProblems } from '../../../functions/core/job-request';
import { paymentIntentRequestSchema, paymentJobRequest } from '../../../functions/core/payment-intent-request';

/** Seed 000's request, as its documentation shows it. */
const seedIntent = (overrides: Record<string, unknown> = {}) => ({
  intent_id: '7c2b7e0e-8a7f-4b57-9d1e-1f2a3b4c5d6e',
  payload: { action: 'stk_push', amount: 1000.0, phone_number: '+254712345678' },
  priority: 10,
  delay: 0,
  ...overrides,
});

function problemsOf(body: unknown) {
  const result = paymentIntentRequestSchema.safeParse(body);
  if (result.success) throw new Error(`expected ${JSON.stringify(body)} to be refused`);
  return fieldProblems(result.error);
}

describe('paymentIntentRequestSchema', () => {
  it("accepts seed 000's request and turns it into the seed's job data, deduplicated by the intent id", () => {
    // Act
    const request = paymentJobRequest(paymentIntentRequestSchema.parse(seedIntent()));

    // Assess
    expect(request).toEqual({
      data: {
        intentId: '7c2b7e0e-8a7f-4b57-9d1e-1f2a3b4c5d6e',
        payload: { action: 'stk_push', amount: 1000, phone_number: '+254712345678' },
        action: 'stk_push',
      },
      dedup_key: '7c2b7e0e-8a7f-4b57-9d1e-1f2a3b4c5d6e',
      priority: 10,
      delay: 0,
    });
  });

  it('leaves priority, delay and the action out when the intent gives none', () => {
    // Act
    const request = paymentJobRequest(paymentIntentRequestSchema.parse({ intent_id: 'i-1', payload: { amount: 5 } }));

    // Assess
    expect(request).toEqual({ data: { intentId: 'i-1', payload: { amount: 5 } }, dedup_key: 'i-1' });
  });

  it.each([
    ['no intent_id', { intent_id: undefined }, 'intent_id', 'intent_id is required: the payment intent id, a string'],
    ['an empty intent_id', { intent_id: '' }, 'intent_id', 'intent_id must not be empty'],
    ['a numeric intent_id', { intent_id: 42 }, 'intent_id', 'intent_id is required: the payment intent id, a string'],
    ['a payload that is not an object', { payload: 'stk_push' }, 'payload', expect.stringContaining('payload is required: the payment data, a JSON object')],
    ['no payload', { payload: undefined }, 'payload', expect.stringContaining('payload is required')],
    ['an action that is no string', { payload: { action: 7 } }, 'payload.action', 'payload.action must be a string, e.g. "stk_push"'],
    ['a priority out of range', { priority: 30 }, 'priority', 'priority must be an integer from 1 to 20 or one of urgent, high, normal, low'],
    ['a negative delay', { delay: -1 }, 'delay', 'delay must be 0 or more milliseconds'],
    ['an unknown field', { callback_url: 'https://x' }, 'callback_url', 'unknown field; check the spelling'],
  ])('refuses %s, naming the field', (_label, overrides, field, message) => {
    // Act / Assess
    expect(problemsOf(seedIntent(overrides))).toEqual([{ field, message }]);
  });

  it('refuses a body that is not an object, saying what one looks like', () => {
    // Act / Assess
    expect(problemsOf([seedIntent()])).toEqual([{ field: '(body)', message: expect.stringContaining('{ "intent_id": "…", "payload"') }]);
  });
});
