import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { inject } from 'vitest';
import { localAwsConfig } from '../../local/emulators';
import type { EmulatorEndpoints } from './provided-context';

/** Clients for the emulators the integration global setup started. */
export interface TestEnvironment extends EmulatorEndpoints {
  readonly dynamoDb: DynamoDBClient;
  readonly sqs: SQSClient;
}

let environment: TestEnvironment | undefined;

/**
 * The running emulators' endpoints and ready clients for them, shared by the
 * tests of one worker. Only for the `integration` project, whose global setup
 * provides the endpoints.
 *
 * @example
 * const { dynamoDb, sqs, queueUrlBase } = testEnvironment();
 */
export function testEnvironment(): TestEnvironment {
  if (environment) return environment;
  const endpoints = inject('emulators');
  if (endpoints === undefined) {
    throw new Error('no emulators were provided: run this test in the "integration" project (vitest --project integration)');
  }
  environment = {
    ...endpoints,
    dynamoDb: new DynamoDBClient(localAwsConfig(endpoints.dynamoDbEndpoint)),
    sqs: new SQSClient(localAwsConfig(endpoints.sqsEndpoint)),
  };
  return environment;
}

/**
 * A name no other test uses, for a fresh table or queue prefix per test.
 *
 * @example
 * uniqueName('jobs'); // 'jobs-3f2a9c1d'
 */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
