import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../functions/core/errors';
import {
  generateSigningSecret,
  SIGNING_KEY_BYTES,
  SIGNING_SECRET_PREFIX,
  signingSecretOf,
  signWebhook,
} from '../../../functions/processors/webhook-signature';

/** The example of the Standard Webhooks specification. */
const SPEC_VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  seconds: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
} as const;

describe('signWebhook', () => {
  it('matches the specification example', () => {
    // Act
    const headers = signWebhook({
      id: SPEC_VECTOR.id,
      timestamp: new Date(SPEC_VECTOR.seconds * 1000),
      body: SPEC_VECTOR.body,
      secret: SPEC_VECTOR.secret,
    });

    // Assess
    expect(headers).toEqual({
      'webhook-id': SPEC_VECTOR.id,
      'webhook-timestamp': String(SPEC_VECTOR.seconds),
      'webhook-signature': SPEC_VECTOR.signature,
    });
  });

  it('signs id.seconds.body with HMAC-SHA256 keyed by the base64-decoded secret', () => {
    // Prepare
    const key = Buffer.alloc(32, 0xa5);
    const timestamp = new Date('2026-01-01T00:00:00.999Z');
    const expected = createHmac('sha256', key).update('job-1.1767225600.{"a":"ü"}').digest('base64');

    // Act
    const headers = signWebhook({ id: 'job-1', timestamp, body: '{"a":"ü"}', secret: `whsec_${key.toString('base64')}` });

    // Assess
    expect(headers['webhook-timestamp']).toBe('1767225600');
    expect(headers['webhook-signature']).toBe(`v1,${expected}`);
  });

  it('produces headers the standardwebhooks verifier accepts', () => {
    // Prepare
    const secret = generateSigningSecret();
    const body = JSON.stringify({ job_id: 'job-1', data: { amount: 1000 } });

    // Act
    const headers = signWebhook({ id: 'job-1', timestamp: new Date(), body, secret });

    // Assess
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('fails verification when the body was changed', () => {
    // Prepare
    const secret = generateSigningSecret();
    const headers = signWebhook({ id: 'job-1', timestamp: new Date(), body: '{"amount":1000}', secret });

    // Act
    const verify = (): unknown => new Webhook(secret).verify('{"amount":9000}', { ...headers });

    // Assess
    expect(verify).toThrow(/signature/i);
  });

  it('uses the UTF-8 bytes of a secret without the whsec_ prefix as the key', () => {
    // Prepare
    const raw = 'a plain shared secret';
    const timestamp = new Date();

    // Act
    const headers = signWebhook({ id: 'job-1', timestamp, body: '{}', secret: raw });

    // Assess
    const expected = createHmac('sha256', Buffer.from(raw, 'utf8'))
      .update(`job-1.${headers['webhook-timestamp']}.{}`)
      .digest('base64');
    expect(headers['webhook-signature']).toBe(`v1,${expected}`);
    expect(new Webhook(Buffer.from(raw, 'utf8'), { format: 'raw' }).verify('{}', { ...headers })).toEqual({});
  });

  it.each(['', 'whsec_'])('refuses a secret with no key (%j)', (secret) => {
    // Act
    const sign = (): unknown => signWebhook({ id: 'job-1', timestamp: new Date(), body: '{}', secret });

    // Assess
    expect(sign).toThrow(ConfigError);
  });

  it('signs with every secret given, the first first, and each verifies on its own', () => {
    // Prepare: an endpoint's current secret, and the one it rotated out that still signs.
    const current = generateSigningSecret();
    const previous = generateSigningSecret();
    const stranger = generateSigningSecret();
    const body = '{"amount":1000}';

    // Act
    const headers = signWebhook({ id: 'run-1', timestamp: new Date(), body, secret: [current, previous] });

    // Assess
    const signatures = headers['webhook-signature'].split(' ');
    expect(signatures).toHaveLength(2);
    expect(signatures[0]).toBe(signWebhook({ id: 'run-1', timestamp: new Date(Number(headers['webhook-timestamp']) * 1000), body, secret: current })['webhook-signature']);
    expect(new Webhook(current).verify(body, { ...headers })).toEqual({ amount: 1000 });
    expect(new Webhook(previous).verify(body, { ...headers })).toEqual({ amount: 1000 });
    expect(() => new Webhook(stranger).verify(body, { ...headers })).toThrow(/signature/i);
  });

  it('refuses an empty list of secrets, and any secret of a list that holds no key', () => {
    expect(() => signWebhook({ id: 'run-1', timestamp: new Date(), body: '{}', secret: [] })).toThrow(ConfigError);
    expect(() => signWebhook({ id: 'run-1', timestamp: new Date(), body: '{}', secret: [generateSigningSecret(), 'whsec_'] })).toThrow(ConfigError);
  });

  it('refuses an invalid timestamp', () => {
    // Act
    const sign = (): unknown =>
      signWebhook({ id: 'job-1', timestamp: new Date('not a date'), body: '{}', secret: generateSigningSecret() });

    // Assess
    expect(sign).toThrow(RangeError);
  });
});

describe('generateSigningSecret', () => {
  it('returns whsec_ and the base64 of 32 random bytes', () => {
    // Act
    const secret = generateSigningSecret();

    // Assess
    expect(secret.startsWith(SIGNING_SECRET_PREFIX)).toBe(true);
    const key = Buffer.from(secret.slice(SIGNING_SECRET_PREFIX.length), 'base64');
    expect(key).toHaveLength(SIGNING_KEY_BYTES);
    expect(key.toString('base64')).toBe(secret.slice(SIGNING_SECRET_PREFIX.length));
  });

  it('returns a different secret each time', () => {
    // Act
    const secrets = new Set(Array.from({ length: 20 }, () => generateSigningSecret()));

    // Assess
    expect(secrets.size).toBe(20);
  });
});

describe('signingSecretOf', () => {
  it('turns the stored {"key"} form into a whsec_ secret a Standard Webhooks library accepts', () => {
    // Prepare
    const stored = JSON.stringify({ key: 'AbCdEfGhIjKlMnOpQrStUvWxYz012345' });

    // Act
    const secret = signingSecretOf(stored);
    const headers = signWebhook({ id: 'msg-1', timestamp: new Date(), body: '{"a":1}', secret });

    // Assess
    expect(secret).toBe('whsec_AbCdEfGhIjKlMnOpQrStUvWxYz012345');
    expect(() => new Webhook(secret).verify('{"a":1}', { ...headers })).not.toThrow();
  });

  it('takes any other stored value as the secret itself', () => {
    expect(signingSecretOf('whsec_Zm9v')).toBe('whsec_Zm9v');
    expect(signingSecretOf('{"key":"not base64!"}')).toBe('{"key":"not base64!"}');
  });
});
