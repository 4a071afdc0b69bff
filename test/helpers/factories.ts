/**
 * Factories for the values tests pass around: job messages and records, catalog
 * entries, request bodies and Lambda events. Each returns a valid, deterministic
 * value (fixed ids and times) that a test overrides only where it matters, so a
 * test shows what it is about and not a page of pasted JSON.
 *
 * @example
 * const record = aJobRecord({ status: 'active', attempts: 1 });
 * const event = anSqsEvent([anSqsRecord({ body: encodeJobMessage(aJobMessage()) })]);
 */
import type { APIGatewayProxyEvent, SQSEvent, SQSRecord } from 'aws-lambda';
import type { NewJob } from '../../functions/adapters/job-store';
import type { AttemptRecord, JobMessage, JobRecord } from '../../functions/core/job';
import { parseQueueDefinition, type QueueDefinition, type QueueDefinitionInput } from '../../functions/core/queue-config';

/** The instant every factory uses as "now": 2026-01-01T00:00:00Z. */
export const FIXED_NOW = new Date('2026-01-01T00:00:00.000Z');

/** {@link FIXED_NOW} as ISO 8601, as records store it. */
export const FIXED_NOW_ISO = FIXED_NOW.toISOString();

/** The job id factories use unless told otherwise. */
export const A_JOB_ID = 'job-00000000-0000-4000-8000-000000000001';

/** The run id factories use unless told otherwise. */
export const A_RUN_ID = 'run-00000000-0000-4000-8000-000000000001';

/** The partner factories' jobs belong to unless told otherwise. */
export const A_PARTNER = 'acme';

/** The API key id of {@link A_PARTNER} in {@link anApiGatewayEvent} and {@link somePartnerKeys}. */
export const A_PARTNER_KEY_ID = 'key-1';

/** A second partner, for tests of what one partner may do to another's jobs. */
export const OTHER_PARTNER = 'globex';

/** The API key id of {@link OTHER_PARTNER} in {@link somePartnerKeys}. */
export const OTHER_PARTNER_KEY_ID = 'key-2';

/** The partners by API key id, as the ingest and status functions get them: {@link A_PARTNER} and {@link OTHER_PARTNER}. */
export function somePartnerKeys(): ReadonlyMap<string, string> {
  return new Map([
    [A_PARTNER_KEY_ID, A_PARTNER],
    [OTHER_PARTNER_KEY_ID, OTHER_PARTNER],
  ]);
}

/** A queue message body, as the ingest sends and a consumer decodes it. */
export function aJobMessage(overrides: Partial<JobMessage> = {}): JobMessage {
  return {
    jobId: A_JOB_ID,
    runId: A_RUN_ID,
    queue: 'payments',
    name: 'stk_push',
    data: { intentId: 'intent-42', amount: 1000 },
    priority: 'normal',
    correlationId: 'corr-1',
    partner: A_PARTNER,
    ...overrides,
  };
}

/** One attempt in a job's history: by default a first attempt that completed. */
export function anAttemptRecord(overrides: Partial<AttemptRecord> = {}): AttemptRecord {
  return { attempt: 1, at: FIXED_NOW_ISO, outcome: 'completed', durationMs: 120, ...overrides };
}

/** A job's state item: by default a fresh `waiting` job on `payments`, never attempted. */
export function aJobRecord(overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    jobId: A_JOB_ID,
    runId: A_RUN_ID,
    queue: 'payments',
    name: 'stk_push',
    status: 'waiting',
    priority: 'normal',
    attempts: 0,
    maxAttempts: 3,
    createdAt: FIXED_NOW_ISO,
    updatedAt: FIXED_NOW_ISO,
    correlationId: 'corr-1',
    partner: A_PARTNER,
    payloadBytes: 38,
    history: [],
    ...overrides,
  };
}

/**
 * A catalog entry as written (before defaults): the `payments` seed of the
 * catalog, minus its lanes, dedup and rate limit, so each test adds what it
 * needs.
 */
export function aQueueDefinitionInput(overrides: Partial<QueueDefinitionInput> = {}): QueueDefinitionInput {
  return {
    name: 'payments',
    concurrency: 10,
    attempts: 3,
    backoff: { type: 'exponential', delayMs: 2000 },
    timeoutMs: 30_000,
    ...overrides,
  };
}

/**
 * A checked catalog entry with every default filled in, built through
 * `parseQueueDefinition` so it is exactly what the stack and functions see.
 * Throws (a `ConfigError`) if the overrides make it invalid.
 */
export function aQueueDefinition(overrides: Partial<QueueDefinitionInput> = {}): QueueDefinition {
  return parseQueueDefinition(aQueueDefinitionInput(overrides));
}

/** A `POST /jobs/{queue}` body, snake_case as partners send it: by default only `data`. */
export function aJobRequestBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { data: { intentId: 'intent-42', amount: 1000 }, ...overrides };
}

/** What the ingest asks the job store to create: by default an immediate `waiting` job. */
export function aNewJob(overrides: Partial<NewJob> = {}): NewJob {
  return {
    message: aJobMessage(),
    lane: 'normal',
    status: 'waiting',
    maxAttempts: 3,
    now: FIXED_NOW,
    dueAt: FIXED_NOW,
    viaSweeper: false,
    delaySeconds: 0,
    payloadBytes: 38,
    partner: A_PARTNER,
    ...overrides,
  };
}

/**
 * One SQS record as a consumer receives it. The body defaults to an encoded
 * {@link aJobMessage}; `receiveCount` sets `ApproximateReceiveCount`.
 */
export function anSqsRecord(overrides: Partial<SQSRecord> & { readonly receiveCount?: number } = {}): SQSRecord {
  const { receiveCount = 1, attributes, ...rest } = overrides;
  return {
    messageId: 'msg-00000000-0000-4000-8000-000000000001',
    receiptHandle: 'receipt-1',
    body: JSON.stringify(aJobMessage()),
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: String(FIXED_NOW.getTime()),
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: String(FIXED_NOW.getTime()),
      ...attributes,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:jobs-payments',
    awsRegion: 'eu-west-1',
    ...rest,
  };
}

/** An SQS event for a consumer: by default one {@link anSqsRecord}. */
export function anSqsEvent(records: SQSRecord[] = [anSqsRecord()]): SQSEvent {
  return { Records: records };
}

/**
 * A REST API (API Gateway v1 proxy) event, sent with the API key of
 * {@link A_PARTNER} (key id {@link A_PARTNER_KEY_ID}); `apiKeyId` sends another
 * key's id, or none with `null`. Pass `body` as an object to have it
 * serialized, or as a string to send it verbatim (for malformed JSON).
 */
export function anApiGatewayEvent(
  overrides: Partial<Omit<APIGatewayProxyEvent, 'body'>> & { readonly body?: unknown; readonly apiKeyId?: string | null } = {},
): APIGatewayProxyEvent {
  const { body, apiKeyId = A_PARTNER_KEY_ID, ...rest } = overrides;
  const method = rest.httpMethod ?? 'POST';
  const path = rest.path ?? '/jobs/payments';
  return {
    httpMethod: method,
    path,
    resource: '/jobs/{id}',
    pathParameters: { id: 'payments' },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    headers: { 'content-type': 'application/json', 'x-api-key': 'test-api-key' },
    multiValueHeaders: {},
    stageVariables: null,
    isBase64Encoded: false,
    body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api-1',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: 'test-api-key',
        apiKeyId,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '203.0.113.10',
        user: null,
        userAgent: 'vitest',
        userArn: null,
      },
      path: `/test${path}`,
      stage: 'test',
      requestId: 'req-1',
      requestTimeEpoch: FIXED_NOW.getTime(),
      resourceId: 'res-1',
      resourcePath: rest.resource ?? '/jobs/{id}',
    },
    ...rest,
  };
}

/**
 * A `random()` that returns the given values in turn, then repeats the last:
 * for code that takes an injected random source.
 */
export function randomSequence(...values: number[]): () => number {
  let index = 0;
  return () => {
    const value = values[Math.min(index, values.length - 1)] ?? 0;
    index += 1;
    return value;
  };
}

/** A seeded pseudo-random source in [0, 1), for property-style tests that must replay the same cases on every run. */
export { seededRandom } from '../../bench/stats';
