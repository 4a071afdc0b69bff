import { createHmac, randomBytes } from 'node:crypto';
import { ConfigError } from '../core/errors';

/** How Standard Webhooks secrets start; the rest is the base64 of the key. */
export const SIGNING_SECRET_PREFIX = 'whsec_';

/** Bytes of key in a secret from {@link generateSigningSecret}. */
export const SIGNING_KEY_BYTES = 32;

/** The three headers that sign one delivery. */
export interface WebhookSignatureHeaders {
  /** The message id: the same on every retry of one message, so receivers can drop duplicates. */
  readonly 'webhook-id': string;
  /** When this attempt was signed, in whole seconds since the epoch. */
  readonly 'webhook-timestamp': string;
  /** `v1,<base64 HMAC-SHA256>`; a receiver accepts any one of space-separated signatures. */
  readonly 'webhook-signature': string;
}

/** What {@link signWebhook} signs. */
export interface SignWebhookInput {
  readonly id: string;
  readonly timestamp: Date;
  /** The exact request body sent: receivers verify the bytes they got. */
  readonly body: string;
  /**
   * `whsec_<base64 key>`, or a raw secret whose UTF-8 bytes are the key; or
   * several (an endpoint's current secret first, then one rotated out that
   * still signs), each giving its own signature in the one header.
   */
  readonly secret: string | readonly string[];
}

/**
 * Signs a delivery with the Standard Webhooks scheme: HMAC-SHA256, keyed by the
 * secret, over `${id}.${seconds}.${body}`.
 *
 * The secret is taken in the scheme's own format, `whsec_` followed by the base64
 * of the key. A secret without that prefix is used as is, its UTF-8 bytes being
 * the key, so a receiver verifies it with the same string as a raw key (not by
 * base64-decoding it).
 *
 * Several secrets give several signatures, space-separated in their order, as
 * the scheme allows: a receiver that knows any one of the secrets verifies the
 * delivery, so a rotated secret keeps working while its receivers move over.
 *
 * @throws ConfigError when a secret holds no key, or none is given
 * @throws RangeError when the timestamp is not a valid date
 * @example
 * const headers = signWebhook({ id: 'job-1', timestamp: new Date(), body: '{"a":1}', secret: generateSigningSecret() });
 * // headers['webhook-signature'] === 'v1,K5oZ…='
 */
export function signWebhook(input: SignWebhookInput): WebhookSignatureHeaders {
  const millis = input.timestamp.getTime();
  if (Number.isNaN(millis)) throw new RangeError('webhook timestamp is not a valid date');
  const seconds = Math.floor(millis / 1000).toString();
  const secrets = typeof input.secret === 'string' ? [input.secret] : input.secret;
  if (secrets.length === 0) throw new ConfigError('webhook signing needs at least one secret');
  const signatures = secrets.map((secret) => {
    const signature = createHmac('sha256', signingKeyOf(secret)).update(`${input.id}.${seconds}.${input.body}`, 'utf8').digest('base64');
    return `v1,${signature}`;
  });
  return { 'webhook-id': input.id, 'webhook-timestamp': seconds, 'webhook-signature': signatures.join(' ') };
}

/**
 * A fresh secret in the Standard Webhooks format: `whsec_` and the base64 of
 * {@link SIGNING_KEY_BYTES} random bytes.
 *
 * @example
 * generateSigningSecret(); // 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw…'
 */
export function generateSigningSecret(): string {
  return `${SIGNING_SECRET_PREFIX}${randomBytes(SIGNING_KEY_BYTES).toString('base64')}`;
}

/** The HMAC key a secret stands for (see {@link signWebhook}). */
function signingKeyOf(secret: string): Buffer {
  const key = secret.startsWith(SIGNING_SECRET_PREFIX)
    ? Buffer.from(secret.slice(SIGNING_SECRET_PREFIX.length), 'base64')
    : Buffer.from(secret, 'utf8');
  // An empty key would still sign, and every receiver with an empty secret would accept it.
  if (key.length === 0) throw new ConfigError('webhook signing secret holds no key; expected whsec_<base64 key>');
  return key;
}

/**
 * The signing secret held in a secret store. The stack generates it as JSON
 * `{"key":"<32 letters and digits>"}` (a store cannot generate the `whsec_`
 * form itself); letters and digits are base64 too, so the signing secret is
 * `whsec_<key>`, usable by any Standard Webhooks library. A stored value that is
 * not that JSON is taken as the secret itself.
 *
 * @example
 * signingSecretOf('{"key":"Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4"}'); // 'whsec_Zm9vYmFy…'
 */
export function signingSecretOf(stored: string): string {
  try {
    const parsed = JSON.parse(stored) as { key?: unknown };
    if (typeof parsed.key === 'string' && /^[A-Za-z0-9+/]+=*$/.test(parsed.key) && parsed.key.length % 4 === 0) {
      return `${SIGNING_SECRET_PREFIX}${parsed.key}`;
    }
  } catch {
    // not JSON: the value is the secret itself
  }
  return stored;
}
