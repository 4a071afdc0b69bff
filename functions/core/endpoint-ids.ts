import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Lowercase RFC 4648 base32: the characters of an endpoint id after `ep_`. */
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** Characters of base32 in an endpoint id: 100 random bits. */
const ID_CHARACTERS = 20;

/** Random bytes in an inbound token: 32 characters of base64url. */
const TOKEN_BYTES = 24;

/**
 * A fresh endpoint id: `ep_` and 20 characters of lowercase base32 from a
 * cryptographic random source (100 bits), matching `ENDPOINT_ID_PATTERN`.
 *
 * @example
 * newEndpointId(); // 'ep_k3v7q2mxa4hd6tbw5nre'
 */
export function newEndpointId(): string {
  const bytes = randomBytes(Math.ceil((ID_CHARACTERS * 5) / 8));
  let bits = 0;
  let value = 0;
  let id = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && id.length < ID_CHARACTERS) {
      bits -= 5;
      id += BASE32[(value >> bits) & 31];
    }
    value &= (1 << bits) - 1;
  }
  return `ep_${id}`;
}

/**
 * A fresh inbound token for an endpoint: its id, a dot, and 24 random bytes as
 * base64url (32 characters), matching `INBOUND_TOKEN_PATTERN`. The id lets the
 * inbound route read one item; the random part is the secret.
 *
 * @example
 * newInboundToken('ep_k3v7q2mxa4hd6tbw5nre'); // 'ep_k3v7q2mxa4hd6tbw5nre.Qm9vZ…'
 */
export function newInboundToken(endpointId: string): string {
  return `${endpointId}.${randomBytes(TOKEN_BYTES).toString('base64url')}`;
}

/**
 * Whether two tokens are equal, in time that does not depend on where they
 * differ or on their lengths: both are hashed first, so a guess of the wrong
 * length takes as long as a near miss.
 *
 * @example
 * if (!tokensMatch(endpoint.inboundToken, token)) throw notFound();
 */
export function tokensMatch(a: string, b: string): boolean {
  const digestA = createHash('sha256').update(a, 'utf8').digest();
  const digestB = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(digestA, digestB);
}
