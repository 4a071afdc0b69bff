import * as z from '../validation';
import { anyObject, oneOf, record, text } from './fields';
import type { DataSchemaSpec } from './spec';

/** The order workflow actions seed 002 lists. */
export const ORDER_ACTIONS = ['CONFIRM', 'ASSIGN_VENDOR', 'UPDATE_STATUS', 'COMPLETE', 'CANCEL'] as const;

/** A step of an order's workflow (seeds 002 and 004): `{ orderId, action, data }`. */
export function orderActionData() {
  return record('data', '{ "orderId": "12345", "action": "CONFIRM", "data": {} }', {
    orderId: text('data.orderId', '12345', 128),
    action: oneOf('data.action', ORDER_ACTIONS),
    data: z.optional(anyObject('data.data', '{ "vendorId": "v-7" }')),
  });
}

/** The `order-action` data schema. */
export const ORDER_ACTION: DataSchemaSpec<ReturnType<typeof orderActionData>> = {
  description: `A step of an order's workflow (seeds 002, 004): orderId, action (${ORDER_ACTIONS.join(', ')}) and its data`,
  build: orderActionData,
  example: { orderId: '12345', action: 'CONFIRM', data: {} },
};
