import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DATA_SCHEMAS } from '../../../functions/core/data-schemas';
import { batchStatus, queueOf } from '../../../functions/handlers/factories/ingest-api';
import { anApiGatewayEvent } from '../../helpers/factories';
import { sdkMockedIngest } from './sdk-mocked-ingest';

const documents = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const PAYMENT = DATA_SCHEMAS['payment-intent'].example;

/** An ingest over mocked clients, with `payments` typed (payment-intent) and `reports` not. */
function ingest() {
  return sdkMockedIngest([{ name: 'payments', dataSchema: 'payment-intent' }, { name: 'reports' }]);
}

/** `POST /jobs/payments` through the queue's own static resource: no path parameters. */
const onStaticRoute = (body: unknown, batch = false) =>
  anApiGatewayEvent({ resource: `/jobs/payments${batch ? '/batch' : ''}`, path: `/jobs/payments${batch ? '/batch' : ''}`, pathParameters: null, body });

beforeEach(() => {
  documents.reset();
  sqs.reset();
  documents.on(PutCommand).resolves({});
  documents.on(BatchWriteCommand).resolves({});
  sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
});

describe('POST /jobs/{queue} on a queue with a data schema', () => {
  it('accepts data that matches the schema, on the queue’s own static route', async () => {
    // Act
    const answer = await ingest()(onStaticRoute({ data: PAYMENT }));

    // Assess
    expect(answer).toMatchObject({ status: 202, json: { ok: true, queue: 'payments', status: 'waiting' } });
    expect(documents.commandCalls(PutCommand)).toHaveLength(1);
  });

  it('refuses data that does not match with 400, each field named from the request root, and writes nothing', async () => {
    // Act
    const answer = await ingest()(onStaticRoute({ data: { intentId: 'pi_9', payload: { amount: 'a lot' }, action: 7 } }));

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      ok: false,
      error: {
        code: 'invalid_request',
        message: expect.stringContaining('data does not match queue "payments"\'s data schema "payment-intent"'),
        details: [
          { field: 'data.payload.amount', message: 'data.payload.amount must be a number such as 1000.00' },
          { field: 'data.action', message: expect.stringContaining('data.action must be a string') },
        ],
      },
    });
    expect(documents.commandCalls(PutCommand)).toHaveLength(0);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  it('checks the data on the generic /jobs/{id} route too', async () => {
    // Act
    const answer = await ingest()(anApiGatewayEvent({ body: { data: 'not a payment' } }));

    // Assess
    expect(answer).toMatchObject({ status: 400, json: { error: { details: [{ field: 'data', message: expect.stringContaining('data must be a JSON object') }] } } });
  });

  it('leaves the data of a queue without a schema free', async () => {
    // Act
    const answer = await ingest()(anApiGatewayEvent({ pathParameters: { id: 'reports' }, path: '/jobs/reports', body: { data: 'any JSON' } }));

    // Assess
    expect(answer.status).toBe(202);
  });
});

describe('POST /jobs/{queue}/batch statuses', () => {
  it('answers 202 when every job is accepted, 207 when some are refused, 400 when none is, each result in request order', async () => {
    // Prepare
    const bad = { data: { intentId: 'pi_bad' } };
    const handler = ingest();

    // Act
    const all = await handler(onStaticRoute({ jobs: [{ data: PAYMENT }, { data: { ...PAYMENT, intentId: 'pi_43' } }] }, true));
    const some = await handler(onStaticRoute({ jobs: [bad, { data: PAYMENT }] }, true));
    const none = await handler(onStaticRoute({ jobs: [bad, bad] }, true));

    // Assess
    expect(all).toMatchObject({ status: 202, json: { ok: true, accepted: 2, rejected: 0 } });
    expect(some).toMatchObject({ status: 207, json: { ok: false, accepted: 1, rejected: 1 } });
    expect((some.json.results as unknown[])[0]).toEqual({
      ok: false,
      error: { code: 'invalid_request', message: expect.any(String), details: [{ field: 'data.payload', message: expect.stringContaining('data.payload is required') }] },
    });
    expect((some.json.results as unknown[])[1]).toMatchObject({ ok: true, job_id: expect.any(String) });
    expect(none).toMatchObject({ status: 400, json: { ok: false, accepted: 0, rejected: 2 } });
  });

  it.each([
    [3, 0, 202],
    [2, 1, 207],
    [0, 3, 400],
  ] as const)('batchStatus(%i accepted, %i rejected) is %i', (accepted, rejected, status) => {
    expect(batchStatus(accepted, rejected)).toBe(status);
  });
});

describe('queueOf', () => {
  it.each([
    [{ resource: '/jobs/{id}', pathParameters: { id: 'email' } }, 'email'],
    [{ resource: '/jobs/{id}/batch', pathParameters: { id: 'email' } }, 'email'],
    [{ resource: '/jobs/data-export', pathParameters: null }, 'data-export'],
    [{ resource: '/jobs/data-export/batch', pathParameters: null }, 'data-export'],
    [{ resource: '/api/payments/intent/queue', pathParameters: null }, ''],
  ])('reads %j as queue "%s"', (event, queue) => {
    expect(queueOf(event)).toBe(queue);
  });
});
