import { createConsumerHandler } from './factories/consumer-handler';
import { consumerRuntime } from './consumer-runtime';

/** Lambda entry: one queue's consumer, all its lanes. */
export const handler = createConsumerHandler(consumerRuntime(process.env));
