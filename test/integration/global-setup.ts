import type { TestProject } from 'vitest/node';
import { startEmulators } from '../../local/emulators';
import '../helpers/provided-context';

/**
 * Starts DynamoDB Local and the SQS emulator once per run for every
 * integration test file, and stops them (Java included) at teardown. Tests
 * keep apart by using fresh table and queue names, not fresh emulators.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const emulators = await startEmulators();
  project.provide('emulators', {
    dynamoDbEndpoint: emulators.dynamoDb.endpoint,
    sqsEndpoint: emulators.sqs.endpoint,
    queueUrlBase: emulators.sqs.queueUrlBase,
  });
  return () => emulators.stop();
}
