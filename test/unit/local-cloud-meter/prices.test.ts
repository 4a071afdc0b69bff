import { describe, expect, it } from 'vitest';
import { sqsActionKey, UsageMeter, type MeterReading } from '../../../local/cloud/meter';
import { costOf, LAMBDA_PLATFORM_LOG_BYTES_PER_INVOCATION, PRICES } from '../../../local/cloud/prices';

const none: MeterReading = new UsageMeter().reading();

describe('costOf', () => {
  it('prices a million of each billed unit at the list prices', () => {
    // Prepare
    const usage: MeterReading = { ...none, apiRequests: 1e6, dynamoWriteUnits: 1e6, dynamoReadUnits: 1e6, sqsRequests: 1e6, bySqsAction: { SendMessageBatch: 1e6 } };

    // Act
    const cost = costOf(usage);

    // Assess
    expect(cost.byService.apiGateway).toBeCloseTo(3.5, 9);
    expect(cost.byService.dynamoDb).toBeCloseTo(0.625 + 0.125, 9);
    expect(cost.byService.sqs).toBeCloseTo(0.4, 9);
    expect(cost.usd).toBeCloseTo(3.5 + 0.75 + 0.4, 9);
  });

  it('prices requests on FIFO queues at the FIFO price', () => {
    // Prepare
    const meter = new UsageMeter();
    for (let call = 0; call < 1000; call += 1) {
      meter.sqsCall(sqsActionKey('SendMessage', { fifo: true }), 100);
      meter.sqsCall(sqsActionKey('SendMessage'), 100);
    }

    // Act
    const cost = costOf(meter.reading());

    // Assess
    expect(cost.byService.sqs).toBeCloseTo(1000 * (0.5 + 0.4) / 1e6, 12);
  });

  it('prices Lambda on requests and Arm GB-seconds, and logs with Lambda’s own lines', () => {
    // Prepare: a million 100 ms invocations at 1024 MB, each logging 200 bytes
    const usage: MeterReading = { ...none, lambdaInvocations: 1e6, lambdaGbSeconds: 1e5, logBytes: 200e6 };

    // Act
    const cost = costOf(usage);

    // Assess
    expect(cost.byService.lambda).toBeCloseTo(0.2 + 1e5 * 0.0000133334, 9);
    expect(cost.byService.cloudWatchLogs).toBeCloseTo(((200 + LAMBDA_PLATFORM_LOG_BYTES_PER_INVOCATION) * 1e6 / 1024 ** 3) * 0.5, 9);
  });

  it('costs nothing for no usage', () => {
    // Act
    const cost = costOf(none);

    // Assess
    expect(cost.usd).toBe(0);
    expect(Object.keys(cost.byService).sort()).toEqual(['apiGateway', 'cloudWatchLogs', 'dynamoDb', 'lambda', 'sqs']);
  });

  it('holds the documented list prices', () => {
    // Assess
    expect(PRICES.secretsManagerPerCall * 10_000).toBeCloseTo(0.05, 12);
    expect(PRICES.lambdaArmPerGbSecond).toBe(0.0000133334);
  });
});
