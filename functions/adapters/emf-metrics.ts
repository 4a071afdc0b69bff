import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** Namespace of the pipeline's CloudWatch metrics. */
export const METRICS_NAMESPACE = 'JobPipeline';

/** The service dimension every metric carries beside `queue`. */
export const METRICS_SERVICE = 'job-pipeline';

/** What one consumer batch did, for CloudWatch. */
export interface BatchSummary {
  readonly completed: number;
  readonly failed: number;
  readonly retried: number;
  readonly deadLettered: number;
  /** Processing time of each attempt that ran, in ms. */
  readonly processingMs: readonly number[];
  /** For each attempt that started: how long its message had waited since it was sent, in ms. */
  readonly queueWaitMs: readonly number[];
}

/** Publishes a batch's metrics. */
export interface BatchMetrics {
  publish(queue: string, summary: BatchSummary): void;
}

/**
 * Batch metrics as CloudWatch embedded metric format lines (Powertools), in
 * namespace `JobPipeline` with dimensions `service` and `queue`: JobsCompleted,
 * JobsFailed, JobsRetried, JobsDeadLettered (counts), ProcessingTime and
 * QueueWait (milliseconds, one value per attempt). One line per batch.
 */
export class EmfBatchMetrics implements BatchMetrics {
  private readonly metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });

  public publish(queue: string, summary: BatchSummary): void {
    this.metrics.addDimension('queue', queue);
    this.metrics.addMetric('JobsCompleted', MetricUnit.Count, summary.completed);
    this.metrics.addMetric('JobsFailed', MetricUnit.Count, summary.failed);
    this.metrics.addMetric('JobsRetried', MetricUnit.Count, summary.retried);
    this.metrics.addMetric('JobsDeadLettered', MetricUnit.Count, summary.deadLettered);
    for (const value of summary.processingMs) this.metrics.addMetric('ProcessingTime', MetricUnit.Milliseconds, value);
    for (const value of summary.queueWaitMs) this.metrics.addMetric('QueueWait', MetricUnit.Milliseconds, value);
    this.metrics.publishStoredMetrics();
  }
}
