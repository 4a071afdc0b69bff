import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../functions/adapters/clock';
import { deadLetterAttributes } from '../../../functions/adapters/dead-letter-attributes';
import { itemSize } from '../../../functions/adapters/item-size';
import { scheduleShard } from '../../../functions/adapters/job-keys';
import { chunkForSqs } from '../../../functions/adapters/sqs-batches';
import { JOBS_TABLE } from '../../../functions/core/table-schema';
import { FIXED_NOW } from '../../helpers/factories';

describe('scheduleShard', () => {
  it('is stable per job id and spreads ids over every shard', () => {
    // Prepare
    const ids = Array.from({ length: 200 }, (_, i) => `job-${i}`);

    // Act
    const shards = ids.map((id) => scheduleShard(id));

    // Assess
    expect(ids.map((id) => scheduleShard(id))).toEqual(shards);
    expect(new Set(shards)).toEqual(new Set(Array.from({ length: JOBS_TABLE.scheduleShards }, (_, i) => i)));
  });
});

describe('itemSize', () => {
  it('counts names and values as DynamoDB does', () => {
    // Act / Assess
    expect(itemSize({ pk: 'JOB#1', sk: 'STATE' })).toBe(14);
    expect(itemSize({ n: 12345, skip: undefined })).toBe(1 + 4);
    expect(itemSize({ l: ['ab', 1] })).toBe(1 + 3 + (1 + 2) + (1 + 2));
  });
});

describe('chunkForSqs', () => {
  it('keeps each batch to ten entries and the byte limit, and every index once', () => {
    // Prepare
    const sizes = [600_000, 600_000, 10, 10, ...Array.from<number>({ length: 12 }).fill(1)];

    // Act
    const batches = chunkForSqs(sizes, (size) => size);

    // Assess
    expect(batches.map((batch) => batch.length)).toEqual([1, 10, 5]);
    expect(batches.flat().map((entry) => entry.index)).toEqual(sizes.map((_, i) => i));
  });
});

describe('deadLetterAttributes', () => {
  it('replaces characters SQS refuses and never sends an empty value', () => {
    // Act
    const attributes = deadLetterAttributes('job-1', {
      reason: 'bad\u0000byte',
      category: 'client',
      attempts: 1,
      sourceQueue: ' ',
      failedAt: FIXED_NOW,
    });

    // Assess
    expect(attributes.failure_reason?.StringValue).toBe('bad?byte');
    expect(attributes.source_queue?.StringValue).toBe('unknown');
  });
});

describe('systemClock', () => {
  it('sleeps, and stops sleeping when aborted', async () => {
    // Prepare
    const controller = new AbortController();
    const startedAt = systemClock.now().getTime();

    // Act
    await systemClock.sleep(5);
    const aborted = systemClock.sleep(60_000, controller.signal);
    controller.abort();

    // Assess
    expect(systemClock.now().getTime() - startedAt).toBeGreaterThanOrEqual(4);
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
  });
});
