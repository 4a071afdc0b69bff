import { describe, expect, it } from 'vitest';
import { BatchProcessor } from '../../../functions/handlers/workflows/process-batch';
import { aJobMessage, aQueueDefinition } from '../../helpers/factories';
import { anAwsRecord, consumerDeps, stringAttribute } from './consumer-fakes';

/** A standard queue without a rate limit. */
const webhooks = aQueueDefinition({ name: 'order-routing', attempts: 3, backoff: { type: 'exponential', delayMs: 5000, jitter: 0 }, timeoutMs: 60_000 });

/** A message of a job the ingest recorded without a schedule entry. */
const unindexedMessage = () => aJobMessage({ queue: webhooks.name, unindexed: true });

describe('BatchProcessor: the message of a job recorded without a schedule entry', () => {
  it('claims it on its first receive without writing the entry, since SQS holds the message meanwhile', async () => {
    // Prepare
    const { deps, store } = consumerDeps(webhooks);

    // Act
    await new BatchProcessor(deps).process({ Records: [anAwsRecord({ definition: webhooks, message: unindexedMessage(), receiveCount: 1 })] });

    // Assess
    expect(store.claim.mock.calls[0]?.[4]).toEqual({ firstReceiveUnindexed: true });
  });

  it('claims it on a later receive as any job, so the claim gives it its entry for the stuck detector', async () => {
    // Prepare: the first holder vanished, or its attempt failed
    const { deps, store } = consumerDeps(webhooks);

    // Act
    await new BatchProcessor(deps).process({ Records: [anAwsRecord({ definition: webhooks, message: unindexedMessage(), receiveCount: 2 })] });

    // Assess
    expect(store.claim.mock.calls[0]?.[4]).toEqual({});
  });

  it('claims a first receive of a message without the mark as any job', async () => {
    // Prepare
    const { deps, store } = consumerDeps(webhooks);

    // Act
    await new BatchProcessor(deps).process({ Records: [anAwsRecord({ definition: webhooks, receiveCount: 1 })] });

    // Assess
    expect(store.claim.mock.calls[0]?.[4]).toEqual({});
  });

  it('claims a redriven letter that still carries the mark as a letter only', async () => {
    // Prepare: a letter as a message move task returns it to the lane, attributes kept (its failed run spent 4 attempts)
    const { deps, store } = consumerDeps(webhooks);
    const failedAt = '2025-12-31T23:00:00.000Z';
    const message = unindexedMessage();
    const record = anAwsRecord({
      definition: webhooks,
      message,
      receiveCount: 1,
      messageAttributes: {
        failed_at: stringAttribute(failedAt),
        job_id: stringAttribute(message.jobId),
        attempts: stringAttribute('4', 'Number'),
        failure_reason: stringAttribute('HTTP 503'),
        failure_category: stringAttribute('server'),
        source_queue: stringAttribute(webhooks.name),
      },
    });

    // Act
    await new BatchProcessor(deps).process({ Records: [record] });

    // Assess
    expect(store.claim.mock.calls[0]?.[4]).toEqual({
      letter: { failedAt: new Date(failedAt), message, lane: 'default', maxAttempts: 4 },
    });
  });
});
