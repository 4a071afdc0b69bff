import { describe, expect, it } from 'vitest';
import { deadLetterQueueName, laneQueueName, queueUrl } from '../../../functions/core/queue-names';
import { PRIORITY_ORDER } from '../../../functions/core/priority';
import { DEFAULT_LANE, type Lane } from '../../../functions/core/lanes';

/** Every lane a queue can have. */
const ALL_LANES: readonly Lane[] = [DEFAULT_LANE, ...PRIORITY_ORDER];

/** SQS queue names: 1–80 characters, alphanumerics, hyphens, underscores; FIFO ends in `.fifo`. */
const SQS_NAME = /^[A-Za-z0-9_-]{1,75}(\.fifo)?$|^[A-Za-z0-9_-]{1,80}$/;

describe('laneQueueName', () => {
  it('names a standard queue without lanes <prefix>-<queue>', () => {
    // Act / Assess
    expect(laneQueueName('jobs', { name: 'order-routing', fifo: false }, DEFAULT_LANE)).toBe('jobs-order-routing');
  });

  it.each(PRIORITY_ORDER)('names the %s lane <prefix>-<queue>-<lane>', (lane) => {
    // Act / Assess
    expect(laneQueueName('jobs', { name: 'webhook-delivery', fifo: false }, lane)).toBe(`jobs-webhook-delivery-${lane}`);
  });

  it('ends a FIFO queue name in .fifo', () => {
    // Act / Assess
    expect(laneQueueName('jobs', { name: 'order-processing', fifo: true }, DEFAULT_LANE)).toBe('jobs-order-processing.fifo');
  });

  it('gives every lane of a queue its own name', () => {
    // Act
    const names = ALL_LANES.map((lane) => laneQueueName('p', { name: 'q', fifo: false }, lane));

    // Assess
    expect(new Set(names).size).toBe(5);
  });
});

describe('deadLetterQueueName', () => {
  it('names a standard DLQ <prefix>-<queue>-dlq', () => {
    // Act / Assess
    expect(deadLetterQueueName('jobs', { name: 'payments', fifo: false })).toBe('jobs-payments-dlq');
  });

  it('makes the DLQ of a FIFO queue FIFO', () => {
    // Act / Assess
    expect(deadLetterQueueName('jobs', { name: 'order-processing', fifo: true })).toBe('jobs-order-processing-dlq.fifo');
  });

  it('does not collide with a lane name', () => {
    // Prepare
    const definition = { name: 'payments', fifo: false };

    // Act
    const lanes = ALL_LANES.map((lane) => laneQueueName('jobs', definition, lane));

    // Assess
    expect(lanes).not.toContain(deadLetterQueueName('jobs', definition));
  });
});

describe('queue name length', () => {
  it('stays within 80 characters for the longest queue name and a 20-character prefix', () => {
    // Prepare: catalog names are at most 40 characters, prefixes at most 20
    const prefix = 'p'.repeat(20);
    const longest = `a-${'b'.repeat(38)}`;
    const laned = { name: longest, fifo: false };
    const fifo = { name: longest, fifo: true };

    // Act
    const names = [
      ...PRIORITY_ORDER.map((lane) => laneQueueName(prefix, laned, lane)),
      laneQueueName(prefix, fifo, DEFAULT_LANE),
      deadLetterQueueName(prefix, laned),
      deadLetterQueueName(prefix, fifo),
    ];

    // Assess
    expect(longest).toHaveLength(40);
    for (const name of names) {
      expect(name.length, name).toBeLessThanOrEqual(80);
      expect(name, name).toMatch(SQS_NAME);
    }
  });
});

describe('queueUrl', () => {
  it('joins the base URL and the name', () => {
    // Act / Assess
    expect(queueUrl('https://sqs.eu-west-1.amazonaws.com/123456789012', 'jobs-payments')).toBe(
      'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs-payments',
    );
  });

  it('drops trailing slashes from the base URL', () => {
    // Act / Assess
    expect(queueUrl('http://localhost:4566/000000000000/', 'q')).toBe('http://localhost:4566/000000000000/q');
    expect(queueUrl('http://localhost:4566/000000000000//', 'q')).toBe('http://localhost:4566/000000000000/q');
  });
});
