import { LambdaClient, ListEventSourceMappingsCommand, UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import {
  ListMessageMoveTasksCommand,
  PurgeQueueCommand,
  PurgeQueueInProgress,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
  SQSServiceException,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqsDeadLetterQueue } from '../../../functions/adapters/dead-letter-queue';
import { allStopped, LambdaEventSourceControl, pollingCount } from '../../../functions/adapters/event-source-control';
import { SqsMessageMoveTasks } from '../../../functions/adapters/message-move-tasks';

const sqs = mockClient(SQSClient);
const lambda = mockClient(LambdaClient);
const client = new SQSClient({ region: 'eu-west-1' });
const DLQ = 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs-payments-dlq';

beforeEach(() => {
  sqs.reset();
  lambda.reset();
});

describe('SqsDeadLetterQueue', () => {
  it('receives letters with the failure attributes the consumer set', async () => {
    // Prepare
    sqs.on(ReceiveMessageCommand).resolves({
      Messages: [
        {
          MessageId: 'm1', ReceiptHandle: 'r1', Body: '{"jobId":"j1"}',
          MessageAttributes: {
            job_id: { DataType: 'String', StringValue: 'j1' },
            failure_reason: { DataType: 'String', StringValue: 'HTTP 400' },
            failure_category: { DataType: 'String', StringValue: 'client' },
            attempts: { DataType: 'Number', StringValue: '2' },
          },
        },
        { MessageId: 'm2', ReceiptHandle: 'r2', Body: 'not json' },
      ],
    });

    // Act
    const letters = await new SqsDeadLetterQueue({ client }).receive(DLQ, { max: 50, visibilitySeconds: 120, waitSeconds: 1 });

    // Assess
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]?.args[0].input).toMatchObject({ MaxNumberOfMessages: 10, VisibilityTimeout: 120, WaitTimeSeconds: 1 });
    expect(letters[0]).toEqual({ messageId: 'm1', receiptHandle: 'r1', body: '{"jobId":"j1"}', jobId: 'j1', failure: { reason: 'HTTP 400', category: 'client', attempts: 2 } });
    expect(letters[1]).toEqual({ messageId: 'm2', receiptHandle: 'r2', body: 'not json', failure: {} });
  });

  it('sends bodies unchanged, with group and deduplication ids on a FIFO queue, and reports refusals by index', async () => {
    // Prepare
    sqs.on(SendMessageBatchCommand).resolves({ Failed: [{ Id: '1', Code: 'InvalidMessageContents', SenderFault: true }] });

    // Act
    const failures = await new SqsDeadLetterQueue({ client }).sendBodies('https://sqs/123/jobs-orders.fifo', [
      { body: 'a', groupId: 'order-1', deduplicationId: 'run-1-redrive-5' },
      { body: 'b', groupId: 'order-2', deduplicationId: 'run-2-redrive-5' },
    ]);

    // Assess
    expect(sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.Entries).toEqual([
      { Id: '0', MessageBody: 'a', MessageGroupId: 'order-1', MessageDeduplicationId: 'run-1-redrive-5' },
      { Id: '1', MessageBody: 'b', MessageGroupId: 'order-2', MessageDeduplicationId: 'run-2-redrive-5' },
    ]);
    expect(failures).toEqual([{ index: 1, code: 'InvalidMessageContents', message: 'InvalidMessageContents' }]);
  });

  it('says so when a purge is already in progress', async () => {
    // Prepare
    sqs.on(PurgeQueueCommand).rejects(new PurgeQueueInProgress({ message: 'only one purge every 60 seconds', $metadata: {} }));

    // Act / Assess
    await expect(new SqsDeadLetterQueue({ client }).purge(DLQ)).rejects.toMatchObject({ name: 'PurgeInProgressError' });
  });
});

describe('SqsMessageMoveTasks', () => {
  it('starts a task from the DLQ to a lane at a rate', async () => {
    // Prepare
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'h1' });

    // Act
    const handle = await new SqsMessageMoveTasks({ client }).start({ sourceArn: 'arn:dlq', destinationArn: 'arn:lane', maxPerSecond: 50 });

    // Assess
    expect(handle).toBe('h1');
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0]?.args[0].input).toEqual({ SourceArn: 'arn:dlq', DestinationArn: 'arn:lane', MaxNumberOfMessagesPerSecond: 50 });
  });

  it("turns SQS's refusal (a task already running) into MoveTaskRefusedError", async () => {
    // Prepare
    sqs.on(StartMessageMoveTaskCommand).rejects(
      new SQSServiceException({ name: 'InvalidParameterValue', $fault: 'client', $metadata: {}, message: 'There is already a task running.' }),
    );

    // Act / Assess
    await expect(new SqsMessageMoveTasks({ client }).start({ sourceArn: 'arn:dlq', destinationArn: 'arn:lane' })).rejects.toMatchObject({
      name: 'MoveTaskRefusedError',
    });
  });

  it('reads tasks with their counts', async () => {
    // Prepare
    sqs.on(ListMessageMoveTasksCommand).resolves({
      Results: [{ Status: 'RUNNING', TaskHandle: 'h1', SourceArn: 'arn:dlq', DestinationArn: 'arn:lane', ApproximateNumberOfMessagesMoved: 3, ApproximateNumberOfMessagesToMove: 20, StartedTimestamp: 1_700_000_000_000 }],
    });

    // Act
    const [task] = await new SqsMessageMoveTasks({ client }).list('arn:dlq');

    // Assess
    expect(task).toEqual({ status: 'RUNNING', taskHandle: 'h1', sourceArn: 'arn:dlq', destinationArn: 'arn:lane', moved: 3, toMove: 20, startedAt: new Date(1_700_000_000_000) });
  });
});

describe('LambdaEventSourceControl', () => {
  it('lists every page of a function’s mappings and disables each', async () => {
    // Prepare
    lambda
      .on(ListEventSourceMappingsCommand)
      .resolvesOnce({ EventSourceMappings: [{ UUID: 'u1', EventSourceArn: 'arn:a', State: 'Enabled' }], NextMarker: 'next' })
      .resolvesOnce({ EventSourceMappings: [{ UUID: 'u2', EventSourceArn: 'arn:b', State: 'Enabled', ScalingConfig: { MaximumConcurrency: 4 } }] });
    lambda.on(UpdateEventSourceMappingCommand).callsFake((input: { UUID: string }) => ({ UUID: input.UUID, EventSourceArn: 'arn:x', State: 'Disabling' }));

    // Act
    const mappings = await new LambdaEventSourceControl({ client: new LambdaClient({ region: 'eu-west-1' }) }).setEnabled('consumer-payments', false);

    // Assess
    expect(lambda.commandCalls(ListEventSourceMappingsCommand).map((call) => call.args[0].input)).toEqual([
      { FunctionName: 'consumer-payments', Marker: undefined },
      { FunctionName: 'consumer-payments', Marker: 'next' },
    ]);
    expect(lambda.commandCalls(UpdateEventSourceMappingCommand).map((call) => call.args[0].input)).toEqual([
      { UUID: 'u1', Enabled: false },
      { UUID: 'u2', Enabled: false },
    ]);
    expect(allStopped(mappings)).toBe(true);
  });

  it('counts mappings as stopped only when there are some and none polls', () => {
    // Act / Assess
    expect(allStopped([])).toBe(false);
    expect(allStopped([{ state: 'Disabled' }, { state: 'Disabling' }])).toBe(true);
    expect(allStopped([{ state: 'Disabled' }, { state: 'Enabled' }])).toBe(false);
  });

  it('counts as polling only mappings enabled or on their way, never one answered Updating', () => {
    // Act / Assess
    expect(pollingCount([{ state: 'Enabled' }, { state: 'Enabling' }, { state: 'Creating' }])).toBe(3);
    expect(pollingCount([{ state: 'Updating' }, { state: 'Disabled' }, { state: 'Disabling' }])).toBe(0);
  });
});
