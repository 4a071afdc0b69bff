import { LambdaClient } from '@aws-sdk/client-lambda';
import { LambdaEventSourceControl } from '../adapters/event-source-control';

/**
 * Disables every event source mapping of `functionName` (a name, or an ARN:
 * an alias's ARN names the alias's mappings): what a consumer does
 * when a batch of a paused queue reaches it. Only the client and the two
 * commands the control sends are in the consumer's bundle; the client is
 * built only when a paused batch calls for a stop, never at cold start.
 *
 * @example
 * await stopOwnMappings(process.env.AWS_LAMBDA_FUNCTION_NAME ?? '');
 */
export async function stopOwnMappings(functionName: string): Promise<void> {
  await new LambdaEventSourceControl({ client: new LambdaClient({}) }).setEnabled(functionName, false);
}
