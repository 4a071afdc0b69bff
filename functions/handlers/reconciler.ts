import { createReconcilerHandler } from './factories/scheduled-handlers';
import { reconcilerRuntime } from './scheduled-runtime';

/** Lambda entry: re-sends jobs accepted but never claimed, and rolls up the queues' finished hours of counters. */
export const handler = createReconcilerHandler(reconcilerRuntime(process.env));
