/** The one region the local cloud runs in. */
export const LOCAL_REGION = 'us-east-1';

/** The account id the SQS emulator puts in queue URLs and ARNs. */
export const LOCAL_ACCOUNT_ID = '000000000000';

/**
 * Credentials every local client signs with. DynamoDB Local runs with
 * `-sharedDb`, so tables are the same whatever the key; SQS ignores it.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** SDK client settings that point a client at one emulator. */
export interface LocalAwsConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/**
 * Client settings for an emulator at `endpoint`: the local region and static
 * credentials, so no profile or environment on the machine is consulted.
 *
 * @example
 * const sqs = new SQSClient(localAwsConfig(emulators.sqs.endpoint));
 */
export function localAwsConfig(endpoint: string): LocalAwsConfig {
  return { endpoint, region: LOCAL_REGION, credentials: { ...LOCAL_CREDENTIALS } };
}
