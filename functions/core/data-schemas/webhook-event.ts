import * as z from '../validation';
import { anyObject, record, text } from './fields';
import type { DataSchemaSpec } from './spec';

/**
 * Seed 000's inbound webhook: `{ webhookType, payload: { body, headers },
 * endpoint }`. The seed names `"wallet" | "lemonade"`, and the queue takes
 * M-Pesa's callbacks too, so any type name is taken; its queue function took
 * `(type, { body, headers })`, so `endpoint` is optional.
 */
export function webhookEventData() {
  return record('data', '{ "webhookType": "wallet", "payload": { "body": { … }, "headers": { … } } }', {
    webhookType: text('data.webhookType', 'wallet', 64),
    payload: record('data.payload', '{ "body": { … }, "headers": { … } }', {
      body: z.optional(z.unknown()),
      headers: z.optional(anyObject('data.payload.headers', '{ "content-type": "application/json" }')),
    }),
    endpoint: z.optional(text('data.endpoint', 'https://app.example.com/webhooks', 2048)),
  });
}

/** The `webhook-event` data schema. */
export const WEBHOOK_EVENT: DataSchemaSpec<ReturnType<typeof webhookEventData>> = {
  description: 'An inbound webhook (seed 000): its type (wallet, lemonade, …), the body and headers received, and where it goes',
  build: webhookEventData,
  example: {
    webhookType: 'wallet',
    payload: { body: { event: 'wallet.credited', amount: 500 }, headers: { 'content-type': 'application/json' } },
    endpoint: 'https://app.example.com/webhooks/wallet',
  },
};
