import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../functions/adapters/clock';
import { DynamoDbRateLimiter } from '../../../functions/adapters/dynamodb-rate-limiter';
import { FIXED_NOW } from '../../helpers/factories';
import { conditionFailed } from './stored-items';

const documents = mockClient(DynamoDBDocumentClient);
const nowMs = FIXED_NOW.getTime();
const limit = { max: 10, durationMs: 1000 };
const request = { wanted: 2, now: FIXED_NOW, horizonMs: 2000 };

/** A clock that moves only when slept on. */
function aFakeClock(): Clock & { slept: number[] } {
  let at = nowMs;
  const slept: number[] = [];
  return {
    slept,
    now: () => new Date(at),
    sleep: async (ms) => {
      slept.push(ms);
      at += ms;
    },
  };
}

function aLimiter(clock: Clock, maxTries?: number): DynamoDbRateLimiter {
  return new DynamoDbRateLimiter({
    client: new DynamoDBClient({ region: 'eu-west-1' }),
    tableName: 'jobs',
    clock,
    random: () => 0.5,
    ...(maxTries === undefined ? {} : { maxTries }),
  });
}

beforeEach(() => {
  documents.reset();
});

describe('DynamoDbRateLimiter.reserve', () => {
  it('starts a fresh limiter now and stores the next free time only if no one else did', async () => {
    // Prepare
    documents.on(GetCommand).resolves({});
    documents.on(UpdateCommand).resolves({});

    // Act
    const reservation = await aLimiter(aFakeClock()).reserve('payments', limit, request);

    // Assess
    expect(reservation).toEqual({ slots: [nowMs, nowMs + 100], nextFreeMs: nowMs + 200, deferMs: 0 });
    expect(documents.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({ Key: { pk: 'LIMIT#payments', sk: 'STATE' }, ConsistentRead: true });
    const input = documents.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe('attribute_not_exists(next_free_ms)');
    expect(input?.ExpressionAttributeValues?.[':next']).toBe(nowMs + 200);
  });

  it('after losing a race, takes the winner state from the refusal and reserves after it', async () => {
    // Prepare
    const clock = aFakeClock();
    documents.on(GetCommand).resolves({ Item: { next_free_ms: nowMs } });
    documents
      .on(UpdateCommand)
      .rejectsOnce(conditionFailed({ pk: 'LIMIT#payments', sk: 'STATE', next_free_ms: nowMs + 500 }))
      .resolvesOnce({});

    // Act
    const reservation = await aLimiter(clock).reserve('payments', limit, request);

    // Assess
    expect(reservation.slots).toEqual([nowMs + 500, nowMs + 600]);
    const [first, second] = documents.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(first?.ConditionExpression).toBe('next_free_ms = :expected');
    expect(first?.ExpressionAttributeValues?.[':expected']).toBe(nowMs);
    expect(second?.ExpressionAttributeValues?.[':expected']).toBe(nowMs + 500);
    expect(documents.commandCalls(GetCommand)).toHaveLength(1);
    expect(clock.slept).toEqual([2.5]);
  });

  it('defers the jobs rather than failing when every try collides', async () => {
    // Prepare
    documents.on(GetCommand).resolves({ Item: { next_free_ms: nowMs } });
    documents.on(UpdateCommand).rejects(conditionFailed({ pk: 'LIMIT#payments', sk: 'STATE', next_free_ms: nowMs }));

    // Act
    const reservation = await aLimiter(aFakeClock(), 3).reserve('payments', limit, request);

    // Assess
    expect(reservation).toMatchObject({ slots: [], deferMs: 100 });
    expect(documents.commandCalls(UpdateCommand)).toHaveLength(3);
  });

  it('writes nothing when no slot falls within the horizon', async () => {
    // Prepare
    documents.on(GetCommand).resolves({ Item: { next_free_ms: nowMs + 5000 } });

    // Act
    const reservation = await aLimiter(aFakeClock()).reserve('payments', limit, request);

    // Assess
    expect(reservation).toEqual({ slots: [], nextFreeMs: nowMs + 5000, deferMs: 5000 });
    expect(documents.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('wraps a failed read in a PipelineError', async () => {
    // Prepare
    documents.on(GetCommand).rejects(new Error('network down'));

    // Act / Assess
    await expect(aLimiter(aFakeClock()).reserve('payments', limit, request)).rejects.toMatchObject({
      name: 'PipelineError',
      context: { queue: 'payments' },
    });
  });
});
