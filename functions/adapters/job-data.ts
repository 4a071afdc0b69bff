import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { StoreContext } from './conditional-update';
import { storeFailure } from './dynamodb-errors';
import { KEPT_PAYLOAD } from './job-item';
import { payloadKey, stateKey } from './job-keys';

/** A job's data as its owner reads it back: the value, or that it is no longer kept. */
export type JobData = { readonly available: true; readonly data: unknown } | { readonly available: false };

/** Where a job's data is read back from. */
export interface JobDataStore {
  /** The data of the job's run `runId`: from its state item when kept inline, else from its payload item. */
  readData(jobId: string, runId: string): Promise<JobData>;
}

/**
 * Reads a job's data: the state item's inline payload (kept, or not yet
 * dropped by the claim), else the run's payload item; at most two reads, and
 * only when asked (`?include=data`). An inbound callback's payload is its
 * original text: its JSON is the data (and the text itself, should it not
 * parse).
 */
export async function readJobData(context: StoreContext, jobId: string, runId: string): Promise<JobData> {
  try {
    const { Item: state } = await context.doc.send(
      new GetCommand({
        TableName: context.tableName,
        Key: stateKey(jobId),
        ConsistentRead: true,
        ProjectionExpression: 'run_id, payload, #kept',
        ExpressionAttributeNames: { '#kept': KEPT_PAYLOAD },
      }),
    );
    if (state === undefined || state.run_id !== runId) return { available: false };
    const inline = typeof state.payload === 'string' ? state.payload : typeof state[KEPT_PAYLOAD] === 'string' ? (state[KEPT_PAYLOAD] as string) : undefined;
    if (inline !== undefined) return dataOf(inline);
    const { Item: item } = await context.doc.send(new GetCommand({ TableName: context.tableName, Key: payloadKey(jobId, runId) }));
    return typeof item?.payload === 'string' ? dataOf(item.payload) : { available: false };
  } catch (error) {
    throw storeFailure('read data', error, { jobId });
  }
}

function dataOf(text: string): JobData {
  try {
    return { available: true, data: JSON.parse(text) as unknown };
  } catch {
    return { available: true, data: text };
  }
}
