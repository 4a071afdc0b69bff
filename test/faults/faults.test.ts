import { describe, it } from 'vitest';
import { consumerKilledMidBatch } from './cases/consumer-crash';
import { duplicateDelivery } from './cases/duplicate-delivery';
import { dynamoDbAnsweringErrors, dynamoDbFrozenUnderLoad } from './cases/dynamodb-faults';
import { fifoBurstOnRateLimitedQueue } from './cases/fifo-burst';
import { ingestSendLost } from './cases/ingest-send-lost';
import { mostAttemptsAlwaysFailing } from './cases/max-attempts';
import { MIXED_LOAD, mixedLoad } from './cases/mixed-load';
import { flappingTarget, redriveAllWhileFailing } from './cases/target-faults';

/*
 * Every case runs on its own queue(s), at the same time as the others (the
 * suite must fit in minutes, and the promise must hold whatever else goes on);
 * the DynamoDB errors, which would reach every queue's jobs, run alone after.
 * Each case ends in exact reconciliation (support/reconcile.ts).
 */
describe.concurrent('no accepted job lost, stuck or run twice, under faults', () => {
  it('a consumer worker killed mid-batch', consumerKilledMidBatch, 240_000);
  it('the ingest losing its send after the record', ingestSendLost, 240_000);
  it('the same batch delivered twice at once', duplicateDelivery, 240_000);
  it('a request for the most attempts (25) against a target that always fails', mostAttemptsAlwaysFailing, 240_000);
  it('a flapping target', flappingTarget, 240_000);
  it('redrive-all while jobs keep failing', redriveAllWhileFailing, 300_000);
  it('a burst in one FIFO group on a rate-limited queue', fifoBurstOnRateLimitedQueue, 240_000);
  it('DynamoDB Local frozen (SIGSTOP) for 10 s under load', dynamoDbFrozenUnderLoad, 240_000);
  it(`a mixed load of ${MIXED_LOAD} jobs`, mixedLoad, 360_000);
});

describe('no accepted job lost, stuck or run twice, under DynamoDB errors', () => {
  it('DynamoDB Local answering errors', dynamoDbAnsweringErrors, 240_000);
});
