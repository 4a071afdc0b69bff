import { describe, expect, it } from 'vitest';
import {
  categoryOfHttpStatus,
  FAILURE_CATEGORIES,
  FAILURE_CATEGORY,
  isRetryableCategory,
  type FailureCategory,
} from '../../../functions/core/failure';

describe('categoryOfHttpStatus', () => {
  it.each<[number, FailureCategory | undefined]>([
    [200, undefined],
    [204, undefined],
    [301, 'client'],
    [400, 'client'],
    [401, 'auth'],
    [403, 'auth'],
    [404, 'client'],
    [408, 'server'],
    [422, 'client'],
    [429, 'rate_limited'],
    [500, 'server'],
    [503, 'server'],
  ])('classifies %i as %s', (status, category) => {
    // Act
    const result = categoryOfHttpStatus(status);

    // Assess
    expect(result).toBe(category);
  });

  it('treats every 2xx as a success and every 5xx as server', () => {
    // Prepare
    const successes = Array.from({ length: 100 }, (_, i) => 200 + i);
    const serverErrors = Array.from({ length: 100 }, (_, i) => 500 + i);

    // Act / Assess
    expect(successes.map(categoryOfHttpStatus).every((c) => c === undefined)).toBe(true);
    expect(serverErrors.map(categoryOfHttpStatus).every((c) => c === 'server')).toBe(true);
  });
});

describe('isRetryableCategory', () => {
  it.each<[FailureCategory, boolean]>([
    ['network', true],
    ['timeout', true],
    ['rate_limited', true],
    ['server', true],
    ['client', false],
    ['auth', false],
    ['validation', false],
    ['non_retryable', false],
    ['stuck', false],
    ['endpoint_disabled', false],
  ])('%s → retryable %s', (category, retryable) => {
    // Act / Assess
    expect(isRetryableCategory(category)).toBe(retryable);
  });

  it('covers every category the project defines', () => {
    // Assess: a new category must be added to the table above
    expect([...FAILURE_CATEGORIES].sort()).toEqual(
      ['auth', 'client', 'endpoint_disabled', 'network', 'non_retryable', 'rate_limited', 'server', 'stuck', 'timeout', 'validation'],
    );
    expect(FAILURE_CATEGORIES).toEqual(Object.values(FAILURE_CATEGORY));
  });
});
