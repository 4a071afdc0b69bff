import { GetQueueUrlCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageBetween } from '../../../local/cloud/meter';
import { costOf } from '../../../local/cloud/prices';
import { waitFor } from '../../helpers/wait-for';
import { FIXTURE } from '../local-cloud/fixture/stack';
import { startFixture, type RunningFixture } from '../local-cloud/fixture/running-fixture';

describe('the local cloud’s meter, on the small synthesized stack', () => {
  let fixture: RunningFixture;

  beforeAll(async () => {
    // Schedules an hour apart: no tick adds to what is measured.
    fixture = await startFixture(3_600_000);
  });
  afterAll(() => fixture?.stop());

  it('counts the API request, the invocations, the SQS requests and the DynamoDB writes a small flow makes', async () => {
    // Prepare
    const { cloud } = fixture;
    const { QueueUrl } = await fixture.sqs.send(new GetQueueUrlCommand({ QueueName: FIXTURE.queueName }));
    const before = cloud.meter.reading();

    // Act: one API call with the key and one refused without it; three messages for the consumer, which records each
    const post = (headers: Record<string, string>) => fetch(`${cloud.apiUrl}/items/metered`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
    const statuses = [(await post({ 'x-api-key': cloud.apiKeys[FIXTURE.apiKeyName] ?? '' })).status, (await post({})).status];
    await fixture.sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: ['m1', 'm2', 'm3'].map((body) => ({ Id: body, MessageBody: `metered-${body}` })) }));
    await waitFor('the three messages recorded and deleted', () => {
      const usage = usageBetween(before, cloud.meter.reading());
      return (usage.byDynamoAction.PutItem?.calls ?? 0) === 3 && (usage.bySqsAction['poller:DeleteMessageBatch'] ?? 0) > 0;
    });
    const usage = usageBetween(before, cloud.meter.reading());

    // Assess
    expect(statuses).toEqual([200, 403]);
    expect(usage.apiRequests).toBe(1);
    expect(usage.lambdaInvocations).toBeGreaterThanOrEqual(2);
    expect(usage.lambdaGbSeconds).toBeGreaterThan(0);
    expect(usage.bySqsAction.SendMessageBatch).toBe(1);
    expect(usage.bySqsAction['poller:ReceiveMessage']).toBeGreaterThanOrEqual(1);
    // Each record is a small item in the table and in its index on `body`.
    expect(usage.byDynamoAction.PutItem).toEqual({ writeUnits: 6, readUnits: 0, calls: 3 });
    expect(costOf(usage).usd).toBeGreaterThan(0);
  });
});
