import * as z from '../validation';
import { anyObject, oneOf, record, text } from './fields';
import type { DataSchemaSpec } from './spec';

/**
 * A data export (seed 003): `{ userId, exportType: csv | json | pdf | excel,
 * dataType: contacts | qr_scans | bookings, filters }`.
 */
export function dataExportData() {
  return record('data', '{ "userId": "user_123", "exportType": "csv", "dataType": "contacts" }', {
    userId: text('data.userId', 'user_123', 128),
    exportType: oneOf('data.exportType', ['csv', 'json', 'pdf', 'excel']),
    dataType: oneOf('data.dataType', ['contacts', 'qr_scans', 'bookings']),
    filters: z.optional(anyObject('data.filters', '{ "since": "2026-01-01" }')),
  });
}

/** The `data-export` data schema. */
export const DATA_EXPORT: DataSchemaSpec<ReturnType<typeof dataExportData>> = {
  description: 'A data export (seed 003): userId, exportType (csv, json, pdf, excel), dataType (contacts, qr_scans, bookings) and filters',
  build: dataExportData,
  example: { userId: 'user_123', exportType: 'csv', dataType: 'contacts', filters: { since: '2026-01-01' } },
};
