import { describe, expect, it } from 'vitest';
import { MAX_BACKOFF_MS } from '../../../functions/core/backoff';
import { parseRetryAfterMs } from '../../../functions/processors/retry-after';
import { FIXED_NOW } from '../../helpers/factories';

const inSeconds = (seconds: number): string => new Date(FIXED_NOW.getTime() + seconds * 1000).toUTCString();

describe('parseRetryAfterMs', () => {
  it.each([
    ['0', 0],
    ['3', 3000],
    ['120', 120_000],
    [' 7 ', 7000],
  ])('reads %j as a number of seconds', (value, expected) => {
    // Act
    const waitMs = parseRetryAfterMs(value, FIXED_NOW);

    // Assess
    expect(waitMs).toBe(expected);
  });

  it('reads an HTTP date as the time left until it', () => {
    // Act
    const waitMs = parseRetryAfterMs(inSeconds(90), FIXED_NOW);

    // Assess
    expect(waitMs).toBe(90_000);
  });

  it('reads the fixed example date of the HTTP specification', () => {
    // Act
    const waitMs = parseRetryAfterMs('Fri, 31 Dec 1999 23:59:59 GMT', new Date('1999-12-31T23:58:59Z'));

    // Assess
    expect(waitMs).toBe(60_000);
  });

  it('waits nothing for a date in the past', () => {
    // Act
    const waitMs = parseRetryAfterMs(inSeconds(-30), FIXED_NOW);

    // Assess
    expect(waitMs).toBe(0);
  });

  it.each([
    ['seconds', String(13 * 60 * 60)],
    ['a date', inSeconds(2 * 24 * 60 * 60)],
  ])('cuts a wait longer than 12 hours given as %s', (_form, value) => {
    // Act
    const waitMs = parseRetryAfterMs(value, FIXED_NOW);

    // Assess
    expect(waitMs).toBe(MAX_BACKOFF_MS);
  });

  it.each([null, undefined, '', 'soon', '1.5', '-3', '5s', 'May 5', 'Fri, 99 Foo 2026 25:61:61 GMT'])(
    'ignores %j',
    (value) => {
      // Act
      const waitMs = parseRetryAfterMs(value, FIXED_NOW);

      // Assess
      expect(waitMs).toBeUndefined();
    },
  );
});
