import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { PipelineError } from '../core/errors';

/**
 * Whether a DynamoDB call failed because its condition did not hold. Checked by
 * name so an error from another bundled copy of the SDK still counts.
 */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * The item as it was when a condition failed (`ReturnValuesOnConditionCheckFailure:
 * ALL_OLD`), unmarshalled; undefined when there was no item, or when the
 * service did not return it.
 */
export function oldItemOf(error: unknown): Record<string, unknown> | undefined {
  if (typeof error !== 'object' || error === null || !('Item' in error)) return undefined;
  const item: unknown = error.Item;
  if (typeof item !== 'object' || item === null || Object.keys(item).length === 0) return undefined;
  return unmarshall(item as Record<string, AttributeValue>);
}

/**
 * Wraps an unexpected DynamoDB failure (throttling, network, validation) in a
 * `PipelineError` that names the operation, keeping the SDK error as its cause.
 */
export function storeFailure(operation: string, error: unknown, context: Record<string, unknown> = {}): PipelineError {
  if (error instanceof PipelineError) return error;
  const name = error instanceof Error ? error.name : typeof error;
  return new PipelineError(`job store ${operation} failed: ${name}`, { cause: error, context: { operation, ...context } });
}
