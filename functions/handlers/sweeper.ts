import { createSweeperHandler } from './factories/scheduled-handlers';
import { scheduledRuntime } from './scheduled-runtime';

/** Lambda entry: the every-minute sweep of due delayed jobs. */
export const handler = createSweeperHandler(scheduledRuntime(process.env, 'sweeper'));
