import { describe, expect, it } from 'vitest';
import { failedTable, metricsTable, progressLine, queuesTable } from '../../../ops/format/views';
import { renderTable } from '../../../ops/format/table';

describe('renderTable', () => {
  it('pads columns to their widest cell, numbers to the right, and shows missing cells as -', () => {
    // Act
    const table = renderTable(
      [
        { heading: 'queue', cell: (row: { name: string; count: number | null }) => row.name },
        { heading: 'n', cell: (row) => row.count, align: 'right' },
      ],
      [
        { name: 'payments', count: 120 },
        { name: 'email', count: null },
      ],
    );

    // Assess
    expect(table.split('\n')).toEqual(['queue       n', '--------  ---', 'payments  120', 'email       -']);
  });

  it('says (none) for an empty list', () => {
    // Act / Assess
    expect(renderTable([{ heading: 'job', cell: (row: { id: string }) => row.id }], []).split('\n')).toEqual(['job', '---', '(none)']);
  });
});

describe('command views', () => {
  it('lists laned queues with one indented row per lane, and the note on message age', () => {
    // Prepare
    const body = {
      queues: [
        {
          queue: 'webhook-delivery', waiting: 3, active: 1, delayed: 0, completed_24h: 10, failed: 1, failed_24h: 2, retried_24h: 4, dlq: 2,
          dlq_oldest_age_seconds: 60, paused: true,
          lanes: [{ lane: 'urgent', waiting: 1, active: 0, delayed: 0 }, { lane: 'normal', waiting: 2, active: 1, delayed: 0 }],
        },
        { queue: 'email', waiting: 0, active: 0, delayed: 0, completed_24h: 0, failed: 0, failed_24h: 0, retried_24h: 0, dlq: 0, dlq_oldest_age_seconds: null, paused: false, lanes: [{ lane: 'default', waiting: 0, active: 0, delayed: 0 }] },
      ],
      notes: { oldest_message_age: 'not from SQS' },
    };

    // Act
    const lines = queuesTable(body).split('\n');

    // Assess
    expect(lines[0]).toMatch(/^queue\s+waiting\s+active\s+delayed\s+done 24h\s+failed\s+failed 24h\s+retried 24h\s+dlq\s+dlq age s\s+paused$/);
    expect(lines[2]).toMatch(/^webhook-delivery\s+3\s+1\s+0\s+10\s+1\s+2\s+4\s+2\s+60\s+yes$/);
    expect(lines[3]).toMatch(/^ {2}urgent\s+1\s+0\s+0$/);
    expect(lines[5]).toMatch(/^email\s+0\s+0\s+0\s+0\s+0\s+0\s+0\s+0\s+-\s+no$/);
    expect(lines.at(-1)).toBe('note: not from SQS');
  });

  it('ends the metrics with a total row', () => {
    // Act
    const lines = metricsTable({
      series: [{ minute: '2026-01-01T00:00Z', completed: 2, failed: 1, retried: 0, dead_lettered: 1, mean_processing_ms: 40 }],
      totals: { completed: 2, failed: 1, retried: 0, dead_lettered: 1, mean_processing_ms: 40 },
    }).split('\n');

    // Assess
    expect(lines).toHaveLength(4);
    expect(lines[3]).toMatch(/^total\s+2\s+1\s+0\s+1\s+40$/);
  });

  it('shows failed jobs with attempts as done/max, a one-line reason, and how to get the next page', () => {
    // Act
    const text = failedTable(
      { jobs: [{ job_id: 'j1', failed_at: '2026-01-01T00:00:00.000Z', category: 'client', attempts: 1, max_attempts: 3, payload_bytes: 42, reason: 'HTTP 400\nbad' }], next_cursor: 'c1' },
      'payments',
    );

    // Assess
    expect(text).toMatch(/j1\s+2026-01-01T00:00:00.000Z\s+client\s+1\/3\s+42\s+HTTP 400 bad/);
    expect(text.split('\n').at(-1)).toBe('more: npm run ops -- failed payments --cursor c1');
  });

  it('describes a redrive task on one line', () => {
    // Act / Assess
    expect(progressLine('email', { status: 'RUNNING', moved: 3, to_move: 10 })).toBe('email: redrive RUNNING 3/10 moved');
    expect(progressLine('email', { status: 'FAILED', moved: 3, failure_reason: 'CouldNotDetermineMessageSource' })).toBe(
      'email: redrive FAILED 3 moved (CouldNotDetermineMessageSource)',
    );
    expect(progressLine('email', null)).toBe('email: no redrive has run');
  });
});
