import { BatchResponseError } from './errors';

/**
 * The message ids a handler reported failed, read as Lambda reads an
 * `SQSBatchResponse` when `ReportBatchItemFailures` is on: no response, or one
 * without `batchItemFailures`, or an empty list, means all succeeded; anything
 * malformed (not an object, a list that is not one, an empty identifier, an
 * identifier not in the batch) fails the whole batch, which this reports by
 * throwing a {@link BatchResponseError}.
 *
 * @example
 * failedMessageIds({ batchItemFailures: [{ itemIdentifier: 'm-2' }] }, new Set(['m-1', 'm-2'])); // Set { 'm-2' }
 */
export function failedMessageIds(response: unknown, batchIds: ReadonlySet<string>): ReadonlySet<string> {
  if (response === undefined || response === null) return new Set();
  if (typeof response !== 'object' || Array.isArray(response)) {
    throw new BatchResponseError(`the handler returned ${describe(response)}, not an SQSBatchResponse object`);
  }
  const failures: unknown = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) {
    throw new BatchResponseError(`batchItemFailures is ${describe(failures)}, not a list of { itemIdentifier }`);
  }
  const failed = new Set<string>();
  for (const failure of failures) {
    const id: unknown = typeof failure === 'object' && failure !== null ? (failure as { itemIdentifier?: unknown }).itemIdentifier : undefined;
    if (typeof id !== 'string' || id === '') {
      throw new BatchResponseError(`a batch item failure has itemIdentifier ${describe(id)}; it must be a record's messageId`);
    }
    if (!batchIds.has(id)) {
      throw new BatchResponseError(`batch item failure "${id}" is not the messageId of any record in the batch`, {
        context: { itemIdentifier: id },
      });
    }
    failed.add(id);
  }
  return failed;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `"${value}"` : typeof value;
}
