import { describe, expect, it } from 'vitest';
import { DEDUP_ID_PREFIX, jobIdFor, messageDeduplicationId } from '../../../functions/core/dedup';

describe('jobIdFor', () => {
  it('gives the same id for the same queue and key', () => {
    // Act
    const first = jobIdFor('payments', 'intent-42');
    const second = jobIdFor('payments', 'intent-42');

    // Assess
    expect(first).toBe(second);
    expect(first.startsWith(DEDUP_ID_PREFIX)).toBe(true);
  });

  it('gives different ids for the same key on different queues', () => {
    // Act
    const payments = jobIdFor('payments', 'intent-42');
    const webhooks = jobIdFor('webhooks', 'intent-42');

    // Assess
    expect(payments).not.toBe(webhooks);
  });

  it('gives different ids for different keys on one queue', () => {
    // Act / Assess
    expect(jobIdFor('payments', 'intent-42')).not.toBe(jobIdFor('payments', 'intent-43'));
  });

  it('does not confuse where the queue ends and the key begins', () => {
    // Act: both would hash "payments-1" if queue and key were simply joined
    const first = jobIdFor('pay', 'ments-1');
    const second = jobIdFor('payments', '-1');

    // Assess
    expect(first).not.toBe(second);
  });

  it('is a fixed-length, URL-safe id', () => {
    // Act
    const id = jobIdFor('payments', 'x'.repeat(256));

    // Assess
    expect(id).toMatch(/^d-[A-Za-z0-9_-]{32}$/);
  });

  it('uses the injected random source when there is no key', () => {
    // Prepare
    const ids = ['random-1', 'random-2'];
    const random = () => ids.shift() ?? 'exhausted';

    // Act
    const first = jobIdFor('payments', undefined, random);
    const second = jobIdFor('payments', undefined, random);

    // Assess
    expect([first, second]).toEqual(['random-1', 'random-2']);
  });

  it('is a fresh UUID for each keyless job by default', () => {
    // Act
    const first = jobIdFor('payments');
    const second = jobIdFor('payments');

    // Assess
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(first).not.toBe(second);
  });

  it('hashes an empty key rather than treating it as none', () => {
    // Act / Assess
    expect(jobIdFor('payments', '', () => 'random')).toMatch(/^d-/);
  });
});

describe('messageDeduplicationId', () => {
  it('is the run id for the first send', () => {
    // Act / Assess
    expect(messageDeduplicationId('run-1')).toBe('run-1');
    expect(messageDeduplicationId('run-1', 0)).toBe('run-1');
  });

  it('differs for each later send of the same run, so a redrive is not swallowed', () => {
    // Act
    const ids = [0, 1, 2].map((count) => messageDeduplicationId('run-1', count));

    // Assess
    expect(ids).toEqual(['run-1', 'run-1.1', 'run-1.2']);
    expect(new Set(ids).size).toBe(3);
  });

  it('stays within SQS limits for a UUID run id', () => {
    // Act
    const id = messageDeduplicationId('0f8fad5b-d9cb-469f-a165-70867728950e', 999);

    // Assess
    expect(id.length).toBeLessThanOrEqual(128);
    expect(id).toMatch(/^[\x21-\x7e]+$/);
  });
});
