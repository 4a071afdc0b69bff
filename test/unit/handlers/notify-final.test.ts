import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import { jobIdFor } from '../../../functions/core/dedup';
import { JobFailedError } from '../../../functions/core/errors';
import type { JobRecord } from '../../../functions/core/job';
import { queueSettingsOf } from '../../../functions/core/runtime-config';
import { BatchProcessor } from '../../../functions/handlers/workflows/process-batch';
import { finalJobNotifier, type FinalJobNotifier } from '../../../functions/handlers/workflows/notify-final';
import { queueDirectory } from '../../../functions/handlers/workflows/queue-directory';
import { A_JOB_ID, A_PARTNER, A_RUN_ID, aJobRecord, aQueueDefinition } from '../../helpers/factories';
import { anAwsRecord, consumerDeps, fakeQueues, fakeStore, ManualClock } from './consumer-fakes';

const ENDPOINT_ID = 'ep_abcdefghijklmnopqrst';
const delivery = aQueueDefinition({ name: 'webhook-delivery', endpoints: true, lanes: true });
const QUEUE_URL_BASE = 'https://sqs.eu-west-1.amazonaws.com/123456789012';

function notifier() {
  const store = fakeStore();
  const queues = fakeQueues();
  const logger = new Logger({ serviceName: 'notify-test', logLevel: 'SILENT' });
  const errors = vi.spyOn(logger, 'error');
  store.create.mockImplementation(async (job) => ({ created: true, job: aJobRecord({ jobId: job.message.jobId }) }));
  const subject = finalJobNotifier({
    store,
    queues,
    directory: queueDirectory([queueSettingsOf(delivery)], QUEUE_URL_BASE, 'jobs'),
    clock: new ManualClock(),
    logger,
    notifyQueue: 'webhook-delivery',
  });
  return { subject, store, queues, errors };
}

const completed = (): JobRecord =>
  aJobRecord({ status: 'completed', attempts: 1, result: { status: 200 }, notify: { endpointId: ENDPOINT_ID }, partner: A_PARTNER });

describe('finalJobNotifier', () => {
  it('records a job.completed event job for the notify endpoint, with a deterministic id, and sends it to the endpoint queue', async () => {
    // Prepare
    const { subject, store, queues } = notifier();

    // Act
    await subject.jobFinished(completed());

    // Assess
    const created = store.create.mock.calls[0]?.[0];
    expect(created?.message).toMatchObject({
      jobId: jobIdFor(A_PARTNER, 'webhook-delivery', `notify:${A_JOB_ID}:${A_RUN_ID}:completed`),
      queue: 'webhook-delivery',
      name: 'job.completed',
      endpointId: ENDPOINT_ID,
      partner: A_PARTNER,
      data: { type: 'job.completed', job_id: A_JOB_ID, status: 'completed', result: { status: 200 }, attempts: 1 },
    });
    expect(created?.message).not.toHaveProperty('notify');
    expect(created?.dedupAcrossFinished).toBe(true);
    const [url, jobs] = queues.sendBatch.mock.calls[0] ?? [];
    expect(url).toBe(`${QUEUE_URL_BASE}/jobs-webhook-delivery-normal`);
    expect(jobs?.[0]?.message.jobId).toBe(created?.message.jobId);
  });

  it('adds the same event once when the job is settled twice: the second create finds its twin and sends nothing', async () => {
    // Prepare
    const { subject, store, queues } = notifier();
    store.create
      .mockImplementationOnce(async (job) => ({ created: true, job: aJobRecord({ jobId: job.message.jobId }) }))
      .mockImplementationOnce(async (job) => ({ created: false, existing: aJobRecord({ jobId: job.message.jobId, status: 'completed' }) }));

    // Act
    await subject.jobFinished(completed());
    await subject.jobFinished(completed());

    // Assess
    const [first, second] = store.create.mock.calls.map((call) => call[0].message.jobId);
    expect(first).toBe(second);
    expect(queues.sendBatch).toHaveBeenCalledTimes(1);
  });

  it('does nothing for a job without notify', async () => {
    // Prepare
    const { subject, store } = notifier();

    // Act
    await subject.jobFinished(aJobRecord({ status: 'completed' }));

    // Assess
    expect(store.create).not.toHaveBeenCalled();
  });

  it('logs a failure to add the event and never throws', async () => {
    // Prepare
    const { subject, store, errors } = notifier();
    store.create.mockRejectedValue(new Error('throttled'));

    // Act
    const settled = subject.jobFinished(completed());

    // Assess
    await expect(settled).resolves.toBeUndefined();
    expect(errors).toHaveBeenCalledWith('notify event not added; the job keeps its outcome', expect.objectContaining({ job_id: A_JOB_ID }));
  });
});

describe('BatchProcessor: notify on a final outcome', () => {
  const queue = aQueueDefinition({ name: 'order-routing', attempts: 1 });

  it('tells the notifier of a completed job, with the record the completion left', async () => {
    // Prepare
    const jobFinished = vi.fn<FinalJobNotifier['jobFinished']>().mockResolvedValue(undefined);
    const { deps, store } = consumerDeps(queue, { notifier: { jobFinished } });
    const record = aJobRecord({ status: 'completed', notify: { endpointId: ENDPOINT_ID } });
    store.complete.mockResolvedValue(record);

    // Act
    await new BatchProcessor(deps).process({ Records: [anAwsRecord({ definition: queue })] });

    // Assess
    expect(jobFinished).toHaveBeenCalledWith(record);
  });

  it('tells the notifier of a job failed for good, after its dead letter', async () => {
    // Prepare
    const jobFinished = vi.fn<FinalJobNotifier['jobFinished']>().mockResolvedValue(undefined);
    const { deps, store, queues, processor } = consumerDeps(queue, { notifier: { jobFinished } });
    processor.mockRejectedValue(new JobFailedError('HTTP 400', 'client'));

    // Act
    await new BatchProcessor(deps).process({ Records: [anAwsRecord({ definition: queue })] });

    // Assess
    expect(queues.moveToDeadLetter).toHaveBeenCalledTimes(1);
    expect(jobFinished).toHaveBeenCalledTimes(1);
    expect(jobFinished.mock.calls[0]?.[0]).toMatchObject({ status: 'failed' });
    expect(store.fail.mock.invocationCallOrder[0]).toBeLessThan(jobFinished.mock.invocationCallOrder[0] ?? 0);
  });

  it('adds the event again from a copy of a final job\'s message, in case the consumer stopped before it', async () => {
    // Prepare
    const jobFinished = vi.fn<FinalJobNotifier['jobFinished']>().mockResolvedValue(undefined);
    const { deps, store } = consumerDeps(queue, { notifier: { jobFinished } });
    const final = aJobRecord({ status: 'completed', notify: { endpointId: ENDPOINT_ID } });
    store.claim.mockResolvedValue({ claimed: false, reason: 'final', job: final });

    // Act
    const response = await new BatchProcessor(deps).process({ Records: [anAwsRecord({ definition: queue })] });

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(jobFinished).toHaveBeenCalledWith(final);
  });

  it('passes the attempt\'s progress URL to the processor when the consumer knows the API', async () => {
    // Prepare
    const { deps, store, processor } = consumerDeps(queue, { apiBaseUrl: 'https://api.example.com/v1' });
    store.claim.mockResolvedValue({ claimed: true, job: aJobRecord({ status: 'active', attempts: 1, progressToken: 'tok-9' }) });

    // Act
    await new BatchProcessor(deps).process({ Records: [anAwsRecord({ definition: queue })] });

    // Assess
    expect(processor.mock.calls[0]?.[1].progressUrl).toBe(`https://api.example.com/v1/jobs/${A_JOB_ID}/progress?token=tok-9`);
  });
});
