import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CompactLogFormatter } from '../../../functions/handlers/compact-log-formatter';
import { serviceLogger } from '../../../functions/handlers/runtime';

const REQUEST_ID = '8f0c2a3e-2f4b-4b7e-9a0e-1f2e3d4c5b6a';

/** A Lambda context as the runtime passes it. */
function aLambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'consumer-payments',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:consumer-payments',
    memoryLimitInMB: '256',
    awsRequestId: REQUEST_ID,
    logGroupName: '/aws/lambda/consumer-payments',
    logStreamName: '2026/12/01/[$LATEST]abc',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Every line the loggers write to stdout and stderr while `act` runs, parsed. */
function writtenRecords(act: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const capture = (chunk: string | Uint8Array): boolean => {
    lines.push(String(chunk));
    return true;
  };
  const spies = [vi.spyOn(process.stdout, 'write').mockImplementation(capture), vi.spyOn(process.stderr, 'write').mockImplementation(capture)];
  try {
    act();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return lines.join('').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('CompactLogFormatter', () => {
  // Lambda sets it on an on-demand instance: Powertools says cold_start only then.
  beforeEach(() => vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand'));
  afterEach(() => vi.unstubAllEnvs());

  it('writes level, message, service and request id, then the event keys, and none of the static context', () => {
    // Prepare
    const logger = new Logger({ serviceName: 'consumer-payments', logLevel: 'INFO', logFormatter: new CompactLogFormatter() });
    logger.addContext(aLambdaContext());

    // Act
    const records = writtenRecords(() => logger.info('job completed', { job_id: 'j-1', queue: 'payments', attempt: 1, duration_ms: 12 }));

    // Assess: cold_start is true on the first invocation's lines only
    expect(records).toHaveLength(1);
    expect(Object.keys(records[0] ?? {})).toEqual(['level', 'message', 'service', 'request_id', 'cold_start', 'job_id', 'queue', 'attempt', 'duration_ms']);
    expect(records[0]).toMatchObject({ level: 'INFO', message: 'job completed', service: 'consumer-payments', request_id: REQUEST_ID, cold_start: true, job_id: 'j-1' });
  });

  it('leaves out cold_start on a warm invocation and the request id outside one', () => {
    // Prepare
    const warm = new Logger({ serviceName: 'ingest', logFormatter: new CompactLogFormatter() });
    // The first invocation is the cold one.
    warm.addContext(aLambdaContext());
    const outside = new Logger({ serviceName: 'ingest', logFormatter: new CompactLogFormatter() });

    // Act
    const records = writtenRecords(() => {
      warm.addContext(aLambdaContext());
      warm.info('second invocation');
      outside.info('no invocation');
    });

    // Assess
    expect(records).toEqual([
      { level: 'INFO', message: 'second invocation', service: 'ingest', request_id: REQUEST_ID },
      { level: 'INFO', message: 'no invocation', service: 'ingest' },
    ]);
  });

  it('keeps an error with its name, message and stack, and child loggers keep the format', () => {
    // Prepare
    const logger = new Logger({ serviceName: 'consumer-payments', logFormatter: new CompactLogFormatter() });
    const child = logger.createChild({ persistentKeys: { job_id: 'j-1' } });

    // Act
    const records = writtenRecords(() => child.error('message returned to the queue after an unexpected error', { error: new TypeError('bad input') }));

    // Assess
    expect(records[0]).toMatchObject({ level: 'ERROR', service: 'consumer-payments', job_id: 'j-1', error: { name: 'TypeError', message: 'bad input', stack: expect.stringContaining('TypeError: bad input') } });
    expect(records[0]).not.toHaveProperty('timestamp');
    expect(records[0]).not.toHaveProperty('sampling_rate');
  });
});

describe('serviceLogger', () => {
  beforeEach(() => vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand'));
  afterEach(() => vi.unstubAllEnvs());

  it('writes the compact record', () => {
    // Prepare
    const logger = serviceLogger('ingest');
    logger.addContext(aLambdaContext());

    // Act
    const records = writtenRecords(() => logger.info('batch accepted', { queue: 'payments', accepted: 100, rejected: 0 }));

    // Assess
    expect(records[0]).toEqual({ level: 'INFO', message: 'batch accepted', service: 'ingest', request_id: REQUEST_ID, cold_start: true, queue: 'payments', accepted: 100, rejected: 0 });
  });
});
