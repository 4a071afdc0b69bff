/**
 * The credentials of a function's role, read from the variables Lambda sets
 * in every execution environment. The function bundles put this module where
 * the SDK's default credential chain would be (an esbuild alias set in
 * `lib/pipeline-function.ts`): that chain tries the environment first, and in
 * Lambda it is always there, so the chain's other links (SSO, profile files,
 * processes, web identity, container and instance metadata) and the STS and
 * SSO clients they bring were about 130 KB of every bundle that never ran.
 *
 * The names are the ones the SDK clients import from the chain's package.
 */

/** The credentials an SDK client signs with. */
export interface EnvironmentCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
  readonly accountId?: string;
}

/** Thrown when the environment holds no credentials: outside Lambda, or a bundle run by hand without them. */
export class MissingEnvironmentCredentialsError extends Error {
  public constructor() {
    super(
      'no AWS credentials in the environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are unset. ' +
        'Lambda sets them for every function; to run a bundle elsewhere, set them (and AWS_SESSION_TOKEN for temporary credentials)',
    );
    this.name = 'MissingEnvironmentCredentialsError';
  }
}

/**
 * Reads the credentials from `environment`.
 *
 * @throws MissingEnvironmentCredentialsError when the key id or the secret is unset
 * @example
 * const credentials = credentialsFromEnvironment(process.env);
 */
export function credentialsFromEnvironment(environment: NodeJS.ProcessEnv): EnvironmentCredentials {
  const accessKeyId = environment.AWS_ACCESS_KEY_ID;
  const secretAccessKey = environment.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) throw new MissingEnvironmentCredentialsError();
  const { AWS_SESSION_TOKEN: sessionToken, AWS_CREDENTIAL_EXPIRATION: expiration, AWS_ACCOUNT_ID: accountId } = environment;
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken ? { sessionToken } : {}),
    ...(expiration ? { expiration: new Date(expiration) } : {}),
    ...(accountId ? { accountId } : {}),
  };
}

/**
 * The SDK clients' credential provider in the bundles: reads the environment
 * at the first call and keeps what it read until five minutes before its
 * expiry (never, without one), as the chain it stands in for does. The SDK
 * does not cache a default provider's answers itself: it takes the chain as
 * memoized, so without this every request read the environment again. A
 * read that finds nothing is not kept: the next call reads again.
 *
 * @example
 * const client = new DynamoDBClient({ credentials: defaultProvider() });
 */
export function defaultProvider(): () => Promise<EnvironmentCredentials> {
  let kept: EnvironmentCredentials | undefined;
  return async () => {
    if (kept === undefined || credentialsTreatedAsExpired(kept)) kept = credentialsFromEnvironment(process.env);
    return kept;
  };
}

/** Whether credentials carry an expiry, so the SDK must ask again before it. */
export function credentialsWillNeedRefresh(credentials: { readonly expiration?: Date } | undefined): boolean {
  return credentials?.expiration !== undefined;
}

/** Treat credentials as expired five minutes before their expiry, as the SDK's chain does. */
export function credentialsTreatedAsExpired(credentials: { readonly expiration?: Date } | undefined): boolean {
  return credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;
}
