import { describe, expect, it } from 'vitest';
import { DEDUP_ID_PREFIX, jobIdFor, messageDeduplicationId } from '../../../functions/core/dedup';

describe('jobIdFor', () => {
  it('gives the same id for the same partner, queue and key', () => {
    // Act
    const first = jobIdFor('acme', 'payments', 'intent-42');
    const second = jobIdFor('acme', 'payments', 'intent-42');

    // Assess
    expect(first).toBe(second);
    expect(first.startsWith(DEDUP_ID_PREFIX)).toBe(true);
  });

  it('gives two partners sending the same key on one queue two ids', () => {
    // Act
    const acme = jobIdFor('acme', 'payments', 'intent-42');
    const globex = jobIdFor('globex', 'payments', 'intent-42');

    // Assess
    expect(acme).not.toBe(globex);
  });

  it('gives different ids for the same key on different queues', () => {
    // Act
    const payments = jobIdFor('acme', 'payments', 'intent-42');
    const webhooks = jobIdFor('acme', 'webhooks', 'intent-42');

    // Assess
    expect(payments).not.toBe(webhooks);
  });

  it('gives different ids for different keys on one queue', () => {
    // Act / Assess
    expect(jobIdFor('acme', 'payments', 'intent-42')).not.toBe(jobIdFor('acme', 'payments', 'intent-43'));
  });

  it.each([
    [['acme', 'pay', 'ments-1'], ['acme', 'payments', '-1']],
    [['acme', 'payments', 'x'], ['acme\npayments', '', 'x']],
    [['ac', 'me\npayments', 'k'], ['ac\nme', 'payments', 'k']],
  ])('does not confuse where one part ends and the next begins: %j vs %j', (first, second) => {
    // Act
    const [a, b] = [first, second].map(([partner = '', queue = '', key = '']) => jobIdFor(partner, queue, key));

    // Assess
    expect(a).not.toBe(b);
  });

  it('is a fixed-length, URL-safe id that shows neither the partner nor the key', () => {
    // Act
    const id = jobIdFor('acme', 'payments', 'x'.repeat(256));
    const readable = jobIdFor('acme', 'payments', 'intent-42');

    // Assess
    expect(id).toMatch(/^d-[A-Za-z0-9_-]{32}$/);
    expect(readable).toMatch(/^d-[A-Za-z0-9_-]{32}$/);
    expect(readable).not.toContain('acme');
    expect(readable).not.toContain('intent');
  });

  it('uses the injected random source when there is no key', () => {
    // Prepare
    const ids = ['random-1', 'random-2'];
    const random = () => ids.shift() ?? 'exhausted';

    // Act
    const first = jobIdFor('acme', 'payments', undefined, random);
    const second = jobIdFor('globex', 'payments', undefined, random);

    // Assess
    expect([first, second]).toEqual(['random-1', 'random-2']);
  });

  it('is a fresh UUID for each keyless job by default', () => {
    // Act
    const first = jobIdFor('acme', 'payments');
    const second = jobIdFor('acme', 'payments');

    // Assess
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(first).not.toBe(second);
  });

  it('hashes an empty key rather than treating it as none', () => {
    // Act / Assess
    expect(jobIdFor('acme', 'payments', '', () => 'random')).toMatch(/^d-/);
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
