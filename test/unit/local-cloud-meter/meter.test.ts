import { describe, expect, it } from 'vitest';
import { idlePollBilledRequests, idlePollRequests, LAMBDA_IDLE_POLLERS, lambdaBilledMs, logEventBytes, sqsActionKey, sqsBilledRequests, usageBetween, UsageMeter } from '../../../local/cloud/meter';

describe('sqsBilledRequests', () => {
  it('bills each started 64 KiB of payload as one request, and an empty call as one', () => {
    // Act
    const counts = [0, 1, 65_536, 65_537, 256 * 1024, 1024 * 1024].map(sqsBilledRequests);

    // Assess
    expect(counts).toEqual([1, 1, 1, 2, 4, 16]);
  });
});

describe('lambdaBilledMs', () => {
  it('rounds the duration up to the next millisecond, never below 1 ms', () => {
    // Act
    const billed = [0, 0.2, 1, 12.01, 13].map(lambdaBilledMs);

    // Assess
    expect(billed).toEqual([1, 1, 1, 13, 13]);
  });
});

describe('UsageMeter', () => {
  it('sums GB-seconds on billed milliseconds × memory in GB (1024 MB)', () => {
    // Prepare
    const meter = new UsageMeter();

    // Act: 12.01 ms bills 13 ms; 128 MB is 0.125 GB
    meter.lambdaInvocation('ingest', 12.01, 256);
    meter.lambdaInvocation('ingest', 99.5, 128);
    meter.lambdaInvocation('consumer', 1000, 1024);
    const reading = meter.reading();

    // Assess
    expect(reading.lambdaInvocations).toBe(3);
    expect(reading.byFunction.ingest?.invocations).toBe(2);
    expect(reading.byFunction.ingest?.gbSeconds).toBeCloseTo(0.013 * 0.25 + 0.1 * 0.125, 12);
    expect(reading.byFunction.consumer?.gbSeconds).toBe(1);
    expect(reading.lambdaGbSeconds).toBeCloseTo(1 + 0.013 * 0.25 + 0.1 * 0.125, 12);
  });

  it('counts log bytes per function and in all', () => {
    // Prepare
    const meter = new UsageMeter();

    // Act
    meter.logBytes('ingest', 120);
    meter.logBytes('consumer', 30);
    meter.logBytes('ingest', 5);

    // Assess
    const reading = meter.reading();
    expect(reading.logBytes).toBe(155);
    expect(reading.byFunction.ingest?.logBytes).toBe(125);
    expect(reading.byFunction.ingest?.invocations).toBe(0);
  });

  it('counts SQS requests per 64 KiB chunk by action, with the pollers’ idle receives apart', () => {
    // Prepare
    const meter = new UsageMeter();

    // Act
    meter.sqsCall(sqsActionKey('SendMessageBatch'), 300 * 1024);
    meter.sqsCall(sqsActionKey('ReceiveMessage', { poller: true }), 5_000);
    meter.sqsIdlePoll(sqsActionKey('ReceiveMessage', { poller: true, empty: true }), 4_000);
    meter.sqsIdlePoll(sqsActionKey('ReceiveMessage', { poller: true, empty: true, fifo: true }), 2_000);
    meter.sqsCall(sqsActionKey('DeleteMessageBatch', { poller: true }), 0);
    const reading = meter.reading();

    // Assess
    expect(reading.bySqsAction).toEqual({
      SendMessageBatch: 5,
      'poller:ReceiveMessage': 1,
      'poller:ReceiveMessage:empty': 1,
      'poller:ReceiveMessage:empty.fifo': 0.5,
      'poller:DeleteMessageBatch': 1,
    });
    expect(reading.sqsRequests).toBe(8.5);
    expect(idlePollRequests(reading)).toBe(1.5);
  });

  it('bills an idle poll by its wait, as five pollers long-polling 20 s each would', () => {
    // Act / Assess: a second of local idling is a second of Lambda's five pollers: 5 × 1/20 of a request.
    expect(idlePollBilledRequests(1_000)).toBe(0.25);
    expect(idlePollBilledRequests(20_000)).toBe(LAMBDA_IDLE_POLLERS);
    expect(idlePollBilledRequests(20_000 / LAMBDA_IDLE_POLLERS)).toBe(1);
    expect(idlePollBilledRequests(-5)).toBe(0);
  });

  it('sums DynamoDB units by action, with half units for eventually consistent reads', () => {
    // Prepare
    const meter = new UsageMeter();

    // Act
    meter.dynamoCall('PutItem', { writeUnits: 2, readUnits: 0 });
    meter.dynamoCall('GetItem', { writeUnits: 0, readUnits: 0.5 });
    meter.dynamoCall('GetItem', { writeUnits: 0, readUnits: 1 });
    meter.dynamoCall('DescribeTable', { writeUnits: 0, readUnits: 0 });

    // Assess
    const reading = meter.reading();
    expect(reading.dynamoWriteUnits).toBe(2);
    expect(reading.dynamoReadUnits).toBe(1.5);
    expect(reading.byDynamoAction).toEqual({
      PutItem: { writeUnits: 2, readUnits: 0, calls: 1 },
      GetItem: { writeUnits: 0, readUnits: 1.5, calls: 2 },
      DescribeTable: { writeUnits: 0, readUnits: 0, calls: 1 },
    });
  });

  it('gives each reading as a copy the meter does not change afterwards', () => {
    // Prepare
    const meter = new UsageMeter();
    meter.dynamoCall('PutItem', { writeUnits: 1, readUnits: 0 });
    const before = meter.reading();

    // Act
    meter.dynamoCall('PutItem', { writeUnits: 1, readUnits: 0 });
    meter.apiRequest();

    // Assess
    expect(before.byDynamoAction.PutItem?.writeUnits).toBe(1);
    expect(before.apiRequests).toBe(0);
    expect(meter.reading().apiRequests).toBe(1);
  });
});

describe('usageBetween', () => {
  it('is the later reading less the earlier one, leaving out what did not change', () => {
    // Prepare
    const meter = new UsageMeter();
    meter.apiRequest();
    meter.lambdaInvocation('ingest', 10, 1024);
    meter.lambdaInvocation('sweeper', 10, 1024);
    meter.sqsCall('SendMessage', 10);
    meter.dynamoCall('PutItem', { writeUnits: 1, readUnits: 0 });
    const a = meter.reading();
    meter.apiRequest();
    meter.apiRequest();
    meter.lambdaInvocation('ingest', 20, 1024);
    meter.logBytes('ingest', 40);
    meter.sqsCall('SendMessageBatch', 10);
    meter.dynamoCall('PutItem', { writeUnits: 3, readUnits: 0 });
    meter.dynamoCall('Query', { writeUnits: 0, readUnits: 0.5 });

    // Act
    const usage = usageBetween(a, meter.reading());

    // Assess
    expect(usage).toEqual({
      apiRequests: 2,
      lambdaInvocations: 1,
      lambdaGbSeconds: expect.closeTo(0.02, 12) as number,
      sqsRequests: 1,
      dynamoWriteUnits: 3,
      dynamoReadUnits: 0.5,
      logBytes: 40,
      byFunction: { ingest: { invocations: 1, gbSeconds: expect.closeTo(0.02, 12) as number, logBytes: 40 } },
      bySqsAction: { SendMessageBatch: 1 },
      byDynamoAction: { PutItem: { writeUnits: 3, readUnits: 0, calls: 1 }, Query: { writeUnits: 0, readUnits: 0.5, calls: 1 } },
    });
  });
});

describe('logEventBytes', () => {
  it('counts each line’s UTF-8 bytes without its line break', () => {
    // Act
    const sizes = [logEventBytes('{"level":"INFO"}\n'), logEventBytes('a\nbc\n'), logEventBytes(Buffer.from('é\n')), logEventBytes('')];

    // Assess
    expect(sizes).toEqual([16, 3, 2, 0]);
  });
});
