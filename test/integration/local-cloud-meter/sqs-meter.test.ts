import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSqsProxy, type SqsProxy } from '../../../local/cloud/http/sqs-proxy';
import { idlePollRequests, sqsActionKey, UsageMeter, usageBetween } from '../../../local/cloud/meter';
import { meterPollerRequest } from '../../../local/cloud/poller-metering';
import { EventSourcePoller } from '../../../local/event-source-poller';
import { localAwsConfig } from '../../../local/local-aws';
import { testEnvironment, uniqueName } from '../../helpers/emulators';
import { waitFor } from '../../helpers/wait-for';

describe('SQS metering', () => {
  const meter = new UsageMeter();
  let proxy: SqsProxy;
  let sqs: SQSClient;

  const createQueue = async (fifo = false): Promise<{ url: string; arn: string }> => {
    const name = `${uniqueName('meter')}${fifo ? '.fifo' : ''}`;
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: fifo ? { FifoQueue: 'true', ContentBasedDeduplication: 'true' } : {} }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    if (QueueUrl === undefined || Attributes?.QueueArn === undefined) throw new Error(`queue ${name} was not created`);
    return { url: QueueUrl, arn: Attributes.QueueArn };
  };

  beforeAll(async () => {
    proxy = await startSqsProxy({
      port: 0,
      upstream: testEnvironment().sqsEndpoint,
      onRequest: (action, url, payloadBytes) => meter.sqsCall(sqsActionKey(action, { fifo: url?.endsWith('.fifo') === true }), payloadBytes),
    });
    sqs = new SQSClient(localAwsConfig(proxy.endpoint));
  });
  afterAll(async () => {
    sqs.destroy();
    await proxy.stop();
  });

  it('bills the functions’ calls through the proxy per 64 KiB chunk, FIFO queues apart', async () => {
    // Prepare
    const standard = await createQueue();
    const fifo = await createQueue(true);
    const before = meter.reading();

    // Act: ten small messages in one batch; one of 200,000 bytes; one FIFO send; one receive of the ten and the big one
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: standard.url, Entries: Array.from({ length: 10 }, (_, id) => ({ Id: String(id), MessageBody: 'x'.repeat(512) })) }));
    await sqs.send(new SendMessageCommand({ QueueUrl: standard.url, MessageBody: 'y'.repeat(200_000) }));
    await sqs.send(new SendMessageCommand({ QueueUrl: fifo.url, MessageBody: 'z', MessageGroupId: 'g' }));
    const received: number[] = [];
    while (received.length < 11) {
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: standard.url, MaxNumberOfMessages: 10 }));
      for (const message of Messages ?? []) received.push(Buffer.byteLength(message.Body ?? ''));
    }
    const usage = usageBetween(before, meter.reading());

    // Assess
    expect(usage.bySqsAction.SendMessageBatch).toBe(1);
    expect(usage.bySqsAction.SendMessage).toBe(4);
    expect(usage.bySqsAction['SendMessage.fifo']).toBe(1);
    // However the emulator split them over receives: the big one alone needs 4 chunks, each other receive 1.
    expect(usage.bySqsAction.ReceiveMessage).toBeGreaterThanOrEqual(4 + 1);
    expect(usage.sqsRequests).toBe(Object.values(usage.bySqsAction).reduce((sum, count) => sum + count, 0));
  });

  it('bills a poller’s receives and deletes, with its empty receives apart', async () => {
    // Prepare
    const queue = await createQueue();
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: queue.url, Entries: Array.from({ length: 10 }, (_, id) => ({ Id: String(id), MessageBody: `job ${id}` })) }));
    const before = meter.reading();
    const handled: string[] = [];
    const idleWaits: number[] = [];
    const poller = new EventSourcePoller({
      // Straight to the emulator, as the local cloud's pollers go: the proxy would meter these calls a second time.
      client: testEnvironment().sqs,
      queueUrl: queue.url,
      queueArn: queue.arn,
      batchSize: 10,
      maximumConcurrency: 2,
      reportBatchItemFailures: false,
      handler: async (event) => {
        handled.push(...event.Records.map((record) => record.messageId));
      },
      onSqsRequest: (action, messages, tookMs) => {
        if (action === 'ReceiveMessage' && messages.length === 0) idleWaits.push(tookMs);
        meterPollerRequest(meter, action, queue.url, messages, tookMs);
      },
    });

    // Act: handle the ten, then idle until the pollers have found the queue empty
    poller.start();
    await waitFor('the ten messages handled', () => handled.length === 10);
    await waitFor('an idle poll', () => idlePollRequests(usageBetween(before, meter.reading())) > 0);
    await poller.stop();
    const usage = usageBetween(before, meter.reading());

    // Assess
    expect(usage.bySqsAction['poller:ReceiveMessage']).toBeGreaterThanOrEqual(1);
    expect(usage.bySqsAction['poller:DeleteMessageBatch']).toBe(usage.bySqsAction['poller:ReceiveMessage']);
    expect(idlePollRequests(usage)).toBe(usage.bySqsAction['poller:ReceiveMessage:empty']);
    expect(usage.sqsRequests - idlePollRequests(usage)).toBeCloseTo(2 * (usage.bySqsAction['poller:ReceiveMessage'] ?? 0), 9);
    // Each empty receive waits about the pollers' 1 s: a second of Lambda's five 20 s long polls, a quarter of a request.
    expect(idleWaits.length).toBeGreaterThan(0);
    for (const waited of idleWaits) expect(waited).toBeGreaterThan(900);
    expect(idlePollRequests(usage)).toBeCloseTo((idleWaits.reduce((sum, waited) => sum + waited, 0) / 1000) * (5 / 20), 6);
  });
});
