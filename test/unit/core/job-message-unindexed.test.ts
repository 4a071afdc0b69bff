import { describe, expect, it } from 'vitest';
import { decodeJobMessage, encodeJobMessage } from '../../../functions/core/job-message';
import { aJobMessage } from '../../helpers/factories';

describe('decodeJobMessage: the unindexed mark', () => {
  it('round-trips the mark of a job recorded without a schedule entry', () => {
    // Prepare
    const message = aJobMessage({ unindexed: true });

    // Act
    const decoded = decodeJobMessage(encodeJobMessage(message));

    // Assess
    expect(decoded).toEqual(message);
    expect(decoded.unindexed).toBe(true);
  });

  it('decodes a message without the mark as one without it', () => {
    // Prepare
    const body = encodeJobMessage(aJobMessage());

    // Act
    const decoded = decodeJobMessage(body);

    // Assess
    expect(decoded).not.toHaveProperty('unindexed');
  });

  it.each([
    ['false', false],
    ['a string', 'true'],
    ['a number', 1],
  ])('refuses a mark that is %s', (_case, unindexed) => {
    // Prepare
    const body = JSON.stringify({ ...aJobMessage(), unindexed });

    // Act
    const decoding = () => decodeJobMessage(body);

    // Assess
    expect(decoding).toThrow();
  });
});
