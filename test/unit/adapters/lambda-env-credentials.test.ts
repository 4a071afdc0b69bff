import * as sdkChain from '@aws-sdk/credential-provider-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as envCredentials from '../../../functions/adapters/lambda-env-credentials';
import {
  credentialsFromEnvironment,
  credentialsTreatedAsExpired,
  credentialsWillNeedRefresh,
  defaultProvider,
  MissingEnvironmentCredentialsError,
} from '../../../functions/adapters/lambda-env-credentials';

describe('lambda-env-credentials', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('exports every name the SDK clients import from the default chain it stands in for', () => {
    // Act
    // (`default` is the CommonJS interop's, not a name the ES module exports.)
    const names = Object.keys(sdkChain).filter((name) => name !== 'default');
    const missing = names.filter((name) => typeof (envCredentials as Record<string, unknown>)[name] !== typeof (sdkChain as Record<string, unknown>)[name]);

    // Assess
    expect(names).toContain('defaultProvider');
    expect(missing).toEqual([]);
  });

  it('reads the key, the secret, the session token, the expiry and the account Lambda sets', () => {
    // Act
    const credentials = credentialsFromEnvironment({
      AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'token',
      AWS_CREDENTIAL_EXPIRATION: '2026-12-02T12:00:00Z',
      AWS_ACCOUNT_ID: '123456789012',
    });

    // Assess
    expect(credentials).toEqual({
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'token',
      expiration: new Date('2026-12-02T12:00:00Z'),
      accountId: '123456789012',
    });
  });

  it('leaves out what the environment does not set', () => {
    // Act
    const credentials = credentialsFromEnvironment({ AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: '' });

    // Assess
    expect(credentials).toEqual({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' });
  });

  it.each([
    ['no key id', { AWS_SECRET_ACCESS_KEY: 'secret' }],
    ['no secret', { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE' }],
    ['an empty key id', { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: 'secret' }],
  ])('refuses %s, naming the variables', (_case, environment) => {
    // Act / Assess
    expect(() => credentialsFromEnvironment(environment)).toThrow(MissingEnvironmentCredentialsError);
    expect(() => credentialsFromEnvironment(environment)).toThrow(/AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
  });

  it('provides what the environment holds when the client asks, not when it is built', async () => {
    // Prepare
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAFIRST');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'first');
    const provide = defaultProvider();
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIASECOND');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'second');

    // Act
    const credentials = await provide();

    // Assess
    expect(credentials).toMatchObject({ accessKeyId: 'AKIASECOND', secretAccessKey: 'second' });
  });

  it('reads the environment once while what it read has no expiry', async () => {
    // Prepare
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAFIRST');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'first');
    const provide = defaultProvider();
    const first = await provide();
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIASECOND');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'second');

    // Act
    const second = await provide();

    // Assess
    expect(second).toBe(first);
    expect(second).toMatchObject({ accessKeyId: 'AKIAFIRST' });
  });

  it('reads the environment again once what it read is within five minutes of its expiry', async () => {
    // Prepare
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'ASIAFIRST');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'first');
    vi.stubEnv('AWS_CREDENTIAL_EXPIRATION', new Date(Date.now() + 4 * 60_000).toISOString());
    const provide = defaultProvider();
    await provide();
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'ASIASECOND');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'second');
    vi.stubEnv('AWS_CREDENTIAL_EXPIRATION', new Date(Date.now() + 60 * 60_000).toISOString());

    // Act
    const renewed = await provide();
    const kept = await provide();

    // Assess
    expect(renewed).toMatchObject({ accessKeyId: 'ASIASECOND' });
    expect(kept).toBe(renewed);
  });

  it('keeps no failed read: once the environment holds credentials, the next call finds them', async () => {
    // Prepare
    vi.stubEnv('AWS_ACCESS_KEY_ID', '');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    const provide = defaultProvider();
    await expect(provide()).rejects.toThrow(MissingEnvironmentCredentialsError);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIALATE');

    // Act
    const credentials = await provide();

    // Assess
    expect(credentials).toMatchObject({ accessKeyId: 'AKIALATE' });
  });

  it('rejects, rather than throwing at once, when the environment holds none', async () => {
    // Prepare
    vi.stubEnv('AWS_ACCESS_KEY_ID', '');
    const provide = defaultProvider();

    // Act / Assess
    await expect(provide()).rejects.toThrow(MissingEnvironmentCredentialsError);
  });

  it('asks again for credentials with an expiry, five minutes before it', () => {
    // Prepare
    const soon = new Date(Date.now() + 4 * 60_000);
    const later = new Date(Date.now() + 10 * 60_000);

    // Act / Assess
    expect(credentialsWillNeedRefresh({ expiration: later })).toBe(true);
    expect(credentialsWillNeedRefresh({})).toBe(false);
    expect(credentialsWillNeedRefresh(undefined)).toBe(false);
    expect(credentialsTreatedAsExpired({ expiration: soon })).toBe(true);
    expect(credentialsTreatedAsExpired({ expiration: later })).toBe(false);
    expect(credentialsTreatedAsExpired({})).toBe(false);
  });
});
