/**
 * The names of the job data schemas a catalog entry may give (`dataSchema`).
 * Kept apart from the schemas themselves: the catalog check, which every
 * function loads, needs the names only, and only the functions that check or
 * describe job data (the ingest and the health function's `/openapi.json`)
 * carry the schemas (see `index.ts`).
 */
export const DATA_SCHEMA_NAMES = [
  'payment-intent',
  'webhook-event',
  'whatsapp-message',
  'order-action',
  'email',
  'manychat-sync',
  'qr-analytics',
  'data-export',
] as const;

/** One of {@link DATA_SCHEMA_NAMES}. */
export type DataSchemaName = (typeof DATA_SCHEMA_NAMES)[number];

/** True when `name` names a data schema. */
export function isDataSchemaName(name: string): name is DataSchemaName {
  return (DATA_SCHEMA_NAMES as readonly string[]).includes(name);
}
