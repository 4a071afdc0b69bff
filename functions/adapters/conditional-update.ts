import { GetCommand, UpdateCommand, type DynamoDBDocumentClient, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed, oldItemOf, storeFailure } from './dynamodb-errors';
import { parseStateItem, type StateItem } from './job-item';
import { stateKey } from './job-keys';

/** The table a job store writes to, and the client it writes with. */
export interface StoreContext {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** The parts of an update a transition chooses; the key, table and return values are fixed. */
export type TransitionUpdate = Pick<
  UpdateCommandInput,
  'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
>;

/** A conditional update's outcome: the item after it, or the item that refused it (undefined: no item). */
export type UpdateOutcome =
  | { readonly applied: true; readonly item: Record<string, unknown> }
  | { readonly applied: false; readonly current: StateItem | undefined };

/** A strongly consistent read of a job's state item, parsed. */
export async function readState(context: StoreContext, jobId: string): Promise<StateItem | undefined> {
  try {
    const { Item } = await context.doc.send(
      new GetCommand({ TableName: context.tableName, Key: stateKey(jobId), ConsistentRead: true }),
    );
    return Item === undefined ? undefined : parseStateItem(Item);
  } catch (error) {
    throw storeFailure('get', error, { jobId });
  }
}

/**
 * One conditional update of a job's state item. A refusal comes back with the
 * item as it was (`ALL_OLD` on the failed condition), so explaining it costs no
 * extra read; only when the service returns no old item (the item is missing,
 * or an emulator does not support the option) is the item read once.
 */
export async function conditionalUpdate(
  context: StoreContext,
  jobId: string,
  operation: string,
  update: TransitionUpdate,
): Promise<UpdateOutcome> {
  try {
    const { Attributes } = await context.doc.send(
      new UpdateCommand({
        TableName: context.tableName,
        Key: stateKey(jobId),
        ...update,
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    if (Attributes === undefined) throw storeFailure(operation, new Error('update returned no attributes'), { jobId });
    return { applied: true, item: Attributes };
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw storeFailure(operation, error, { jobId });
    const old = oldItemOf(error);
    return { applied: false, current: old === undefined ? await readState(context, jobId) : parseStateItem(old) };
  }
}
