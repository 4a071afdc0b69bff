/**
 * CloudWatch embedded metric format (EMF): one JSON log line that CloudWatch
 * Logs turns into metrics, with no API call. Built here by hand (a few lines
 * of JSON) rather than by a metrics library, which would weigh on every
 * consumer's cold start.
 */

/** The units this pipeline's metrics use. */
export type EmfUnit = 'Count' | 'Milliseconds';

/** One metric of a line: a single value or up to 100 values (each a sample). */
export interface EmfMetric {
  readonly name: string;
  readonly unit: EmfUnit;
  readonly values: number | readonly number[];
}

/** CloudWatch takes at most this many values of one metric in one line. */
export const EMF_MAX_VALUES = 100;

/**
 * One EMF record: the metrics in `namespace`, all under the one dimension set
 * made of `dimensions`' names (their values are top-level keys). A metric
 * with no values is left out; more than {@link EMF_MAX_VALUES} values are
 * cut to that many.
 *
 * @example
 * emfRecord('JobPipeline', { service: 'job-pipeline', queue: 'email' }, [{ name: 'JobsCompleted', unit: 'Count', values: 3 }], 1700000000000);
 * // { _aws: { Timestamp: 1700000000000, CloudWatchMetrics: [{ Namespace: 'JobPipeline', Dimensions: [['service', 'queue']],
 * //   Metrics: [{ Name: 'JobsCompleted', Unit: 'Count' }] }] }, service: 'job-pipeline', queue: 'email', JobsCompleted: 3 }
 */
export function emfRecord(namespace: string, dimensions: Readonly<Record<string, string>>, metrics: readonly EmfMetric[], timestampMs: number): Record<string, unknown> {
  const present = metrics.filter((metric) => typeof metric.values === 'number' || metric.values.length > 0);
  const record: Record<string, unknown> = {
    _aws: {
      Timestamp: timestampMs,
      CloudWatchMetrics: [{ Namespace: namespace, Dimensions: [Object.keys(dimensions)], Metrics: present.map((metric) => ({ Name: metric.name, Unit: metric.unit })) }],
    },
    ...dimensions,
  };
  for (const metric of present) {
    record[metric.name] = typeof metric.values === 'number' ? metric.values : metric.values.slice(0, EMF_MAX_VALUES);
  }
  return record;
}
