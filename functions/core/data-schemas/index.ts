import type * as z from '../validation';
import { DATA_EXPORT } from './data-export';
import { EMAIL } from './email';
import { MANYCHAT_SYNC } from './manychat-sync';
import type { DataSchemaName } from './names';
import { ORDER_ACTION } from './order-action';
import { PAYMENT_INTENT } from './payment-intent';
import { QR_ANALYTICS } from './qr-analytics';
import type { DataSchemaSpec } from './spec';
import { WEBHOOK_EVENT } from './webhook-event';
import { WHATSAPP_MESSAGE } from './whatsapp-message';

export { DATA_SCHEMA_NAMES, isDataSchemaName, type DataSchemaName } from './names';
export type { DataSchemaSpec } from './spec';

/**
 * Every job data schema, by the name a catalog entry gives in `dataSchema`.
 * The ingest checks a job's `data` against its queue's schema; the API
 * Gateway request models and the OpenAPI document are derived from the same
 * schemas. Adding a schema: a file here, its name in `names.ts`, its entry
 * here (the compiler insists on all three).
 */
export const DATA_SCHEMAS = {
  'payment-intent': PAYMENT_INTENT,
  'webhook-event': WEBHOOK_EVENT,
  'whatsapp-message': WHATSAPP_MESSAGE,
  'order-action': ORDER_ACTION,
  email: EMAIL,
  'manychat-sync': MANYCHAT_SYNC,
  'qr-analytics': QR_ANALYTICS,
  'data-export': DATA_EXPORT,
} as const satisfies Record<DataSchemaName, DataSchemaSpec>;

/** The data each schema accepts, as TypeScript sees it (a client's `Queue<'payments'>` types its `data` with it). */
export type DataOf<N extends DataSchemaName> = z.output<ReturnType<(typeof DATA_SCHEMAS)[N]['build']>>;

const built = new Map<DataSchemaName, z.core.$ZodType>();

/**
 * The schema of `name`, built once per process on its first use.
 *
 * @example
 * const result = z.safeParse(dataSchemaOf('payment-intent'), { intentId: 'pi_1', payload: { amount: 10 } });
 */
export function dataSchemaOf(name: DataSchemaName): z.core.$ZodType {
  let schema = built.get(name);
  if (schema === undefined) {
    schema = DATA_SCHEMAS[name].build();
    built.set(name, schema);
  }
  return schema;
}
