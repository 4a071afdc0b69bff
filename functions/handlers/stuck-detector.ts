import { createStuckDetectorHandler } from './factories/scheduled-handlers';
import { scheduledRuntime } from './scheduled-runtime';

/** Lambda entry: finds, repairs and counts jobs stuck in a state that is not final. */
export const handler = createStuckDetectorHandler(scheduledRuntime(process.env, 'stuck-detector'));
