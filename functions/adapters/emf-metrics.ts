import { emfRecord, type EmfMetric } from '../core/emf';

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
 * Writes one EMF record as a line on standard output, where Lambda sends it
 * to CloudWatch Logs (the way a metrics library does, without its weight).
 */
export function writeEmf(dimensions: Readonly<Record<string, string>>, metrics: readonly EmfMetric[], now: Date = new Date()): void {
  process.stdout.write(`${JSON.stringify(emfRecord(METRICS_NAMESPACE, { service: METRICS_SERVICE, ...dimensions }, metrics, now.getTime()))}\n`);
}

/**
 * Batch metrics as CloudWatch embedded metric format lines, in namespace
 * `JobPipeline` with dimensions `service` and `queue`: JobsCompleted,
 * JobsFailed, JobsRetried, JobsDeadLettered (counts), ProcessingTime and
 * QueueWait (milliseconds, one value per attempt). One line per batch.
 */
export class EmfBatchMetrics implements BatchMetrics {
  public publish(queue: string, summary: BatchSummary): void {
    writeEmf({ queue }, [
      { name: 'JobsCompleted', unit: 'Count', values: summary.completed },
      { name: 'JobsFailed', unit: 'Count', values: summary.failed },
      { name: 'JobsRetried', unit: 'Count', values: summary.retried },
      { name: 'JobsDeadLettered', unit: 'Count', values: summary.deadLettered },
      { name: 'ProcessingTime', unit: 'Milliseconds', values: summary.processingMs },
      { name: 'QueueWait', unit: 'Milliseconds', values: summary.queueWaitMs },
    ]);
  }
}

/** The metric counting circuit breakers that opened, per queue (not per endpoint: a metric per endpoint would cost one each). */
export const CIRCUIT_OPENED_METRIC = 'EndpointCircuitOpened';

/** Publishes the endpoint breakers' events. */
export interface CircuitMetrics {
  /** A circuit of an endpoint the queue delivers to opened (or opened again after a failed probe). */
  circuitOpened(queue: string): void;
}

/**
 * Breaker events as EMF lines, in namespace `JobPipeline` with dimensions
 * `service` and `queue`: {@link CIRCUIT_OPENED_METRIC} (count), one line per
 * opening. Which endpoint opened is in the consumer's log beside it.
 */
export class EmfCircuitMetrics implements CircuitMetrics {
  public circuitOpened(queue: string): void {
    writeEmf({ queue }, [{ name: CIRCUIT_OPENED_METRIC, unit: 'Count', values: 1 }]);
  }
}
