import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Clock } from '../adapters/clock';
import { cachedPause, DynamoDbPauseStore } from '../adapters/pause-store';
import { stopOwnMappings } from './consumer-mapping-stop';
import { throttledStop, type PauseGuard } from './workflows/paused-batch';

/** Where a consumer's pause guard reads and acts. */
export interface ConsumerPauseOptions {
  readonly dynamodb: DynamoDBClient;
  readonly tableName: string;
  readonly queue: string;
  /** The consumer's own function name (Lambda's `AWS_LAMBDA_FUNCTION_NAME`); without it the mappings are left alone. */
  readonly functionName?: string;
  readonly clock: Clock;
}

/**
 * A consumer's pause guard: its queue's pause item read at most every few
 * seconds per container, and its own mappings disabled again (at most once a
 * minute) when a batch of a paused queue reaches it. The function's role
 * needs `lambda:ListEventSourceMappings` and `lambda:UpdateEventSourceMapping`
 * on its mappings for the second; without them the call fails, is logged, and
 * every batch is still handed back.
 *
 * @example
 * const pause = consumerPauseGuard({ dynamodb, tableName: 'jobs', queue: 'payments', functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, clock: systemClock });
 */
export function consumerPauseGuard(options: ConsumerPauseOptions): PauseGuard {
  const store = new DynamoDbPauseStore({ client: options.dynamodb, tableName: options.tableName });
  const functionName = options.functionName;
  if (functionName === undefined || functionName === '') return { isPaused: cachedPause(store, options.queue, options.clock) };
  return {
    isPaused: cachedPause(store, options.queue, options.clock),
    // Imported statically: a dynamic import() in a single-file bundle wraps every module behind it (the
    // Lambda client's) in a lazy initializer named by its path, about 25 KB more, and measured no faster to load.
    // Listed by the ARN the function was invoked by: an alias's mappings (provisioned concurrency) are the alias's, not the function's.
    stopMappings: throttledStop((invokedFunctionArn) => stopOwnMappings(invokedFunctionArn ?? functionName), () => options.clock.now().getTime()),
  };
}
