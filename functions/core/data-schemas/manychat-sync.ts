import * as z from '../validation';
import { anyObject, oneOf, record, text } from './fields';
import type { DataSchemaSpec } from './spec';

/** A ManyChat sync (seed 003): `{ type: contact | tag | field, action: create | update | delete, toolId, data }`. */
export function manychatSyncData() {
  return record('data', '{ "type": "contact", "action": "update", "toolId": "tool_123", "data": { … } }', {
    type: oneOf('data.type', ['contact', 'tag', 'field']),
    action: oneOf('data.action', ['create', 'update', 'delete']),
    toolId: text('data.toolId', 'tool_123', 128),
    data: z.optional(anyObject('data.data', '{ "first_name": "Amina" }')),
  });
}

/** The `manychat-sync` data schema. */
export const MANYCHAT_SYNC: DataSchemaSpec<ReturnType<typeof manychatSyncData>> = {
  description: 'A ManyChat sync (seed 003): type (contact, tag, field), action (create, update, delete), toolId and the data',
  build: manychatSyncData,
  example: { type: 'contact', action: 'update', toolId: 'tool_123', data: { first_name: 'Amina' } },
};
