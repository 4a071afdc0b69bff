import { SECRET_OVERLAP_MS, type EndpointSecret } from './endpoint';

/**
 * At most this many secrets sign at once: the current one and the rotated-out
 * ones still inside their overlap. Rotating again and again within a day keeps
 * the newest ones; the signature header stays short.
 */
export const MAX_SIGNING_SECRETS = 4;

/**
 * The secrets that still sign at `now`: the current one (no expiry) and each
 * rotated-out one whose expiry is still ahead, in their order (current first).
 *
 * @example
 * signingSecrets([{ secret: 'whsec_new' }, { secret: 'whsec_old', expiresAt: '2026-01-02T00:00:00.000Z' }], new Date('2026-01-03T00:00:00Z'));
 * // [{ secret: 'whsec_new' }]
 */
export function signingSecrets(secrets: readonly EndpointSecret[], now: Date): EndpointSecret[] {
  const nowMs = now.getTime();
  return secrets.filter((secret) => secret.expiresAt === undefined || Date.parse(secret.expiresAt) > nowMs);
}

/**
 * The secrets after a rotation at `now`: `fresh` becomes the current one, the
 * one it replaces keeps signing for {@link SECRET_OVERLAP_MS}, earlier
 * rotated-out ones keep their own expiry, and expired ones are dropped (at
 * most {@link MAX_SIGNING_SECRETS} in all, the oldest going first).
 *
 * @example
 * rotatedSecrets([{ secret: 'whsec_old' }], 'whsec_new', now);
 * // [{ secret: 'whsec_new' }, { secret: 'whsec_old', expiresAt: <now + 24 h> }]
 */
export function rotatedSecrets(secrets: readonly EndpointSecret[], fresh: string, now: Date): EndpointSecret[] {
  const overlapEnds = new Date(now.getTime() + SECRET_OVERLAP_MS).toISOString();
  const retired = signingSecrets(secrets, now).map((secret) => (secret.expiresAt === undefined ? { secret: secret.secret, expiresAt: overlapEnds } : secret));
  return [{ secret: fresh }, ...retired].slice(0, MAX_SIGNING_SECRETS);
}
