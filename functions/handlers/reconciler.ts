import { createReconcilerHandler } from './factories/scheduled-handlers';
import { pipelineRuntime } from './runtime';

const runtime = pipelineRuntime(process.env, 'reconciler');

/** Lambda entry: re-sends jobs accepted but never claimed. */
export const handler = createReconcilerHandler(runtime, runtime.config.RECONCILE_AFTER_SECONDS);
