import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnvironment } from '../../helpers/emulators';
import { postBatch, postJob } from '../support/api-events';
import { fromCatalog } from '../support/definitions';
import { TestPipeline } from '../support/pipeline';

describe('bad input is refused with a clear 4xx and writes nothing', () => {
  const pipeline = new TestPipeline({
    definitions: [fromCatalog('webhook-delivery', { maxPayloadBytes: 2048 }), fromCatalog('order-processing'), fromCatalog('order-routing')],
  });

  beforeAll(() => pipeline.start());
  afterAll(() => pipeline.stop());

  const nothingWritten = async () => {
    const { Count } = await testEnvironment().dynamoDb.send(new ScanCommand({ TableName: pipeline.tableName, Select: 'COUNT' }));
    const backlogs = await Promise.all(
      Object.values(pipeline.queues).flatMap((queue) => Object.values(queue.laneUrls).map((url) => pipeline.queueClient.backlog(url ?? ''))),
    );
    return { items: Count ?? 0, messages: backlogs.reduce((sum, count) => sum + count, 0) };
  };

  it.each([
    ['a body that is not JSON', postJob('webhook-delivery', '{"data": '), 400, 'invalid_json', 'not valid JSON'],
    ['an empty body', postJob('webhook-delivery', ''), 400, 'invalid_json', 'empty'],
    ['an unknown queue', postJob('no-such-queue', { data: {} }), 404, 'unknown_queue', 'no-such-queue'],
    ['data missing', postJob('webhook-delivery', { name: 'x' }), 400, 'invalid_request', 'invalid'],
    ['data over the queue limit', postJob('webhook-delivery', { data: { blob: 'x'.repeat(4096) } }), 413, 'payload_too_large', '2048'],
    ['a body far over the limit', postJob('webhook-delivery', { data: 'x'.repeat(100_000) }), 413, 'payload_too_large', 'limit'],
    ['priority 0', postJob('webhook-delivery', { data: 1, priority: 0 }), 400, 'invalid_request', 'invalid'],
    ['priority 21', postJob('webhook-delivery', { data: 1, priority: 21 }), 400, 'invalid_request', 'invalid'],
    ['priority "mega"', postJob('webhook-delivery', { data: 1, priority: 'mega' }), 400, 'invalid_request', 'invalid'],
    ['a negative delay', postJob('webhook-delivery', { data: 1, delay: -5 }), 400, 'invalid_request', 'invalid'],
    ['a delay over a year', postJob('webhook-delivery', { data: 1, delay: 400 * 86_400_000 }), 400, 'invalid_request', 'invalid'],
    ['attempts 0', postJob('webhook-delivery', { data: 1, attempts: 0 }), 400, 'invalid_request', 'invalid'],
    ['attempts 26', postJob('webhook-delivery', { data: 1, attempts: 26 }), 400, 'invalid_request', 'invalid'],
    ['run_at not a time', postJob('webhook-delivery', { data: 1, run_at: 'tomorrow' }), 400, 'invalid_request', 'invalid'],
    ['an unknown field', postJob('webhook-delivery', { data: 1, priorty: 5 }), 400, 'invalid_request', 'invalid'],
    ['group_id missing on FIFO', postJob('order-processing', { data: 1 }), 400, 'invalid_request', 'group_id is required'],
    ['group_id on a standard queue', postJob('order-routing', { data: 1, group_id: 'g' }), 400, 'invalid_request', 'FIFO queues only'],
    ['dedup_key on a queue without dedup', postJob('order-routing', { data: 1, dedup_key: 'k' }), 400, 'invalid_request', 'does not deduplicate'],
    ['an empty batch', postBatch('webhook-delivery', []), 400, 'invalid_request', 'batch'],
    ['a batch of 101', postBatch('webhook-delivery', Array.from({ length: 101 }, () => ({ data: 1 }))), 400, 'invalid_request', 'batch'],
  ])('%s', async (_case, event, status, code, phrase) => {
    // Act
    const response = await pipeline.ingest(event);

    // Assess
    expect(response.statusCode).toBe(status);
    expect(response.json).toMatchObject({ ok: false, error: { code } });
    expect(String((response.json.error as { message: string }).message)).toContain(phrase);
    expect(await nothingWritten()).toEqual({ items: 0, messages: 0 });
  });

  it('names each bad field in details', async () => {
    // Act
    const response = await pipeline.ingest(postJob('webhook-delivery', { data: 1, priority: 99, delay: 'soon' }));

    // Assess
    expect(response.json.error).toMatchObject({
      details: expect.arrayContaining([
        expect.objectContaining({ field: 'priority', message: expect.stringContaining('1 to 20') }),
        expect.objectContaining({ field: 'delay' }),
      ]),
    });
  });

  it('accepts the good jobs of a batch and refuses the bad ones, each on its own', async () => {
    // Act
    const response = await pipeline.ingest(postBatch('webhook-delivery', [{ data: 1 }, { priority: 3 }, { data: 2, priority: 'low' }]));

    // Assess: 207, some accepted and some refused
    expect(response.statusCode).toBe(207);
    expect(response.json).toMatchObject({ ok: false, accepted: 2, rejected: 1 });
    const results = response.json.results as Array<Record<string, unknown>>;
    expect(results.map((result) => result.ok)).toEqual([true, false, true]);
    expect(results[1]).toMatchObject({ error: { code: 'invalid_request' } });
    expect(await nothingWritten()).toEqual({ items: 2, messages: 2 });
  });
});
