import { MAX_BATCH_JOBS } from './job-request';
import { ITEM_KEY, JOBS_TABLE } from './table-schema';

/**
 * The size limits a job meets on its way in, in one place so the edge, the
 * ingest function and the catalog agree:
 *
 * - API Gateway (REST) takes a body up to 10 MB, but its Lambda proxy event
 *   must fit Lambda's 6 MB request payload ({@link LAMBDA_REQUEST_PAYLOAD_BYTES});
 * - the ingest function takes a body up to {@link MAX_REQUEST_BODY_BYTES};
 * - a queue's `maxPayloadBytes` is at most {@link MAX_STORABLE_PAYLOAD_BYTES},
 *   what one DynamoDB item can keep.
 */

/**
 * Lambda's request payload limit for a synchronous invocation: 6 MB
 * (6,291,456 bytes), for the whole event as JSON. A larger event is refused
 * with `RequestEntityTooLargeException` before the function runs.
 */
export const LAMBDA_REQUEST_PAYLOAD_BYTES = 6 * 1024 * 1024;

/**
 * The largest request body the ingest function accepts: 5 MiB. The proxy
 * event carries the body as a JSON string (each quote, backslash and newline
 * in it escaped, so it grows), the headers twice and the request context; a
 * fifth of Lambda's 6 MB is left for them, so a body under this limit reaches
 * the function, which refuses it with a 413 naming the limit. A body whose
 * event still does not fit is refused by API Gateway itself (413).
 */
export const MAX_REQUEST_BODY_BYTES = 5 * 1024 * 1024;

/** DynamoDB's item size limit: 400 KB, attribute names and key values included. */
export const DYNAMODB_MAX_ITEM_BYTES = 400 * 1024;

/**
 * The longest job or run id the payload item's size is worked out for. Ids are
 * 36-character UUIDs or 34-character dedup ids today; the bound leaves room
 * for longer ones (a partner prefix) without changing the limit.
 */
const MAX_ID_CHARS = 128;

/** DynamoDB stores a number in at most 21 bytes. */
const MAX_NUMBER_BYTES = 21;

/**
 * What the payload item (`pk`, `sk`, `job_id`, `run_id`, `payload`,
 * `expires_at`, see `new-job-item.ts`) holds besides the payload's own bytes:
 * its attribute names, its key values and ids at their longest, and the TTL
 * number at its largest.
 */
export const PAYLOAD_ITEM_OVERHEAD_BYTES = (() => {
  const names = [JOBS_TABLE.partitionKey, JOBS_TABLE.sortKey, 'job_id', 'run_id', 'payload', JOBS_TABLE.ttlAttribute];
  const nameBytes = names.reduce((sum, name) => sum + name.length, 0);
  const keyBytes = ITEM_KEY.jobPrefix.length + MAX_ID_CHARS + ITEM_KEY.payloadSortKeyPrefix.length + MAX_ID_CHARS;
  return nameBytes + keyBytes + 2 * MAX_ID_CHARS + MAX_NUMBER_BYTES;
})();

/** Room kept free in the payload item beyond the overhead counted above, for attributes added later. */
const PAYLOAD_ITEM_MARGIN_BYTES = 1024;

/**
 * The largest `maxPayloadBytes` a queue may set: 398 KiB (407,552 bytes). A
 * job's data (its JSON) is kept in the jobs table until the job is claimed,
 * in an item of its own when large, and a DynamoDB item holds at most 400 KB
 * with its keys and attribute names; the overhead and a margin come off, and
 * the result is rounded down to a whole KiB. An SQS message (1 MiB) carries
 * that much data with room to spare.
 */
export const MAX_STORABLE_PAYLOAD_BYTES =
  Math.floor((DYNAMODB_MAX_ITEM_BYTES - PAYLOAD_ITEM_OVERHEAD_BYTES - PAYLOAD_ITEM_MARGIN_BYTES) / 1024) * 1024;

/** Room for the request's own fields (name, priority, dedup key, …) around one job's `data`. */
export const JOB_ENVELOPE_BYTES = 16 * 1024;

/**
 * The largest body the ingest reads for a queue before refusing it unread
 * (413): one job's data plus its envelope, or a full batch of them, and never
 * more than {@link MAX_REQUEST_BODY_BYTES}, which a full batch of large jobs
 * exceeds.
 *
 * @example
 * ingestBodyLimit(256 * 1024, false); // 278528
 * ingestBodyLimit(256 * 1024, true); // 5242880, the request limit
 */
export function ingestBodyLimit(maxPayloadBytes: number, batch: boolean): number {
  const perJob = maxPayloadBytes + JOB_ENVELOPE_BYTES;
  return Math.min(batch ? perJob * MAX_BATCH_JOBS : perJob, MAX_REQUEST_BODY_BYTES);
}
