import { createSweeperHandler } from './factories/scheduled-handlers';
import { pipelineRuntime } from './runtime';

/** Lambda entry: the every-minute sweep of due delayed jobs. */
export const handler = createSweeperHandler(pipelineRuntime(process.env, 'sweeper'));
