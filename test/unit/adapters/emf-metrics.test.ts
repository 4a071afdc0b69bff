import { afterEach, describe, expect, it, vi } from 'vitest';
import { CIRCUIT_OPENED_METRIC, EmfBatchMetrics, EmfCircuitMetrics, METRICS_NAMESPACE } from '../../../functions/adapters/emf-metrics';
import { EmfStuckMetrics } from '../../../functions/adapters/stuck-metrics';

function capturedLines(): { lines: () => Record<string, unknown>[] } {
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  return { lines: () => write.mock.calls.map(([chunk]) => JSON.parse(String(chunk)) as Record<string, unknown>) };
}

afterEach(() => vi.restoreAllMocks());

describe('EMF writers', () => {
  it('writes one line per batch, by queue, with counts and one sample per attempt', () => {
    // Prepare
    const out = capturedLines();

    // Act
    new EmfBatchMetrics().publish('email', { completed: 2, failed: 1, retried: 0, deadLettered: 1, processingMs: [10, 20, 30], queueWaitMs: [5] });

    // Assess
    const [line, ...rest] = out.lines();
    expect(rest).toEqual([]);
    expect(line).toMatchObject({ service: 'job-pipeline', queue: 'email', JobsCompleted: 2, JobsFailed: 1, JobsRetried: 0, JobsDeadLettered: 1, ProcessingTime: [10, 20, 30], QueueWait: [5] });
    expect(line?._aws).toMatchObject({ CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: [['service', 'queue']] }] });
  });

  it('writes a detector run\'s counts under the service dimension only, zeros included', () => {
    // Prepare
    const out = capturedLines();

    // Act
    new EmfStuckMetrics().publish({ waiting: { stuck: 2, repaired: 2 }, delayed: { stuck: 0, repaired: 0 }, active: { stuck: 1, repaired: 0 } });

    // Assess
    const [line] = out.lines();
    expect(line).toMatchObject({ service: 'job-pipeline', StuckJobs: 3, StuckJobsRepaired: 2, StuckJobsUnrepaired: 1 });
    expect(line?._aws).toMatchObject({ CloudWatchMetrics: [{ Dimensions: [['service']] }] });
  });

  it('counts an opened endpoint circuit by queue, with no endpoint dimension', () => {
    // Prepare
    const out = capturedLines();

    // Act
    new EmfCircuitMetrics().circuitOpened('webhook-delivery');

    // Assess
    const [line, ...rest] = out.lines();
    expect(rest).toEqual([]);
    expect(line).toMatchObject({ service: 'job-pipeline', queue: 'webhook-delivery', [CIRCUIT_OPENED_METRIC]: 1 });
    expect(line?._aws).toMatchObject({
      CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: [['service', 'queue']], Metrics: [{ Name: 'EndpointCircuitOpened', Unit: 'Count' }] }],
    });
  });
});
