import * as z from '../validation';
import { anyObject, oneOf, record, text } from './fields';
import type { DataSchemaSpec } from './spec';

/** The message types seed 002 lists. */
export const WHATSAPP_MESSAGE_TYPES = [
  'ORDER_CONFIRMATION',
  'VENDOR_NOTIFICATION',
  'DELIVERY_UPDATE',
  'PAYMENT_REMINDER',
  'BALANCE_INQUIRY_RESPONSE',
  'GENERIC_MESSAGE',
] as const;

/**
 * A WhatsApp notification (seeds 002 and 004): `{ messageType, recipient,
 * data }`, the type one of seed 002's six, the recipient a phone number, the
 * template data free.
 */
export function whatsappMessageData() {
  return record('data', '{ "messageType": "ORDER_CONFIRMATION", "recipient": "+254712345678", "data": { … } }', {
    messageType: oneOf('data.messageType', WHATSAPP_MESSAGE_TYPES),
    recipient: text('data.recipient', '+254712345678', 32),
    data: z.optional(anyObject('data.data', '{ "orderNumber": "ORD-12345" }')),
  });
}

/** The `whatsapp-message` data schema. */
export const WHATSAPP_MESSAGE: DataSchemaSpec<ReturnType<typeof whatsappMessageData>> = {
  description: `A WhatsApp notification (seeds 002, 004): messageType (${WHATSAPP_MESSAGE_TYPES.join(', ')}), recipient and the message data`,
  build: whatsappMessageData,
  example: {
    messageType: 'ORDER_CONFIRMATION',
    recipient: '+254712345678',
    data: { orderNumber: 'ORD-12345', total: 1500, items: [{ name: 'Product A', quantity: 2, price: 750 }] },
  },
};
