import { describe, expect, it } from 'vitest';
import { queueSettings, urgentReadyInstances } from '../../../bench/queues';
import { consumerSizing } from '../../../functions/core/consumer-sizing';
import { parseQueueDefinition } from '../../../functions/core/queue-config';
import { catalog } from '../../../lib/catalog';

describe('bench queues', () => {
  it('reads a queue’s concurrency and rate limit from the catalog', () => {
    // Act
    const payments = queueSettings('payments');

    // Assess
    expect(payments).toEqual({ name: 'payments', concurrency: catalog.find((entry) => entry.name === 'payments')?.concurrency, rateLimit: { max: 100, durationMs: 1000 } });
  });

  it('provisions one instance more than the normal lane’s mapping runs, within the consumer’s reserved concurrency', () => {
    // Prepare
    const entry = catalog.find((queue) => queue.name === 'webhook-delivery');
    const sizing = consumerSizing(parseQueueDefinition(entry));

    // Act
    const instances = urgentReadyInstances('webhook-delivery');

    // Assess
    expect(instances).toBe((sizing.laneMaximumConcurrency.normal ?? 0) + 1);
    expect(instances).toBeGreaterThanOrEqual(3);
    expect(instances).toBeLessThanOrEqual(sizing.reservedConcurrency ?? Infinity);
  });

  it('names the queue the catalog lacks', () => {
    // Act / Assess
    expect(() => urgentReadyInstances('no-such-queue')).toThrow('the catalog has no queue no-such-queue; the bench needs it');
  });
});
