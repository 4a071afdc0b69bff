import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { TransitionConflictError } from '../core/errors';
import { JOB_STATUS } from '../core/job';
import { readState, type StoreContext } from './conditional-update';
import { isConditionalCheckFailed, oldItemOf, storeFailure } from './dynamodb-errors';
import { jobRecordFromItem, jobRecordOf, parseStateItem } from './job-item';
import type { CreateOutcome, NewJob } from './job-store';
import { newJobItems } from './new-job-item';

/**
 * Creates a job (`JobStore.create`): writes the payload item first (if the
 * payload is too large to sit inline), then the state item unless a live
 * twin holds the id (or, with `dedupAcrossFinished`, any twin). A refusal
 * carries the twin, so a duplicate costs no extra read.
 *
 * @example
 * const outcome = await createJob(context, newJob);
 * if (!outcome.created) return outcome.existing;
 */
export async function createJob(context: StoreContext, job: NewJob): Promise<CreateOutcome> {
  const { jobId } = job.message;
  const items = newJobItems(job);
  try {
    if (items.payload !== undefined) {
      await context.doc.send(new PutCommand({ TableName: context.tableName, Item: items.payload }));
    }
    await context.doc.send(
      new PutCommand({
        TableName: context.tableName,
        Item: items.state,
        // Unindexed: a new id, so a twin can only be this run's own write (the SDK's retry of it).
        ...(job.dedupAcrossFinished === true || job.unindexed === true
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: 'attribute_not_exists(pk) OR #status IN (:completed, :failed, :cancelled)',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':completed': JOB_STATUS.completed, ':failed': JOB_STATUS.failed, ':cancelled': JOB_STATUS.cancelled },
            }),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { created: true, job: jobRecordFromItem(items.state) };
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw storeFailure('create', error, { jobId });
    const old = oldItemOf(error);
    const existing = old === undefined ? await readState(context, jobId) : parseStateItem(old);
    // Our own write: it was applied, its answer lost (a 500 after the write), and the SDK's retry
    // met it. It is this run, not a twin: its payload stays, and the caller goes on to send it.
    if (existing?.run_id === job.message.runId) return { created: true, job: jobRecordOf(existing) };
    if (items.payload !== undefined) await forgetPayload(context, items.payload);
    // The twin vanished between the refusal and the read (TTL): the caller may try again.
    if (existing === undefined) throw new TransitionConflictError(jobId, 'create', { cause: error });
    return { created: false, existing: jobRecordOf(existing) };
  }
}

/** The payload item of a run that lost to a live twin is nobody's: drop it, or let TTL do it. */
async function forgetPayload(context: StoreContext, item: Record<string, unknown>): Promise<void> {
  try {
    await context.doc.send(new DeleteCommand({ TableName: context.tableName, Key: { pk: item.pk, sk: item.sk } }));
  } catch {
    // Best effort: the item carries an expiry, so a failed delete only costs storage until then.
  }
}
