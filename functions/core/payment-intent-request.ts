import * as z from './validation';
import { delayField, priorityField, type JobRequest } from './job-request';

/**
 * Seed 000's route, `POST /api/payments/intent/queue`: a payment intent,
 * queued as a `payments` job. The seed's request and job data, as its own
 * documentation gives them.
 */

/** The queue seed 000's payment intents go to. */
export const PAYMENT_INTENT_QUEUE = 'payments';

/**
 * The body of `POST /api/payments/intent/queue`: `{ intent_id, payload,
 * priority?, delay? }`, snake_case as the seed sends it, unknown fields
 * refused. `priority` (1–20, higher first, or a level name) and `delay` (ms)
 * follow `POST /jobs/{queue}`'s rules. Built on its first use, as
 * `jobRequestSchema` is.
 */
export const paymentIntentRequestSchema = /* @__PURE__ */ z.lazy(() =>
  z.strictObject(
    {
      intent_id: z
        .string({ error: 'intent_id is required: the payment intent id, a string' })
        .check(
          z.minLength(1, { error: 'intent_id must not be empty' }),
          z.maxLength(256, { error: 'intent_id must be at most 256 characters' }),
        ),
      payload: z.looseObject(
        { action: z.optional(z.string({ error: 'payload.action must be a string, e.g. "stk_push"' })) },
        { error: 'payload is required: the payment data, a JSON object such as { "action": "stk_push", "amount": 1000 }' },
      ),
      priority: priorityField(),
      delay: delayField(),
    },
    { error: 'the body must be a JSON object such as { "intent_id": "…", "payload": { "action": "stk_push", ... } }' },
  ),
);

/** A checked payment intent request. */
export type PaymentIntentRequest = z.output<typeof paymentIntentRequestSchema>;

/**
 * The job request a payment intent becomes: seed 000's job data
 * `{ intentId, payload, action }`, deduplicated by the intent id, so a live
 * twin of the same intent is found instead of a second job.
 *
 * @example
 * paymentJobRequest({ intent_id: 'i-1', payload: { action: 'stk_push', amount: 10 } });
 * // { data: { intentId: 'i-1', payload: { action: 'stk_push', amount: 10 }, action: 'stk_push' }, dedup_key: 'i-1' }
 */
export function paymentJobRequest(intent: PaymentIntentRequest): JobRequest {
  return {
    data: {
      intentId: intent.intent_id,
      payload: intent.payload,
      ...(intent.payload.action === undefined ? {} : { action: intent.payload.action }),
    },
    dedup_key: intent.intent_id,
    ...(intent.priority === undefined ? {} : { priority: intent.priority }),
    ...(intent.delay === undefined ? {} : { delay: intent.delay }),
  };
}
