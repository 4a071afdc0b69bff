import { LambdaClient } from '@aws-sdk/client-lambda';
import { LambdaEventSourceControl } from '../adapters/event-source-control';

/**
 * Disables every event source mapping of `functionName`: what a consumer does
 * when a batch of a paused queue reaches it. `consumer-pause.ts` loads this
 * file with a dynamic `import()` on first use, so the Lambda client it names
 * (only the client and the two commands the control sends, not the whole
 * package as an `import('@aws-sdk/client-lambda')` would keep) is evaluated
 * only by a consumer that meets a paused batch, never at its cold start.
 *
 * @example
 * await stopOwnMappings(process.env.AWS_LAMBDA_FUNCTION_NAME ?? '');
 */
export async function stopOwnMappings(functionName: string): Promise<void> {
  await new LambdaEventSourceControl({ client: new LambdaClient({}) }).setEnabled(functionName, false);
}
