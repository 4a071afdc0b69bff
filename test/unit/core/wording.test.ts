import { describe, expect, it } from 'vitest';
import { counted } from '../../../functions/core/wording';

describe('counted', () => {
  it.each([
    [0, 'job', undefined, '0 jobs'],
    [1, 'job', undefined, '1 job'],
    [2, 'job', undefined, '2 jobs'],
    [1, 'failed job', undefined, '1 failed job'],
    [1, 'entry', 'entries', '1 entry'],
    [5, 'entry', 'entries', '5 entries'],
  ])('says %i %s (plural %s) as "%s"', (count, noun, plural, expected) => {
    // Act / Assess
    expect(counted(count, noun, plural)).toBe(expected);
  });
});
