import { describe, expect, it, vi } from 'vitest';
import { JobFailedError, PipelineError } from '../../../functions/core/errors';
import { MAX_ATTEMPTS } from '../../../functions/core/job-request';
import { maxReceiveCount } from '../../../functions/core/lanes';
import { ERROR_RETRY_JITTER_SECONDS, ERROR_RETRY_SECONDS, LETTER_GRACE_MS } from '../../../functions/handlers/workflows/consumer-deps';
import { BatchProcessor } from '../../../functions/handlers/workflows/process-batch';
import { PAUSED_DELAY_SECONDS } from '../../../functions/handlers/workflows/paused-batch';
import { aJobMessage, aJobRecord, aQueueDefinition, FIXED_NOW } from '../../helpers/factories';
import { aFailedRecord, anAwsRecord, consumerDeps, stringAttribute } from './consumer-fakes';

/** A standard queue without a rate limit. */
const webhooks = aQueueDefinition({ name: 'order-routing', attempts: 3, backoff: { type: 'exponential', delayMs: 5000, jitter: 0 }, timeoutMs: 60_000 });

describe('BatchProcessor: SQS\'s receive limit never moves a job bare', () => {
  it('re-sends a fresh copy of a retrying job whose next receive would pass the limit, carrying its first enqueue time', async () => {
    // Prepare: a 25-attempt job, attempt 2 of 25 fails; its message was received as often as SQS allows
    const { deps, store, queues, processor } = consumerDeps(webhooks);
    store.claim.mockResolvedValue({ claimed: true, job: aJobRecord({ queue: webhooks.name, status: 'active', attempts: 2, maxAttempts: MAX_ATTEMPTS }) });
    processor.mockRejectedValue(new JobFailedError('HTTP 503', 'server'));
    const record = anAwsRecord({ definition: webhooks, receiveCount: maxReceiveCount(webhooks), sentAt: FIXED_NOW.getTime() - 60_000 });

    // Act
    const response = await new BatchProcessor(deps).process({ Records: [record] });

    // Assess: a copy waits out the backoff (10 s); the original goes; nothing is dead-lettered; the record is fenced until just before the copy's return
    expect(response.batchItemFailures).toEqual([]);
    expect(queues.send).toHaveBeenCalledWith(deps.lanes[0]?.url, expect.objectContaining({ delaySeconds: 10, firstEnqueuedAt: new Date(FIXED_NOW.getTime() - 60_000) }));
    expect(queues.changeVisibility).not.toHaveBeenCalled();
    expect(queues.moveToDeadLetter).not.toHaveBeenCalled();
    expect(store.retry.mock.calls[0]?.[1].retryAt?.getTime()).toBe(FIXED_NOW.getTime() + 9_900);
  });

  it('drops the unindexed mark from that copy, so its first claim writes the schedule entry', async () => {
    // Prepare: an unindexed job, claimed on an earlier receive, at the receive limit
    const { deps, store, queues, processor } = consumerDeps(webhooks);
    store.claim.mockResolvedValue({ claimed: true, job: aJobRecord({ queue: webhooks.name, status: 'active', attempts: 2, maxAttempts: MAX_ATTEMPTS }) });
    processor.mockRejectedValue(new JobFailedError('HTTP 503', 'server'));
    const message = aJobMessage({ queue: webhooks.name, unindexed: true });
    const record = anAwsRecord({ definition: webhooks, message, receiveCount: maxReceiveCount(webhooks) });

    // Act
    await new BatchProcessor(deps).process({ Records: [record] });

    // Assess: the same job, without the mark
    const copy = queues.send.mock.calls[0]?.[1].message;
    expect(copy).toMatchObject({ jobId: message.jobId, runId: message.runId });
    expect(copy).not.toHaveProperty('unindexed');
  });

  it('returns a retrying job for its backoff while it has receives left', async () => {
    // Prepare
    const { deps, store, queues, processor } = consumerDeps(webhooks);
    processor.mockRejectedValue(new JobFailedError('HTTP 503', 'server'));
    const record = anAwsRecord({ definition: webhooks, receiveCount: 1 });

    // Act
    const response = await new BatchProcessor(deps).process({ Records: [record] });

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(queues.changeVisibility).toHaveBeenCalledWith(deps.lanes[0]?.url, [{ receiptHandle: record.receiptHandle, seconds: 5 }]);
    expect(store.retry).toHaveBeenCalledTimes(1);
    expect(queues.send).not.toHaveBeenCalled();
  });
});

describe('BatchProcessor: the retry_at fence', () => {
  it('returns an early copy of a retrying job for the rest of its wait', async () => {
    // Prepare: the job is due in 7.2 s
    const { deps, store, queues, processor } = consumerDeps(webhooks);
    store.claim.mockResolvedValue({
      claimed: false,
      reason: 'not_due',
      job: aJobRecord({ status: 'retrying', attempts: 1, retryAt: new Date(FIXED_NOW.getTime() + 7200).toISOString() }),
    });
    const record = anAwsRecord({ definition: webhooks, receiveCount: 2 });

    // Act
    const response = await new BatchProcessor(deps).process({ Records: [record] });

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(queues.changeVisibility).toHaveBeenCalledWith(deps.lanes[0]?.url, [{ receiptHandle: record.receiptHandle, seconds: 8 }]);
    expect(processor).not.toHaveBeenCalled();
  });
});

describe('BatchProcessor: unexpected errors', () => {
  it('returns the message after a few seconds, not the queue\'s visibility timeout', async () => {
    // Prepare: the store is down
    const { deps, store, queues } = consumerDeps(webhooks, { random: () => 0.5 });
    store.claim.mockRejectedValue(new PipelineError('claim failed: ProvisionedThroughputExceededException'));
    const record = anAwsRecord({ definition: webhooks });

    // Act
    const response = await new BatchProcessor(deps).process({ Records: [record] });

    // Assess
    const seconds = ERROR_RETRY_SECONDS + Math.round(0.5 * ERROR_RETRY_JITTER_SECONDS);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(queues.changeVisibility).toHaveBeenCalledWith(deps.lanes[0]?.url, [{ receiptHandle: record.receiptHandle, seconds }]);
    expect(response.tally.error).toBe(1);
  });

  it('still returns the message (after the visibility timeout) when shortening its visibility fails too', async () => {
    // Prepare
    const { deps, store, queues } = consumerDeps(webhooks);
    store.claim.mockRejectedValue(new PipelineError('claim failed'));
    queues.changeVisibility.mockRejectedValue(new PipelineError('change visibility failed'));
    const record = anAwsRecord({ definition: webhooks });

    // Act
    const response = await new BatchProcessor(deps).process({ Records: [record] });

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(queues.changeVisibility).toHaveBeenCalledTimes(1);
  });
});

describe('BatchProcessor: dead-lettering writes the record first', () => {
  it('fails the record (letter pending), then sends the letter, then clears the mark', async () => {
    // Prepare
    const { deps, store, queues, processor } = consumerDeps(webhooks);
    processor.mockRejectedValue(new JobFailedError('HTTP 400', 'client'));

    // Act
    await new BatchProcessor(deps).process({ Records: [anAwsRecord({ definition: webhooks })] });

    // Assess
    expect(store.fail.mock.calls[0]?.[1].letterPending).toBe(true);
    const [failed] = store.fail.mock.invocationCallOrder;
    const [sent] = queues.moveToDeadLetter.mock.invocationCallOrder;
    const [marked] = store.markLettered.mock.invocationCallOrder;
    expect(failed).toBeLessThan(sent ?? 0);
    expect(sent).toBeLessThan(marked ?? 0);
  });

  it('keeps the message when the letter cannot be sent, and a later copy sends it from the record', async () => {
    // Prepare: the first send fails
    const { deps, store, queues, processor } = consumerDeps(webhooks);
    processor.mockRejectedValue(new JobFailedError('HTTP 400', 'client'));
    queues.moveToDeadLetter.mockRejectedValueOnce(new PipelineError('send failed'));
    const record = anAwsRecord({ definition: webhooks });

    // Act: the first receive
    const first = await new BatchProcessor(deps).process({ Records: [record] });

    // Assess: the message comes back; the record was failed once
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(store.fail).toHaveBeenCalledTimes(1);

    // Prepare: a receive after the grace finds the record failed with its letter still pending
    const failedAt = new Date(FIXED_NOW.getTime() - LETTER_GRACE_MS - 1000);
    store.claim.mockResolvedValue({
      claimed: false,
      reason: 'letter_due',
      job: aFailedRecord({ attempts: 1, failedAt: failedAt.toISOString(), letterPending: true, error: { category: 'client', message: 'HTTP 400' } }),
    });

    // Act
    const second = await new BatchProcessor(deps).process({ Records: [{ ...record, attributes: { ...record.attributes, ApproximateReceiveCount: '2' } }] });

    // Assess: the same letter goes, the mark goes, the message goes; the job does not run again
    expect(second.batchItemFailures).toEqual([]);
    const letter = queues.moveToDeadLetter.mock.calls[1]?.[1][0];
    expect(letter).toMatchObject({ jobId: aJobMessage().jobId, failure: { category: 'client', reason: 'HTTP 400', attempts: 1, failedAt } });
    expect(letter?.deduplicationId).toBe(`${aJobMessage().runId}.1.${failedAt.getTime()}`);
    expect(store.markLettered).toHaveBeenLastCalledWith(aJobMessage().jobId, aJobMessage().runId, failedAt);
    expect(processor).toHaveBeenCalledTimes(1);
    expect(store.fail).toHaveBeenCalledTimes(1);
  });
});

describe('BatchProcessor: a copy that finds the letter pending within the grace', () => {
  it('waits out the grace instead of sending a second letter, and does not run the job', async () => {
    // Prepare: another consumer failed the job 5 s ago and may still be sending its letter
    const { deps, store, queues, processor } = consumerDeps(webhooks);
    store.claim.mockResolvedValue({
      claimed: false,
      reason: 'letter_due',
      job: aFailedRecord({ attempts: 1, failedAt: new Date(FIXED_NOW.getTime() - 5000).toISOString(), letterPending: true }),
    });
    const record = anAwsRecord({ definition: webhooks, receiveCount: 2 });

    // Act
    const response = await new BatchProcessor(deps).process({ Records: [record] });

    // Assess: no letter; the copy comes back once the grace is over
    expect(queues.moveToDeadLetter).not.toHaveBeenCalled();
    expect(processor).not.toHaveBeenCalled();
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(queues.changeVisibility).toHaveBeenCalledWith(deps.lanes[0]?.url, [{ receiptHandle: record.receiptHandle, seconds: LETTER_GRACE_MS / 1000 - 5 }]);
  });
});

describe('BatchProcessor: redriven dead letters', () => {
  it('claims a letter (marked by its failed_at attribute) with what a reopen or rebuild needs', async () => {
    // Prepare: a letter as a message move task returns it to the lane, attributes kept
    const { deps, store } = consumerDeps(webhooks);
    const failedAt = '2025-12-31T23:00:00.000Z';
    const record = anAwsRecord({
      definition: webhooks,
      messageAttributes: {
        failed_at: stringAttribute(failedAt),
        job_id: stringAttribute(aJobMessage().jobId),
        attempts: stringAttribute('5', 'Number'),
        failure_reason: stringAttribute('HTTP 503'),
        failure_category: stringAttribute('server'),
        source_queue: stringAttribute(webhooks.name),
      },
    });

    // Act
    await new BatchProcessor(deps).process({ Records: [record] });

    // Assess
    expect(store.claim.mock.calls[0]?.[4]).toEqual({
      letter: { failedAt: new Date(failedAt), message: expect.objectContaining({ jobId: aJobMessage().jobId }), lane: 'default', maxAttempts: 5 },
    });
  });

  it('defers a letter as a copy that is still the letter (its marks carried), not a plain copy', async () => {
    // Prepare: a rate-limited queue with no slot near
    const limited = aQueueDefinition({ ...webhooks, rateLimit: { max: 100, durationMs: 1000 } });
    const { deps, queues, store, limiter } = consumerDeps(limited);
    limiter.reserve.mockResolvedValue({ slots: [], nextFreeMs: FIXED_NOW.getTime() + 3000, deferMs: 3000 });
    const failedAt = '2025-12-31T23:00:00.000Z';
    const jobId = aJobMessage().jobId;
    const record = anAwsRecord({
      definition: limited,
      messageAttributes: { failed_at: stringAttribute(failedAt), job_id: stringAttribute(jobId), attempts: stringAttribute('5', 'Number') },
    });

    // Act
    const response = await new BatchProcessor(deps).process({ Records: [record] });

    // Assess: the copy's claim can reopen the failed job; the original goes
    expect(response.tally.deferred).toBe(1);
    expect(queues.send).toHaveBeenCalledWith(deps.lanes[0]?.url, expect.objectContaining({ delaySeconds: 3, letter: { jobId, failedAt: new Date(failedAt), attempts: 5 } }));
    expect(store.claim).not.toHaveBeenCalled();
  });

  it('claims a plain copy without a letter, so a failed record drops it', async () => {
    // Prepare
    const { deps, store } = consumerDeps(webhooks);
    store.claim.mockResolvedValue({ claimed: false, reason: 'final', job: aFailedRecord() });

    // Act
    const response = await new BatchProcessor(deps).process({ Records: [anAwsRecord({ definition: webhooks })] });

    // Assess
    expect(store.claim.mock.calls[0]?.[4]).toEqual({});
    expect(response.tally.dropped).toBe(1);
  });
});

describe('BatchProcessor: queue wait from the first enqueue', () => {
  it('measures a deferred copy\'s wait from its first_enqueued_at, not from the copy\'s send', async () => {
    // Prepare: first enqueued a minute ago, the copy sent just now
    const { deps, publish } = consumerDeps(webhooks);
    const firstEnqueued = Date.now() - 60_000;
    const record = anAwsRecord({
      definition: webhooks,
      sentAt: Date.now(),
      messageAttributes: { first_enqueued_at: stringAttribute(String(firstEnqueued), 'Number') },
    });

    // Act
    await new BatchProcessor(deps).process({ Records: [record] });

    // Assess
    const [wait] = publish.mock.calls[0]?.[1].queueWaitMs ?? [];
    expect(wait).toBeGreaterThanOrEqual(60_000);
    expect(wait).toBeLessThan(120_000);
  });

  it('gives a rate-deferred copy the message\'s own send time as its first enqueue', async () => {
    // Prepare: a rate-limited standard queue with no slot near
    const limited = aQueueDefinition({ name: 'payments', rateLimit: { max: 100, durationMs: 1000 } });
    const { deps, queues, limiter } = consumerDeps(limited);
    limiter.reserve.mockResolvedValue({ slots: [], nextFreeMs: FIXED_NOW.getTime() + 3000, deferMs: 3000 });
    const sentAt = FIXED_NOW.getTime() - 20_000;

    // Act
    const response = await new BatchProcessor(deps).process({ Records: [anAwsRecord({ definition: limited, sentAt })] });

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(queues.send).toHaveBeenCalledWith(deps.lanes[0]?.url, expect.objectContaining({ delaySeconds: 3, firstEnqueuedAt: new Date(sentAt) }));
  });
});

describe('BatchProcessor: a paused queue', () => {
  it('hands a batch back without claiming or running a job when its pause item says paused', async () => {
    // Prepare: a deploy re-created an enabled mapping while the queue is paused
    const stopMappings = vi.fn(async () => undefined);
    const { deps, store, queues, processor } = consumerDeps(webhooks, { pause: { isPaused: async () => true, stopMappings } });
    const record = anAwsRecord({ definition: webhooks, receiveCount: 1 });

    // Act
    const response = await new BatchProcessor(deps).process({ Records: [record] });

    // Assess: the job is untouched; its message comes back later; the mappings are switched off again
    expect(store.claim).not.toHaveBeenCalled();
    expect(processor).not.toHaveBeenCalled();
    // On a standard queue a delayed copy goes and the received one is done: no receive is spent
    expect(queues.sendBatch).toHaveBeenCalledWith(deps.lanes[0]?.url, [expect.objectContaining({ delaySeconds: PAUSED_DELAY_SECONDS })]);
    expect(response.batchItemFailures).toEqual([]);
    expect(stopMappings).toHaveBeenCalledTimes(1);
  });

  it('disables the mappings of the function as it was invoked: through an alias, the alias’s', async () => {
    // Prepare: the queue's mappings invoke its `live` alias (provisioned concurrency)
    const stopMappings = vi.fn(async (_invokedFunctionArn?: string) => undefined);
    const { deps } = consumerDeps(webhooks, { pause: { isPaused: async () => true, stopMappings } });
    const aliasArn = 'arn:aws:lambda:us-east-1:123456789012:function:jobs-dev-consumer-webhooks:live';

    // Act
    await new BatchProcessor(deps).process({ Records: [anAwsRecord({ definition: webhooks, receiveCount: 1 })] }, { invokedFunctionArn: aliasArn });

    // Assess
    expect(stopMappings).toHaveBeenCalledWith(aliasArn);
  });

  it('runs the batch when the queue is not paused', async () => {
    // Prepare
    const { deps, store, processor } = consumerDeps(webhooks, { pause: { isPaused: async () => false } });

    // Act
    await new BatchProcessor(deps).process({ Records: [anAwsRecord({ definition: webhooks, receiveCount: 1 })] });

    // Assess
    expect(store.claim).toHaveBeenCalledTimes(1);
    expect(processor).toHaveBeenCalledTimes(1);
  });
});
