import { describe, expect, it, vi } from 'vitest';
import type { JobStore } from '../../../functions/adapters/job-store';
import type { DeadLetter, QueueClient } from '../../../functions/adapters/queue-client';
import type { ConsumerDeps } from '../../../functions/handlers/workflows/consumer-deps';
import { BatchProcessor } from '../../../functions/handlers/workflows/process-batch';
import { aQueueDefinition, anSqsEvent, anSqsRecord, FIXED_NOW } from '../../helpers/factories';
import { aRecordingLogger } from './consumer-fakes';

const PHONE = '+254700000001';

/** A consumer whose dead-letter queue keeps what it is sent; nothing else may be called for a malformed message. */
function aConsumer() {
  const { logger, calls, text } = aRecordingLogger();
  const letters: DeadLetter[] = [];
  const queues = {
    moveToDeadLetter: vi.fn(async (_url: string, sent: readonly DeadLetter[]) => {
      letters.push(...sent);
    }),
    backlog: vi.fn(async () => 0),
  } as unknown as QueueClient;
  const deps: ConsumerDeps = {
    definition: aQueueDefinition(),
    lanes: [{ lane: 'normal', name: 'jobs-payments', url: 'https://sqs.example/jobs-payments' }],
    deadLetterUrl: 'https://sqs.example/jobs-payments-dlq',
    store: {} as JobStore,
    queues,
    processor: vi.fn(),
    clock: { now: () => FIXED_NOW, sleep: async () => undefined },
    logger,
  };
  return { processor: new BatchProcessor(deps), letters, calls, text };
}

describe('a malformed message', () => {
  it.each([
    ['not JSON', `call ${PHONE}`, 'not_json', []],
    ['JSON of the wrong shape', JSON.stringify({ jobId: PHONE, data: { phone: PHONE }, priority: PHONE }), 'invalid_shape', ['runId', 'queue', 'name', 'priority']],
    ['a JSON string', JSON.stringify(PHONE), 'invalid_shape', ['(body)']],
  ])('(%s) is dead-lettered with its size and problem, and no byte of it reaches the log', async (_case, body, problem, fields) => {
    // Prepare
    const { processor, letters, calls, text } = aConsumer();

    // Act
    const result = await processor.process(anSqsEvent([anSqsRecord({ messageId: 'msg-1', body })]));

    // Assess
    expect(result.tally.failed).toBe(1);
    expect(calls).toContainEqual([
      'error',
      'malformed message dead-lettered',
      { message_id: 'msg-1', body_bytes: Buffer.byteLength(body), problem, fields },
    ]);
    expect(text()).not.toContain('254700000001');
    expect(letters).toHaveLength(1);
    expect(letters[0]?.failure.reason).toBe(`malformed job message: ${problem}${fields.length > 0 ? ` (${fields.join(', ')})` : ''}`);
    expect(letters[0]?.failure.reason).not.toContain('254700000001');
  });
});
