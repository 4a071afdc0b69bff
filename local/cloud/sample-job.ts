import { DATA_SCHEMAS } from '../../functions/core/data-schemas';
import { catalog } from '../../lib/catalog';

/** The job the ready report suggests posting: a queue and the data that queue accepts. */
export interface SampleJob {
  readonly queue: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** The queue the sample goes to when the cloud has it: its data shows what a job looks like. */
const PREFERRED_QUEUE = 'email';

/**
 * Data a catalog queue accepts: its data schema's example, or an empty
 * object for a queue without a data schema (or one the catalog lacks).
 *
 * @example
 * exampleDataOf('email'); // { to: 'user@example.com', subject: 'Your order has shipped', … }
 */
export function exampleDataOf(queue: string, entries: readonly Pick<(typeof catalog)[number], 'name' | 'dataSchema'>[] = catalog): Record<string, unknown> {
  const schema = entries.find((entry) => entry.name === queue)?.dataSchema;
  return schema === undefined ? {} : { ...(DATA_SCHEMAS[schema].example as Record<string, unknown>) };
}

/**
 * The sample job for a cloud running `queues`: on `email` when it runs one,
 * else on its first queue, with data the queue's schema accepts.
 *
 * @example
 * sampleJob(['payments', 'email']); // { queue: 'email', data: { to: 'user@example.com', … } }
 */
export function sampleJob(queues: readonly string[], entries: readonly Pick<(typeof catalog)[number], 'name' | 'dataSchema'>[] = catalog): SampleJob {
  const queue = queues.includes(PREFERRED_QUEUE) ? PREFERRED_QUEUE : (queues[0] ?? '<queue>');
  const data = exampleDataOf(queue, entries);
  return { queue, data: Object.keys(data).length > 0 ? data : { hello: 'world' } };
}
