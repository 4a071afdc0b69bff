import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '../core/errors';

/** How long a fetched secret is reused before it is read again (rotation takes effect within this). */
const CACHE_MS = 5 * 60 * 1000;

/**
 * A secret read from Secrets Manager on first use and cached per container, so
 * a signing secret never sits in the template or the environment in clear.
 *
 * @example
 * const signingSecret = cachedSecret(new SecretsManagerClient({}), process.env.SIGNING_SECRET_ARN);
 * const secret = await signingSecret();
 */
export function cachedSecret(client: SecretsManagerClient, secretId: string, now: () => number = Date.now): () => Promise<string> {
  let cached: { value: string; at: number } | undefined;
  let pending: Promise<string> | undefined;
  return async () => {
    if (cached && now() - cached.at < CACHE_MS) return cached.value;
    pending ??= client
      .send(new GetSecretValueCommand({ SecretId: secretId }))
      .then(({ SecretString }) => {
        if (!SecretString) throw new ConfigError(`secret ${secretId} has no string value`);
        cached = { value: SecretString, at: now() };
        return SecretString;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}

/**
 * Starts reading `secret` at once and answers it unchanged: called while a
 * function initializes, the first delivery finds the secret fetched, or on
 * its way, instead of paying its round trip. A failed read is dropped here;
 * the first use reads again and meets the failure itself.
 *
 * @example
 * const signingSecret = prefetched(cachedSecret(new SecretsManagerClient({}), process.env.SIGNING_SECRET_ARN));
 */
export function prefetched(secret: () => Promise<string>): () => Promise<string> {
  secret().catch(() => undefined);
  return secret;
}
