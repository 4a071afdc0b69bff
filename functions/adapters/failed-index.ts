import { JOBS_TABLE } from '../core/table-schema';
import type { FinishSpec } from './finish-attempt';

/** The failed index's key attributes, for `REMOVE` clauses. */
export const FAILED_INDEX_KEYS = [JOBS_TABLE.failedIndex.partitionKey, JOBS_TABLE.failedIndex.sortKey] as const;

/**
 * A failing transition that also enters the job in the failed index: the
 * partition is the job's own `queue` attribute (copied in the same update, so
 * the caller need not know it) and the sort key the failure time in epoch ms.
 *
 * @example
 * finishAttempt(context, withFailedIndex(failSpec(ref, outcome), outcome.now));
 */
export function withFailedIndex(spec: FinishSpec, failedAt: Date): FinishSpec {
  return {
    ...spec,
    set: [...spec.set, '#failedPk = #queue', '#failedAt = :failedAtMs'],
    names: {
      ...spec.names,
      '#failedPk': JOBS_TABLE.failedIndex.partitionKey,
      '#failedAt': JOBS_TABLE.failedIndex.sortKey,
      '#queue': 'queue',
    },
    values: { ...spec.values, ':failedAtMs': failedAt.getTime() },
  };
}
