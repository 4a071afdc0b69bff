import { describe, expect, it } from 'vitest';
import { itemSize } from '../../../functions/adapters/item-size';
import { newJobItems } from '../../../functions/adapters/new-job-item';
import {
  DYNAMODB_MAX_ITEM_BYTES,
  LAMBDA_REQUEST_PAYLOAD_BYTES,
  MAX_REQUEST_BODY_BYTES,
  MAX_STORABLE_PAYLOAD_BYTES,
  PAYLOAD_ITEM_OVERHEAD_BYTES,
  ingestBodyLimit,
} from '../../../functions/core/limits';
import { aJobMessage, aNewJob } from '../../helpers/factories';

/** A job whose data serializes to exactly `bytes` bytes, with ids at the longest the limit allows for. */
function aJobWithDataOf(bytes: number) {
  const data = 'x'.repeat(bytes - 2); // JSON adds the two quotes
  const longId = 'i'.repeat(128);
  return aNewJob({ message: aJobMessage({ jobId: longId, runId: longId, data }), dueAt: new Date('2099-12-31T23:59:59Z'), payloadBytes: bytes });
}

describe('MAX_STORABLE_PAYLOAD_BYTES', () => {
  it('is 398 KiB: 400 KB less the payload item overhead and a margin, in whole KiB', () => {
    expect(MAX_STORABLE_PAYLOAD_BYTES).toBe(398 * 1024);
    expect(MAX_STORABLE_PAYLOAD_BYTES + PAYLOAD_ITEM_OVERHEAD_BYTES).toBeLessThan(DYNAMODB_MAX_ITEM_BYTES);
  });

  it('fits a payload of that size, in the item the job store writes, within a DynamoDB item', () => {
    // Act
    const { payload } = newJobItems(aJobWithDataOf(MAX_STORABLE_PAYLOAD_BYTES));

    // Assess
    expect(payload).toBeDefined();
    const size = itemSize(payload ?? {});
    expect(size).toBeLessThanOrEqual(DYNAMODB_MAX_ITEM_BYTES);
    expect(size - MAX_STORABLE_PAYLOAD_BYTES).toBeLessThanOrEqual(PAYLOAD_ITEM_OVERHEAD_BYTES);
  });

  it('counts every attribute of the payload item: a new one must be added to the overhead', () => {
    // Act
    const { payload } = newJobItems(aJobWithDataOf(10_000));

    // Assess
    expect(Object.keys(payload ?? {}).sort()).toEqual(['expires_at', 'job_id', 'payload', 'pk', 'run_id', 'sk']);
  });
});

describe('request limits', () => {
  it("keep the ingest's body limit under Lambda's 6 MB request payload, with room for the event around it", () => {
    expect(LAMBDA_REQUEST_PAYLOAD_BYTES).toBe(6_291_456);
    expect(MAX_REQUEST_BODY_BYTES).toBeLessThan(LAMBDA_REQUEST_PAYLOAD_BYTES);
    expect(LAMBDA_REQUEST_PAYLOAD_BYTES - MAX_REQUEST_BODY_BYTES).toBeGreaterThanOrEqual(LAMBDA_REQUEST_PAYLOAD_BYTES / 6);
  });

  it('reads one job as its data plus envelope, a batch as 100 of them, capped at the request limit', () => {
    expect(ingestBodyLimit(1024, false)).toBe(1024 + 16 * 1024);
    expect(ingestBodyLimit(1024, true)).toBe(100 * (1024 + 16 * 1024));
    expect(ingestBodyLimit(MAX_STORABLE_PAYLOAD_BYTES, false)).toBe(MAX_STORABLE_PAYLOAD_BYTES + 16 * 1024);
    // 100 jobs of 398 KiB would be about 40 MB: the batch limit is the request limit then.
    expect(ingestBodyLimit(MAX_STORABLE_PAYLOAD_BYTES, true)).toBe(MAX_REQUEST_BODY_BYTES);
  });
});
