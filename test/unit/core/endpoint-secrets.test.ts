import { describe, expect, it } from 'vitest';
import { SECRET_OVERLAP_MS } from '../../../functions/core/endpoint';
import { MAX_SIGNING_SECRETS, rotatedSecrets, signingSecrets } from '../../../functions/core/endpoint-secrets';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const later = (ms: number) => new Date(NOW.getTime() + ms);

describe('rotatedSecrets', () => {
  it('puts the fresh secret first and keeps the replaced one signing for the overlap', () => {
    // Act
    const secrets = rotatedSecrets([{ secret: 'whsec_old' }], 'whsec_new', NOW);

    // Assess
    expect(secrets).toEqual([{ secret: 'whsec_new' }, { secret: 'whsec_old', expiresAt: later(SECRET_OVERLAP_MS).toISOString() }]);
  });

  it('keeps an earlier rotated-out secret to its own expiry, and drops an expired one', () => {
    // Prepare
    const stored = [{ secret: 'whsec_2' }, { secret: 'whsec_1', expiresAt: later(60_000).toISOString() }, { secret: 'whsec_0', expiresAt: later(-1).toISOString() }];

    // Act
    const secrets = rotatedSecrets(stored, 'whsec_3', NOW);

    // Assess
    expect(secrets).toEqual([
      { secret: 'whsec_3' },
      { secret: 'whsec_2', expiresAt: later(SECRET_OVERLAP_MS).toISOString() },
      { secret: 'whsec_1', expiresAt: later(60_000).toISOString() },
    ]);
  });

  it(`keeps at most ${MAX_SIGNING_SECRETS}, dropping the oldest`, () => {
    // Prepare
    let secrets = [{ secret: 'whsec_0' }] as ReturnType<typeof rotatedSecrets>;

    // Act
    for (let index = 1; index <= 6; index += 1) secrets = rotatedSecrets(secrets, `whsec_${index}`, later(index * 1000));

    // Assess
    expect(secrets.map((secret) => secret.secret)).toEqual(['whsec_6', 'whsec_5', 'whsec_4', 'whsec_3']);
  });
});

describe('signingSecrets', () => {
  it('keeps the current secret and those whose expiry is still ahead', () => {
    // Prepare
    const stored = [{ secret: 'whsec_new' }, { secret: 'whsec_old', expiresAt: later(1000).toISOString() }];

    // Act / Assess
    expect(signingSecrets(stored, NOW)).toEqual(stored);
    expect(signingSecrets(stored, later(999))).toEqual(stored);
    expect(signingSecrets(stored, later(1000))).toEqual([{ secret: 'whsec_new' }]);
  });
});
