import { createReconcilerHandler } from './factories/scheduled-handlers';
import { scheduledRuntime } from './scheduled-runtime';

/** Lambda entry: re-sends jobs accepted but never claimed. */
export const handler = createReconcilerHandler(scheduledRuntime(process.env, 'reconciler'));
