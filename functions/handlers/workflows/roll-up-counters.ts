import type { Logger } from '@aws-lambda-powertools/logger';
import type { Clock } from '../../adapters/clock';
import type { HourRollup } from '../../adapters/dynamodb-counter-rollup';
import type { QueueSettings } from '../../core/runtime-config';

/** What rolling up the queues' counters needs. */
export interface CounterRollupDeps {
  /** The queues whose counters are rolled up. */
  readonly settings: readonly Pick<QueueSettings, 'name'>[];
  readonly rollup: HourRollup;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * Sums each queue's finished hours of minute counters into hour items (see
 * `DynamoDbCounterRollup`), every queue at once; run by the reconciler
 * alongside its own work. A queue whose rollup fails is logged and left for
 * the next run: its totals count its minutes meanwhile, so nothing is lost,
 * only read at more cost. Answers the hour items written.
 */
export async function rollUpCounters(deps: CounterRollupDeps): Promise<number> {
  const now = deps.clock.now();
  const written = await Promise.all(
    deps.settings.map(async ({ name }) => {
      try {
        return await deps.rollup.rollUpHours(name, now);
      } catch (error) {
        deps.logger.warn('counter hours not rolled up: the totals read their minutes until the next run', { queue: name, error: error as Error });
        return 0;
      }
    }),
  );
  return written.reduce((sum, count) => sum + count, 0);
}
