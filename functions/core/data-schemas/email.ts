import * as z from '../validation';
import { anyObject, emailAddress, record, text } from './fields';
import type { DataSchemaSpec } from './spec';

/** A transactional email (seed 003): `{ to, subject, template, data }`, the data filling the template. */
export function emailData() {
  return record('data', '{ "to": "user@example.com", "subject": "…", "template": "welcome", "data": { … } }', {
    to: emailAddress('data.to'),
    subject: text('data.subject', 'Your order has shipped', 998),
    template: text('data.template', 'order-shipped', 128),
    data: z.optional(anyObject('data.data', '{ "name": "Amina" }')),
  });
}

/** The `email` data schema. */
export const EMAIL: DataSchemaSpec<ReturnType<typeof emailData>> = {
  description: 'A transactional email (seed 003): to, subject, template and the template data',
  build: emailData,
  example: { to: 'user@example.com', subject: 'Your order has shipped', template: 'order-shipped', data: { orderNumber: 'ORD-12345' } },
};
