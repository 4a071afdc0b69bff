import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it, vi } from 'vitest';
import { cachedSecret, prefetched } from '../../../functions/adapters/secret-value';
import { ConfigError } from '../../../functions/core/errors';

/** A Secrets Manager client whose `GetSecretValue` answers `answers` in turn (an Error is thrown). */
function fakeClient(...answers: (string | undefined | Error)[]): { client: SecretsManagerClient; send: ReturnType<typeof vi.fn> } {
  const send = vi.fn(async (command: unknown) => {
    expect(command).toBeInstanceOf(GetSecretValueCommand);
    const answer = answers.shift();
    if (answer instanceof Error) throw answer;
    return { SecretString: answer };
  });
  return { client: { send } as unknown as SecretsManagerClient, send };
}

describe('cachedSecret', () => {
  it('reads the secret once and serves it from the cache for five minutes, then reads it again', async () => {
    // Prepare
    const { client, send } = fakeClient('first', 'rotated');
    let nowMs = 1_000_000;
    const secret = cachedSecret(client, 'arn:secret', () => nowMs);

    // Act
    const reads = [await secret(), await secret()];
    nowMs += 5 * 60 * 1000 - 1;
    reads.push(await secret());
    nowMs += 1;
    reads.push(await secret());

    // Assess
    expect(reads).toEqual(['first', 'first', 'first', 'rotated']);
    expect(send).toHaveBeenCalledTimes(2);
    expect((send.mock.calls[0]?.[0] as GetSecretValueCommand).input).toEqual({ SecretId: 'arn:secret' });
  });

  it('shares one read between callers that ask at once', async () => {
    // Prepare
    const { client, send } = fakeClient('value');
    const secret = cachedSecret(client, 'arn:secret');

    // Act
    const values = await Promise.all([secret(), secret(), secret()]);

    // Assess
    expect(values).toEqual(['value', 'value', 'value']);
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('says so when the secret has no string value, and reads again on the next call', async () => {
    // Prepare
    const { client, send } = fakeClient(undefined, 'value');
    const secret = cachedSecret(client, 'arn:secret');

    // Act
    const first = secret();

    // Assess
    await expect(first).rejects.toThrow(ConfigError);
    await expect(first).rejects.toThrow('secret arn:secret has no string value');
    await expect(secret()).resolves.toBe('value');
    expect(send).toHaveBeenCalledTimes(2);
  });
});

describe('prefetched', () => {
  it('starts the read at once, so the first use finds it under way and reads nothing more', async () => {
    // Prepare
    const { client, send } = fakeClient('value');

    // Act
    const secret = prefetched(cachedSecret(client, 'arn:secret'));
    const calledBeforeUse = send.mock.calls.length;
    const value = await secret();

    // Assess
    expect(calledBeforeUse).toBe(1);
    expect(value).toBe('value');
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('drops a failed early read: the first use reads again and gets the secret', async () => {
    // Prepare
    const { client, send } = fakeClient(new Error('network down'), 'value');
    const secret = prefetched(cachedSecret(client, 'arn:secret'));
    await vi.waitFor(() => expect(send).toHaveBeenCalledTimes(1));
    await new Promise((resolve) => setImmediate(resolve));

    // Act
    const value = await secret();

    // Assess
    expect(value).toBe('value');
    expect(send).toHaveBeenCalledTimes(2);
  });
});
