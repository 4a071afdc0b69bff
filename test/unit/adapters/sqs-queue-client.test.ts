import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqsQueueClient } from '../../../functions/adapters/sqs-queue-client';
import type { DeadLetter, OutgoingJob } from '../../../functions/adapters/queue-client';
import { PipelineError } from '../../../functions/core/errors';
import { encodeJobMessage } from '../../../functions/core/job-message';
import { A_JOB_ID, A_RUN_ID, FIXED_NOW, aJobMessage } from '../../helpers/factories';

const sqs = mockClient(SQSClient);
const queues = new SqsQueueClient({ client: new SQSClient({ region: 'eu-west-1' }) });
const STANDARD = 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs-payments-normal';
const FIFO = 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs-order-processing.fifo';

function jobs(count: number): OutgoingJob[] {
  return Array.from({ length: count }, (_, i) => ({ message: aJobMessage({ jobId: `job-${i}`, runId: `run-${i}` }) }));
}

function aDeadLetter(overrides: Partial<DeadLetter> = {}): DeadLetter {
  return {
    body: encodeJobMessage(aJobMessage()),
    jobId: A_JOB_ID,
    failure: { reason: 'HTTP 400 Bad Request', category: 'client', attempts: 2, sourceQueue: 'jobs-payments-normal', failedAt: FIXED_NOW },
    ...overrides,
  };
}

beforeEach(() => {
  sqs.reset();
});

describe('SqsQueueClient.send', () => {
  it('carries a re-sent job\'s first enqueue time as a Number message attribute', async () => {
    // Prepare
    sqs.on(SendMessageCommand).resolves({});
    const firstEnqueuedAt = new Date(FIXED_NOW.getTime() - 60_000);

    // Act
    await queues.send(STANDARD, { message: aJobMessage(), delaySeconds: 2, firstEnqueuedAt });
    await queues.send(FIFO, { message: aJobMessage(), firstEnqueuedAt });

    // Assess
    for (const call of sqs.commandCalls(SendMessageCommand)) {
      expect(call.args[0].input.MessageAttributes).toEqual({ first_enqueued_at: { DataType: 'Number', StringValue: String(firstEnqueuedAt.getTime()) } });
    }
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(2);
  });

  it('carries a redriven letter\'s marks on its copy, beside its first enqueue time', async () => {
    // Prepare
    sqs.on(SendMessageCommand).resolves({});
    const firstEnqueuedAt = new Date(FIXED_NOW.getTime() - 60_000);

    // Act
    await queues.send(STANDARD, { message: aJobMessage(), delaySeconds: 1, firstEnqueuedAt, letter: { jobId: A_JOB_ID, failedAt: FIXED_NOW, attempts: 3 } });

    // Assess: the attributes a letter's claim reads, as a letter carries them
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageAttributes).toEqual({
      first_enqueued_at: { DataType: 'Number', StringValue: String(firstEnqueuedAt.getTime()) },
      failed_at: { DataType: 'String', StringValue: FIXED_NOW.toISOString() },
      job_id: { DataType: 'String', StringValue: A_JOB_ID },
      attempts: { DataType: 'Number', StringValue: '3' },
    });
  });

  it('sends to a standard queue with DelaySeconds when delayed', async () => {
    // Prepare
    sqs.on(SendMessageCommand).resolves({});

    // Act
    await queues.send(STANDARD, { message: aJobMessage(), delaySeconds: 30 });

    // Assess
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: STANDARD,
      MessageBody: encodeJobMessage(aJobMessage()),
      DelaySeconds: 30,
    });
  });

  it('leaves DelaySeconds out when there is no delay', async () => {
    // Prepare
    sqs.on(SendMessageCommand).resolves({});

    // Act
    await queues.send(STANDARD, { message: aJobMessage(), delaySeconds: 0 });

    // Assess
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).not.toHaveProperty('DelaySeconds');
  });

  it('gives a FIFO message a group (the job id by default) and a dedup id (the run id), never a delay', async () => {
    // Prepare
    sqs.on(SendMessageCommand).resolves({});

    // Act
    await queues.send(FIFO, { message: aJobMessage(), delaySeconds: 30 });
    await queues.send(FIFO, { message: aJobMessage(), groupId: 'order-7', deduplicationId: `${A_RUN_ID}.1` });

    // Assess
    const [first, second] = sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
    expect(first).toMatchObject({ MessageGroupId: A_JOB_ID, MessageDeduplicationId: A_RUN_ID });
    expect(first).not.toHaveProperty('DelaySeconds');
    expect(second).toMatchObject({ MessageGroupId: 'order-7', MessageDeduplicationId: `${A_RUN_ID}.1` });
  });

  it('throws a PipelineError that keeps the SDK error', async () => {
    // Prepare
    const refused = Object.assign(new Error('no such queue'), { name: 'QueueDoesNotExist' });
    sqs.on(SendMessageCommand).rejects(refused);

    // Act / Assess
    await expect(queues.send(STANDARD, { message: aJobMessage() })).rejects.toMatchObject({
      name: 'PipelineError',
      cause: refused,
      context: { queueUrl: STANDARD, jobId: A_JOB_ID },
    });
  });
});

describe('SqsQueueClient.sendBatch', () => {
  it('sends ten at a time and reports refused entries by their index in the whole list', async () => {
    // Prepare
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Successful: [], Failed: [] })
      .resolvesOnce({ Successful: [], Failed: [{ Id: '13', Code: 'InvalidParameterValue', Message: 'too big', SenderFault: true }] })
      .resolvesOnce({ Successful: [], Failed: [] });

    // Act
    const failures = await queues.sendBatch(STANDARD, jobs(25));

    // Assess
    const calls = sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => input.Entries?.length)).toEqual([10, 10, 5]);
    expect(calls[1]?.Entries?.[0]?.Id).toBe('10');
    expect(failures).toEqual([{ index: 13, code: 'InvalidParameterValue', message: 'too big' }]);
  });

  it('reports every entry of a batch call that failed as a whole', async () => {
    // Prepare
    sqs.on(SendMessageBatchCommand).rejects(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));

    // Act
    const failures = await queues.sendBatch(FIFO, jobs(3));

    // Assess
    expect(failures.map((failure) => [failure.index, failure.code])).toEqual([
      [0, 'TimeoutError'],
      [1, 'TimeoutError'],
      [2, 'TimeoutError'],
    ]);
    expect(sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.Entries?.[2]).toMatchObject({
      MessageGroupId: 'job-2',
      MessageDeduplicationId: 'run-2',
    });
  });

  it('splits batches that would pass SQS 1 MiB batch limit', async () => {
    // Prepare
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const large = Array.from({ length: 4 }, (_, i) => ({ message: aJobMessage({ jobId: `big-${i}`, data: 'x'.repeat(400_000) }) }));

    // Act
    await queues.sendBatch(STANDARD, large);

    // Assess
    expect(sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input.Entries?.length)).toEqual([2, 2]);
  });
});

describe('SqsQueueClient.changeVisibility', () => {
  it('changes ten at a time and throws a PipelineError listing the entries that failed', async () => {
    // Prepare
    sqs
      .on(ChangeMessageVisibilityBatchCommand)
      .resolvesOnce({ Successful: [], Failed: [] })
      .resolvesOnce({ Successful: [], Failed: [{ Id: '11', Code: 'ReceiptHandleIsInvalid', SenderFault: true }] });
    const changes = Array.from({ length: 12 }, (_, i) => ({ receiptHandle: `r-${i}`, seconds: 2.4 }));

    // Act
    const changing = queues.changeVisibility(STANDARD, changes);

    // Assess
    await expect(changing).rejects.toBeInstanceOf(PipelineError);
    await expect(changing).rejects.toMatchObject({ context: { failures: [{ index: 11, code: 'ReceiptHandleIsInvalid' }] } });
    const calls = sqs.commandCalls(ChangeMessageVisibilityBatchCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => input.Entries?.length)).toEqual([10, 2]);
    expect(calls[0]?.Entries?.[0]).toEqual({ Id: '0', ReceiptHandle: 'r-0', VisibilityTimeout: 3 });
  });
});

describe('SqsQueueClient.moveToDeadLetter', () => {
  it('sends the body unchanged with the failure as message attributes', async () => {
    // Prepare
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const letter = aDeadLetter({ failure: { ...aDeadLetter().failure, reason: `  ${'r'.repeat(400)}` } });

    // Act
    await queues.moveToDeadLetter(`${STANDARD}-dlq`, [letter]);

    // Assess
    const entry = sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry?.MessageBody).toBe(letter.body);
    expect(entry).not.toHaveProperty('MessageGroupId');
    expect(entry?.MessageAttributes).toMatchObject({
      failure_category: { DataType: 'String', StringValue: 'client' },
      attempts: { DataType: 'Number', StringValue: '2' },
      source_queue: { DataType: 'String', StringValue: 'jobs-payments-normal' },
      failed_at: { DataType: 'String', StringValue: FIXED_NOW.toISOString() },
      job_id: { DataType: 'String', StringValue: A_JOB_ID },
    });
    expect(entry?.MessageAttributes?.failure_reason?.StringValue).toHaveLength(256);
  });

  it('gives a FIFO dead letter a group and a deduplication id', async () => {
    // Prepare
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });

    // Act
    await queues.moveToDeadLetter('https://sqs.local/1/jobs-order-processing-dlq.fifo', [
      aDeadLetter({ groupId: 'order-7' }),
      aDeadLetter({ failure: { ...aDeadLetter().failure, reason: '' } }),
    ]);

    // Assess
    const [first, second] = sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.Entries ?? [];
    expect(first?.MessageGroupId).toBe('order-7');
    expect(first?.MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
    expect(second?.MessageGroupId).toBe(A_JOB_ID);
    expect(second?.MessageAttributes?.failure_reason?.StringValue).toBe('unknown');
  });

  it('throws when SQS refuses a letter, so the caller keeps the source message', async () => {
    // Prepare
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [{ Id: '0', Code: 'KMS.Disabled', SenderFault: false }] });

    // Act / Assess
    await expect(queues.moveToDeadLetter(`${STANDARD}-dlq`, [aDeadLetter()])).rejects.toThrow(/failed for 1 of 1/);
  });
});

describe('SqsQueueClient.delete', () => {
  it('deletes ten at a time', async () => {
    // Prepare
    sqs.on(DeleteMessageBatchCommand).resolves({ Successful: [], Failed: [] });

    // Act
    await queues.delete(STANDARD, Array.from({ length: 21 }, (_, i) => `r-${i}`));

    // Assess
    expect(sqs.commandCalls(DeleteMessageBatchCommand).map((call) => call.args[0].input.Entries?.length)).toEqual([10, 10, 1]);
  });

  it('makes no call for no handles', async () => {
    // Act
    await queues.delete(STANDARD, []);

    // Assess
    expect(sqs.commandCalls(DeleteMessageBatchCommand)).toHaveLength(0);
  });
});

describe('SqsQueueClient.backlog', () => {
  it('reads the approximate number of visible messages', async () => {
    // Prepare
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '42' } });

    // Act / Assess
    await expect(queues.backlog(STANDARD)).resolves.toBe(42);
    expect(sqs.commandCalls(GetQueueAttributesCommand)[0]?.args[0].input.AttributeNames).toEqual(['ApproximateNumberOfMessages']);
  });

  it('throws a PipelineError when the count is missing', async () => {
    // Prepare
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: {} });

    // Act / Assess
    await expect(queues.backlog(STANDARD)).rejects.toBeInstanceOf(PipelineError);
  });
});

describe('SqsQueueClient.depth', () => {
  it('reads visible, in-flight and delayed counts in one call', async () => {
    // Prepare
    sqs.on(GetQueueAttributesCommand).resolves({
      Attributes: { ApproximateNumberOfMessages: '3', ApproximateNumberOfMessagesNotVisible: '2', ApproximateNumberOfMessagesDelayed: '1' },
    });

    // Act / Assess
    await expect(queues.depth(STANDARD)).resolves.toEqual({ visible: 3, inFlight: 2, delayed: 1 });
    expect(sqs.commandCalls(GetQueueAttributesCommand)).toHaveLength(1);
  });

  it('throws a PipelineError naming the missing count', async () => {
    // Prepare
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '3' } });

    // Act / Assess
    await expect(queues.depth(STANDARD)).rejects.toMatchObject({ context: { name: 'ApproximateNumberOfMessagesNotVisible' } });
  });
});
