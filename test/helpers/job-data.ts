import { exampleDataOf } from '../../local/cloud/sample-job';

/**
 * Job data a catalog queue accepts: its data schema's example, with `fields`
 * laid over it (the schemas keep fields they do not name, so a test's own
 * markers and target instructions ride along); for a queue without a data
 * schema, `fields` alone.
 *
 * @example
 * postJob('email', { data: dataFor('email', { n: 1 }) });
 */
export function dataFor(queue: string, fields: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  return { ...exampleDataOf(queue), ...fields };
}
