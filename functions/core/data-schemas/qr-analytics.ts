import * as z from '../validation';
import { anyObject, oneOf, record, text } from './fields';
import type { DataSchemaSpec } from './spec';

/** A QR analytics event (seed 003): `{ qrCodeId, event: scan | validation, data }`. */
export function qrAnalyticsData() {
  return record('data', '{ "qrCodeId": "qr_123", "event": "scan", "data": { … } }', {
    qrCodeId: text('data.qrCodeId', 'qr_123', 128),
    event: oneOf('data.event', ['scan', 'validation']),
    data: z.optional(anyObject('data.data', '{ "userId": "user_456" }')),
  });
}

/** The `qr-analytics` data schema. */
export const QR_ANALYTICS: DataSchemaSpec<ReturnType<typeof qrAnalyticsData>> = {
  description: 'A QR analytics event (seed 003): qrCodeId, event (scan, validation) and the event data',
  build: qrAnalyticsData,
  example: { qrCodeId: 'qr_123', event: 'scan', data: { userId: 'user_456' } },
};
