import { describe, expect, it } from 'vitest';
import { EMF_MAX_VALUES, emfRecord } from '../../../functions/core/emf';

describe('emfRecord', () => {
  it('declares every metric with its unit under one dimension set, and carries the values and dimensions at the top', () => {
    // Act
    const record = emfRecord('JobPipeline', { service: 'job-pipeline', queue: 'email' }, [
      { name: 'JobsCompleted', unit: 'Count', values: 3 },
      { name: 'ProcessingTime', unit: 'Milliseconds', values: [12, 30] },
    ], 1_700_000_000_000);

    // Assess
    expect(record).toEqual({
      _aws: {
        Timestamp: 1_700_000_000_000,
        CloudWatchMetrics: [
          {
            Namespace: 'JobPipeline',
            Dimensions: [['service', 'queue']],
            Metrics: [
              { Name: 'JobsCompleted', Unit: 'Count' },
              { Name: 'ProcessingTime', Unit: 'Milliseconds' },
            ],
          },
        ],
      },
      service: 'job-pipeline',
      queue: 'email',
      JobsCompleted: 3,
      ProcessingTime: [12, 30],
    });
  });

  it('keeps a zero count (an alarm sees data, not silence) but leaves out a metric with no samples', () => {
    // Act
    const record = emfRecord('JobPipeline', { service: 's' }, [
      { name: 'JobsFailed', unit: 'Count', values: 0 },
      { name: 'QueueWait', unit: 'Milliseconds', values: [] },
    ], 0);

    // Assess
    expect(record.JobsFailed).toBe(0);
    expect(record).not.toHaveProperty('QueueWait');
    expect(JSON.stringify(record)).not.toContain('QueueWait');
  });

  it('cuts a metric to the most values CloudWatch takes in one line', () => {
    // Act
    const record = emfRecord('JobPipeline', { service: 's' }, [{ name: 'QueueWait', unit: 'Milliseconds', values: Array.from({ length: 150 }, (_, i) => i) }], 0);

    // Assess
    expect(record.QueueWait).toHaveLength(EMF_MAX_VALUES);
  });
});
