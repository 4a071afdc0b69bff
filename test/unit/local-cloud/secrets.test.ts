import { describe, expect, it } from 'vitest';
import { signingSecretOf } from '../../../functions/processors/webhook-signature';
import { generateSecretString, InMemorySecretStore } from '../../../local/cloud/secrets';

describe('generateSecretString', () => {
  it('puts a password of the asked length under the key in the template, as the signing secrets are declared', () => {
    // Act
    const value = generateSecretString({ SecretStringTemplate: '{"kind":"signing"}', GenerateStringKey: 'key', PasswordLength: 32, ExcludePunctuation: true });

    // Assess
    const parsed = JSON.parse(value) as { kind: string; key: string };
    expect(parsed.kind).toBe('signing');
    expect(parsed.key).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(signingSecretOf(value)).toBe(`whsec_${parsed.key}`);
  });

  it('honours the excluded classes and characters and includes each remaining class', () => {
    // Act
    const values = Array.from({ length: 50 }, () =>
      generateSecretString({ PasswordLength: 8, ExcludeUppercase: true, ExcludePunctuation: true, ExcludeCharacters: 'abc' }),
    );

    // Assess
    for (const value of values) {
      expect(value).toMatch(/^[d-z0-9]{8}$/);
      expect(value).toMatch(/[0-9]/);
      expect(value).toMatch(/[d-z]/);
    }
  });

  it('defaults to 32 characters and refuses settings that leave nothing to draw from', () => {
    // Act and assess
    expect(generateSecretString({})).toHaveLength(32);
    expect(() => generateSecretString({ ExcludeLowercase: true, ExcludeUppercase: true, ExcludeNumbers: true, ExcludePunctuation: true })).toThrow(
      /excludes every character/,
    );
  });
});

describe('InMemorySecretStore', () => {
  it('finds a secret by ARN, by name, and by ARN without its random suffix', () => {
    // Prepare
    const secret = { arn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:signing-AbC123', name: 'signing', value: 'v' };
    const store = new InMemorySecretStore([secret]);

    // Act and assess
    expect(store.get(secret.arn)).toBe(secret);
    expect(store.get('signing')).toBe(secret);
    expect(store.get('arn:aws:secretsmanager:us-east-1:000000000000:secret:signing')).toBe(secret);
    expect(store.get('other')).toBeUndefined();
  });
});
