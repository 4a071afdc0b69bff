import { writeEmf } from './emf-metrics';

/** The kinds of stuck job the detector finds. */
export type StuckKind = 'waiting' | 'delayed' | 'active';

/** What one detector run found, by kind: stuck, of which repaired. */
export type StuckCounts = Record<StuckKind, { readonly stuck: number; readonly repaired: number }>;

/** Publishes a run's counts (EMF: `StuckJobs`, `StuckJobsRepaired`, `StuckJobsUnrepaired`). */
export interface StuckMetrics {
  publish(counts: StuckCounts): void;
}

/** The metric the stuck-jobs alarm watches: stuck jobs the detector could not repair. */
export const STUCK_UNREPAIRED_METRIC = 'StuckJobsUnrepaired';

/**
 * A detector run's counts as one EMF line in namespace `JobPipeline`,
 * dimension `service` only (one alarm watches the whole pipeline): StuckJobs,
 * StuckJobsRepaired and StuckJobsUnrepaired, summed over the kinds. Every
 * run publishes, zeros included, so the alarm sees data and not silence.
 */
export class EmfStuckMetrics implements StuckMetrics {
  public publish(counts: StuckCounts): void {
    const kinds = Object.values(counts);
    const stuck = kinds.reduce((sum, kind) => sum + kind.stuck, 0);
    const repaired = kinds.reduce((sum, kind) => sum + kind.repaired, 0);
    writeEmf({}, [
      { name: 'StuckJobs', unit: 'Count', values: stuck },
      { name: 'StuckJobsRepaired', unit: 'Count', values: repaired },
      { name: STUCK_UNREPAIRED_METRIC, unit: 'Count', values: stuck - repaired },
    ]);
  }
}
