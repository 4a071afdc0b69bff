import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local';
import { startSqsEmulator, type SqsEmulator } from './sqs-emulator';

export { localAwsConfig, LOCAL_REGION, type LocalAwsConfig } from './local-aws';

/** Both emulators the pipeline needs, running. */
export interface Emulators {
  readonly dynamoDb: DynamoDbLocal;
  readonly sqs: SqsEmulator;
  /** Stops both and waits for them; safe to call more than once. */
  stop(): Promise<void>;
}

/**
 * Starts DynamoDB Local and the SQS emulator side by side on free ports. If one
 * fails to start, the other is stopped before the error is thrown.
 *
 * @example
 * const emulators = await startEmulators();
 * const dynamo = new DynamoDBClient(localAwsConfig(emulators.dynamoDb.endpoint));
 * await emulators.stop();
 */
export async function startEmulators(): Promise<Emulators> {
  const [dynamoDb, sqs] = await Promise.allSettled([startDynamoDbLocal(), startSqsEmulator()]);
  if (dynamoDb.status === 'rejected') {
    if (sqs.status === 'fulfilled') await sqs.value.stop();
    throw dynamoDb.reason;
  }
  if (sqs.status === 'rejected') {
    await dynamoDb.value.stop();
    throw sqs.reason;
  }
  let stopping: Promise<void> | undefined;
  return {
    dynamoDb: dynamoDb.value,
    sqs: sqs.value,
    stop: () =>
      (stopping ??= Promise.all([dynamoDb.value.stop(), sqs.value.stop()]).then(() => undefined)),
  };
}
