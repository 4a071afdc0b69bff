import { ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SqsQueueClient } from '../../../functions/adapters/sqs-queue-client';
import { decodeJobMessage, encodeJobMessage } from '../../../functions/core/job-message';
import { createPipelineQueues, type ProvisionedQueue } from '../../../local/provision';
import { testEnvironment, uniqueName } from '../../helpers/emulators';
import { FIXED_NOW, aJobMessage, aQueueDefinition } from '../../helpers/factories';

let queues: SqsQueueClient;
let standard: ProvisionedQueue;
let fifo: ProvisionedQueue;

/** Receives up to `max` messages, with their attributes, waiting up to `waitSeconds` for the first. */
async function receive(queueUrl: string, options: { max?: number; waitSeconds?: number; visibility?: number } = {}): Promise<Message[]> {
  const { Messages } = await testEnvironment().sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: options.max ?? 10,
      WaitTimeSeconds: options.waitSeconds ?? 0,
      VisibilityTimeout: options.visibility,
      MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return Messages ?? [];
}

function laneUrl(queue: ProvisionedQueue): string {
  const url = queue.laneUrls.default;
  if (url === undefined) throw new Error('the queue has no default lane');
  return url;
}

beforeAll(async () => {
  const { sqs, queueUrlBase } = testEnvironment();
  const created = await createPipelineQueues(sqs, {
    prefix: uniqueName('adapters'),
    queueUrlBase,
    definitions: [aQueueDefinition({ name: 'webhooks' }), aQueueDefinition({ name: 'order-processing', fifo: true })],
  });
  const webhooks = created.webhooks;
  const orders = created['order-processing'];
  if (webhooks === undefined || orders === undefined) throw new Error('queues were not created');
  standard = webhooks;
  fifo = orders;
  queues = new SqsQueueClient({ client: sqs });
});

describe('SqsQueueClient against the SQS emulator', () => {
  it('holds a delayed message on a standard queue until its delay passes', async () => {
    // Prepare
    const message = aJobMessage({ jobId: 'delayed-1' });

    // Act
    await queues.send(laneUrl(standard), { message, delaySeconds: 1 });
    const early = await receive(laneUrl(standard));
    const later = await receive(laneUrl(standard), { waitSeconds: 5 });

    // Assess
    expect(early).toEqual([]);
    expect(later.map((received) => decodeJobMessage(received.Body ?? ''))).toEqual([message]);
    await queues.delete(laneUrl(standard), later.map((received) => received.ReceiptHandle ?? ''));
  });

  it('sends FIFO batches in order within a group, deduplicating a run sent twice', async () => {
    // Prepare
    const jobs = ['a', 'b', 'c'].map((id) => ({ message: aJobMessage({ jobId: `order-${id}`, runId: `run-${id}` }), groupId: 'order-7' }));

    // Act
    const failures = await queues.sendBatch(laneUrl(fifo), [...jobs, ...jobs.slice(0, 1)]);
    const received: Message[] = [];
    for (let round = 0; round < 10 && received.length < 3; round += 1) {
      const batch = await receive(laneUrl(fifo), { waitSeconds: 1 });
      received.push(...batch);
      await queues.delete(laneUrl(fifo), batch.map((message) => message.ReceiptHandle ?? ''));
    }

    // Assess
    expect(failures).toEqual([]);
    expect(received.map((message) => decodeJobMessage(message.Body ?? '').jobId)).toEqual(['order-a', 'order-b', 'order-c']);
    expect(received[0]?.Attributes).toMatchObject({ MessageGroupId: 'order-7', MessageDeduplicationId: 'run-a' });
    expect(await receive(laneUrl(fifo))).toEqual([]);
  });

  it('returns a message at once when its visibility is set to zero', async () => {
    // Prepare
    await queues.send(laneUrl(standard), { message: aJobMessage({ jobId: 'visible-again' }) });
    const [first] = await receive(laneUrl(standard), { waitSeconds: 2, visibility: 30 });

    // Act
    await queues.changeVisibility(laneUrl(standard), [{ receiptHandle: first?.ReceiptHandle ?? '', seconds: 0 }]);
    const again = await receive(laneUrl(standard), { waitSeconds: 2 });

    // Assess
    expect(again.map((message) => decodeJobMessage(message.Body ?? '').jobId)).toEqual(['visible-again']);
    await queues.delete(laneUrl(standard), again.map((message) => message.ReceiptHandle ?? ''));
  });

  it('throws when a visibility change names an unknown receipt handle', async () => {
    // Act / Assess
    await expect(queues.changeVisibility(laneUrl(standard), [{ receiptHandle: 'not-a-handle', seconds: 5 }])).rejects.toMatchObject({
      name: 'PipelineError',
    });
  });

  it('moves the original body to the dead-letter queue with the failure as attributes', async () => {
    // Prepare
    const body = encodeJobMessage(aJobMessage({ jobId: 'dead-1' }));
    const failure = { reason: `HTTP 400: ${'e'.repeat(500)}`, category: 'client', attempts: 2, sourceQueue: 'webhooks', failedAt: FIXED_NOW } as const;

    // Act
    await queues.moveToDeadLetter(standard.deadLetterUrl, [{ body, jobId: 'dead-1', failure }]);
    await queues.moveToDeadLetter(fifo.deadLetterUrl, [{ body, jobId: 'dead-1', groupId: 'order-7', failure }]);
    const [letter] = await receive(standard.deadLetterUrl, { waitSeconds: 2 });
    const [fifoLetter] = await receive(fifo.deadLetterUrl, { waitSeconds: 2 });

    // Assess
    expect(letter?.Body).toBe(body);
    const attributes = letter?.MessageAttributes ?? {};
    expect(attributes.failure_category).toMatchObject({ DataType: 'String', StringValue: 'client' });
    expect(attributes.attempts).toMatchObject({ DataType: 'Number', StringValue: '2' });
    expect(attributes.source_queue?.StringValue).toBe('webhooks');
    expect(attributes.failed_at?.StringValue).toBe(FIXED_NOW.toISOString());
    expect(attributes.job_id?.StringValue).toBe('dead-1');
    expect(attributes.failure_reason?.StringValue).toHaveLength(256);
    expect(fifoLetter?.Body).toBe(body);
    expect(fifoLetter?.Attributes?.MessageGroupId).toBe('order-7');
  });

  it('reports the backlog of visible messages', async () => {
    // Prepare
    const { sqs, queueUrlBase } = testEnvironment();
    const fresh = await createPipelineQueues(sqs, { prefix: uniqueName('backlog'), queueUrlBase, definitions: [aQueueDefinition({ name: 'email' })] });
    const url = fresh.email?.laneUrls.default ?? '';

    // Act
    const empty = await queues.backlog(url);
    const failures = await queues.sendBatch(url, Array.from({ length: 13 }, (_, i) => ({ message: aJobMessage({ jobId: `b-${i}` }) })));
    const full = await queues.backlog(url);

    // Assess
    expect(failures).toEqual([]);
    expect(empty).toBe(0);
    expect(full).toBe(13);
  });
});
