import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, METRICS_SERVICE } from './emf-metrics';

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
  private readonly metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });

  public publish(counts: StuckCounts): void {
    const kinds = Object.values(counts);
    const stuck = kinds.reduce((sum, kind) => sum + kind.stuck, 0);
    const repaired = kinds.reduce((sum, kind) => sum + kind.repaired, 0);
    this.metrics.addMetric('StuckJobs', MetricUnit.Count, stuck);
    this.metrics.addMetric('StuckJobsRepaired', MetricUnit.Count, repaired);
    this.metrics.addMetric(STUCK_UNREPAIRED_METRIC, MetricUnit.Count, stuck - repaired);
    this.metrics.publishStoredMetrics();
  }
}
