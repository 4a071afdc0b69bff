import { BatchWriteCommand, type BatchWriteCommandOutput } from '@aws-sdk/lib-dynamodb';
import { PipelineError } from '../core/errors';
import type { StoreContext } from './conditional-update';
import { storeFailure } from './dynamodb-errors';
import { createJob } from './job-create';
import type { NewJob } from './job-store';
import { newJobItems } from './new-job-item';

/** The most puts DynamoDB takes in one `BatchWriteItem`. */
export const BATCH_WRITE_MAX_ITEMS = 25;

/** Tries of a chunk's unprocessed puts, the first included, before their jobs are refused. */
export const UNPROCESSED_TRIES = 6;

/** The first wait before putting unprocessed items again, doubled each try and jittered (0.5–1.5 ×). */
export const UNPROCESSED_FIRST_WAIT_MS = 25;

/** What {@link createUnindexedJobs} may be given in place of the real wait and jitter, for tests. */
export interface BatchCreateOptions {
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/**
 * Creates unindexed jobs (`NewJob.unindexed`: a fresh random id, no dedup
 * key, its message sent right after) in `BatchWriteItem` calls of up to 25, so
 * a batch of 100 costs 4 round trips rather than 100. Resolves to each job's
 * failure, or undefined where its record was written, in the order given.
 *
 * A batch put carries no condition, and none is needed here: the id is new,
 * so the only item it could meet is this same put's own earlier copy (an SDK
 * retry whose first answer was lost). Nobody else knows the id before the
 * `202`, and the caller sends the message only after this resolves, so no
 * claim or cancel can have written the record in between.
 * The write units are the same as conditional puts'. Puts DynamoDB leaves
 * unprocessed (throttling) are tried again with backoff, up to
 * {@link UNPROCESSED_TRIES} times; the jobs still unwritten then fail.
 *
 * A job whose payload needs its own item goes through the single create
 * (`createJob`), so its payload and state item are never split between a
 * write that landed and one that did not.
 *
 * @throws PipelineError when a job is not unindexed (any other needs the conditional put of `createJob`)
 * @example
 * const failures = await createUnindexedJobs(context, newJobs);
 * const written = newJobs.filter((_, index) => failures[index] === undefined);
 */
export async function createUnindexedJobs(context: StoreContext, jobs: readonly NewJob[], options: BatchCreateOptions = {}): Promise<(Error | undefined)[]> {
  const failures = new Array<Error | undefined>(jobs.length).fill(undefined);
  const batched: { index: number; item: Record<string, unknown> }[] = [];
  const single: Promise<void>[] = [];
  const stray = jobs.find((job) => job.unindexed !== true);
  if (stray !== undefined) throw new PipelineError('a batch create takes unindexed jobs only', { context: { jobId: stray.message.jobId } });
  jobs.forEach((job, index) => {
    const items = newJobItems(job);
    if (items.payload === undefined) {
      batched.push({ index, item: items.state });
      return;
    }
    single.push(
      createJob(context, job).then(
        (outcome) => {
          // A new random id has no twin; should one ever answer, the job is not accepted as new.
          if (!outcome.created) failures[index] = new PipelineError('job store create met a twin of a new id', { context: { jobId: job.message.jobId } });
        },
        (error: unknown) => {
          failures[index] = error instanceof Error ? error : storeFailure('create', error, { jobId: job.message.jobId });
        },
      ),
    );
  });
  const chunks: (typeof batched)[] = [];
  for (let start = 0; start < batched.length; start += BATCH_WRITE_MAX_ITEMS) chunks.push(batched.slice(start, start + BATCH_WRITE_MAX_ITEMS));
  await Promise.all([
    ...single,
    ...chunks.map(async (chunk) => {
      for (const [index, error] of await writeChunk(context, chunk, options)) failures[index] = error;
    }),
  ]);
  return failures;
}

/** Puts one chunk, again and again for what DynamoDB leaves unprocessed; resolves to the failures by job index. */
async function writeChunk(
  context: StoreContext,
  chunk: readonly { index: number; item: Record<string, unknown> }[],
  options: BatchCreateOptions,
): Promise<Map<number, Error>> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const indexOfKey = new Map(chunk.map(({ index, item }) => [keyOf(item), index]));
  let pending = chunk.map(({ item }) => item);
  for (let attempt = 1; pending.length > 0; attempt++) {
    let output: BatchWriteCommandOutput;
    try {
      output = await context.doc.send(
        new BatchWriteCommand({ RequestItems: { [context.tableName]: pending.map((item) => ({ PutRequest: { Item: item } })) } }),
      );
    } catch (error) {
      return failuresOf(pending, indexOfKey, (item) => storeFailure('create', error, { jobId: item.job_id }));
    }
    pending = (output.UnprocessedItems?.[context.tableName] ?? []).flatMap((request) => (request.PutRequest?.Item === undefined ? [] : [request.PutRequest.Item]));
    if (pending.length === 0) break;
    if (attempt >= UNPROCESSED_TRIES) {
      return failuresOf(pending, indexOfKey, (item) => new PipelineError(`job store create failed: left unprocessed ${UNPROCESSED_TRIES} times`, { context: { operation: 'create', jobId: item.job_id } }));
    }
    await sleep(UNPROCESSED_FIRST_WAIT_MS * 2 ** (attempt - 1) * (0.5 + random()));
  }
  return new Map();
}

/** The failure of each job whose item is among `items`, by job index. */
function failuresOf(items: readonly Record<string, unknown>[], indexOfKey: ReadonlyMap<string, number>, failure: (item: Record<string, unknown>) => Error): Map<number, Error> {
  const failures = new Map<number, Error>();
  for (const item of items) {
    const index = indexOfKey.get(keyOf(item));
    if (index !== undefined) failures.set(index, failure(item));
  }
  return failures;
}

/** An item's primary key as one string. */
function keyOf(item: Record<string, unknown>): string {
  return `${String(item.pk)}\u0000${String(item.sk)}`;
}
