import * as z from '../validation';
import { amount, record, text } from './fields';
import type { DataSchemaSpec } from './spec';

/**
 * Seed 000's payment intent: `{ intentId, payload: { action, amount,
 * phone_number, … }, action }`. Its queue function took `(intentId, payload)`
 * and `POST /api/payments/intent/queue` copies `action` from the payload when
 * it has one, so `intentId` and `payload` are required and the rest is
 * checked when given; the payload's other payment fields are kept.
 */
export function paymentIntentData() {
  return record('data', '{ "intentId": "pi_42", "payload": { "action": "stk_push", "amount": 1000 } }', {
    intentId: text('data.intentId', 'pi_42'),
    payload: record('data.payload', '{ "action": "stk_push", "amount": 1000, "phone_number": "+254712345678" }', {
      action: z.optional(text('data.payload.action', 'stk_push', 64)),
      amount: z.optional(amount('data.payload.amount', '1000.00')),
      phone_number: z.optional(text('data.payload.phone_number', '+254712345678', 32)),
    }),
    action: z.optional(text('data.action', 'stk_push', 64)),
  });
}

/** The `payment-intent` data schema. */
export const PAYMENT_INTENT: DataSchemaSpec<ReturnType<typeof paymentIntentData>> = {
  description: "A payment intent (seed 000): intentId, the payment payload (action, amount, phone_number, …) and the action",
  build: paymentIntentData,
  example: { intentId: 'pi_42', payload: { action: 'stk_push', amount: 1000, phone_number: '+254712345678' }, action: 'stk_push' },
};
