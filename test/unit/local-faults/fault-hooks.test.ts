import { describe, expect, it } from 'vitest';
import { DYNAMODB_FAULT, FaultHooks } from '../../../local/cloud/fault-hooks';

const lane = (name: string) => `http://sqs.us-east-1.local@127.0.0.1:4566/000000000000/${name}`;

describe('FaultHooks', () => {
  it('fails sends to every lane of a queue, and nothing else, until restored', () => {
    // Prepare
    const hooks = new FaultHooks();

    // Act
    hooks.failSendsTo('email');

    // Assess
    expect(hooks.failsSqsCall('SendMessageBatch', lane('jobs-dev-email'))).toBe(true);
    expect(hooks.failsSqsCall('SendMessage', lane('jobs-dev-email'))).toBe(true);
    expect(hooks.failsSqsCall('SendMessage', lane('jobs-dev-email-dlq'))).toBe(false);
    expect(hooks.failsSqsCall('ReceiveMessage', lane('jobs-dev-email'))).toBe(false);
    expect(hooks.failsSqsCall('SendMessage', lane('jobs-dev-webhook-delivery-urgent'))).toBe(false);
    hooks.restoreSends('email');
    expect(hooks.failsSqsCall('SendMessage', lane('jobs-dev-email'))).toBe(false);
  });

  it('hands the batches of a queue with lanes over twice, and others once', () => {
    // Prepare
    const hooks = new FaultHooks();

    // Act
    hooks.duplicateDeliveries('webhook-delivery');

    // Assess
    expect(hooks.copiesOfBatch(lane('jobs-dev-webhook-delivery-urgent'))).toBe(2);
    expect(hooks.copiesOfBatch(lane('jobs-dev-webhook-delivery'))).toBe(2);
    expect(hooks.copiesOfBatch(lane('jobs-dev-email'))).toBe(1);
  });

  it('fails the share of DynamoDB requests asked for, with the faults asked for, and none once reset', () => {
    // Prepare
    const hooks = new FaultHooks();

    // Act
    hooks.failDynamoDb(1, [DYNAMODB_FAULT.throttle]);
    const always = Array.from({ length: 20 }, () => hooks.dynamoDbFault());
    hooks.reset();
    const never = Array.from({ length: 20 }, () => hooks.dynamoDbFault());

    // Assess
    expect(new Set(always)).toEqual(new Set([DYNAMODB_FAULT.throttle]));
    expect(new Set(never)).toEqual(new Set([undefined]));
    expect(() => hooks.failDynamoDb(1.5)).toThrow(/from 0 to 1/);
  });

  it('refuses to crash or freeze before a local cloud binds it', async () => {
    // Prepare
    const hooks = new FaultHooks();

    // Act / Assess
    expect(() => hooks.crashBusyInstances('ingest')).toThrow(/not bound/);
    await expect(hooks.freezeDynamoDb(10)).rejects.toThrow(/not bound/);
  });
});
