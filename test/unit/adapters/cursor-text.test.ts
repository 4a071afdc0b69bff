import { describe, expect, it } from 'vitest';
import { cursorOf, positionIn } from '../../../functions/adapters/cursor-text';

describe('cursor text', () => {
  it('gives back the position a cursor was made of, in URL-safe characters', () => {
    // Prepare
    const position = { pk: 'ENDPOINTS', sk: 'shop-42#ep_1', failed_at: 1_767_225_600_000 };

    // Act
    const cursor = cursorOf(position);

    // Assess
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(positionIn(cursor)).toEqual(position);
  });

  it('reads anything that is not base64url JSON as no position', () => {
    expect(positionIn('%%%')).toBeUndefined();
    expect(positionIn(Buffer.from('{"pk":', 'utf8').toString('base64url'))).toBeUndefined();
  });
});
