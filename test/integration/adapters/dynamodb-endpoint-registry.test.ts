import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbEndpointRegistry, EndpointWriteConflictError } from '../../../functions/adapters/dynamodb-endpoint-registry';
import { endpointDirectoryKey, endpointItemKey } from '../../../functions/adapters/endpoint-item';
import { ENDPOINT_ATTRIBUTE as A } from '../../../functions/adapters/endpoint-store';
import { ENDPOINT_ID_PATTERN, INBOUND_TOKEN_PATTERN, SECRET_OVERLAP_MS } from '../../../functions/core/endpoint';
import { MAX_SIGNING_SECRETS } from '../../../functions/core/endpoint-secrets';
import { InvalidRequestError } from '../../../functions/core/errors';
import { generateSigningSecret } from '../../../functions/processors/webhook-signature';
import { localAwsConfig } from '../../../local/emulators';
import { createJobsTable } from '../../../local/provision';
import { testEnvironment, uniqueName } from '../../helpers/emulators';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const later = (ms: number) => new Date(NOW.getTime() + ms);
const noPause = { now: () => new Date(), sleep: async () => undefined };

let tableName: string;

beforeAll(async () => {
  tableName = uniqueName('endpoints');
  await createJobsTable(testEnvironment().dynamoDb, tableName);
});

/** A registry on the test table, on its own client (so a test can hook its requests). */
function registry(options: { client?: DynamoDBClient; maxTries?: number } = {}) {
  return new DynamoDbEndpointRegistry({
    client: options.client ?? testEnvironment().dynamoDb,
    tableName,
    newSecret: generateSigningSecret,
    clock: noPause,
    ...(options.maxTries === undefined ? {} : { maxTries: options.maxTries }),
  });
}

/** A user id no other test uses, so listings by user see only this test's endpoints. */
const aUser = () => uniqueName('user');

async function rawItem(key: Record<string, string>): Promise<Record<string, unknown> | undefined> {
  const { Item } = await testEnvironment().dynamoDb.send(
    new GetItemCommand({ TableName: tableName, Key: { pk: { S: key.pk ?? '' }, sk: { S: key.sk ?? '' } }, ConsistentRead: true }),
  );
  return Item === undefined ? undefined : unmarshall(Item);
}

/** What the breaker does to an endpoint's item: its own attributes, and a version bump. */
async function breakerWrite(endpointId: string, values: { state: string; failures: number; openedAtMs?: number; probeUntilMs?: number; gone?: boolean }): Promise<void> {
  const sets = ['#state = :state', '#failures = :failures', '#count = :failures', '#version = #version + :one'];
  const names: Record<string, string> = { '#state': A.circuitState, '#failures': A.consecutiveFailures, '#count': A.failureCount, '#version': A.version };
  const attributeValues: Record<string, { S: string } | { N: string } | { BOOL: boolean }> = {
    ':state': { S: values.state },
    ':failures': { N: String(values.failures) },
    ':one': { N: '1' },
  };
  if (values.openedAtMs !== undefined) {
    sets.push('#opened = :opened');
    names['#opened'] = A.openedAtMs;
    attributeValues[':opened'] = { N: String(values.openedAtMs) };
  }
  if (values.probeUntilMs !== undefined) {
    sets.push('#probe = :probe');
    names['#probe'] = A.probeUntilMs;
    attributeValues[':probe'] = { N: String(values.probeUntilMs) };
  }
  if (values.gone === true) {
    sets.push('#enabled = :false', '#reason = :gone');
    names['#enabled'] = A.enabled;
    names['#reason'] = A.disabledReason;
    attributeValues[':false'] = { BOOL: false };
    attributeValues[':gone'] = { S: 'gone' };
  }
  const key = endpointItemKey(endpointId);
  await testEnvironment().dynamoDb.send(
    new UpdateItemCommand({
      TableName: tableName,
      Key: { pk: { S: key.pk ?? '' }, sk: { S: key.sk ?? '' } },
      UpdateExpression: `SET ${sets.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: attributeValues,
    }),
  );
}

describe('DynamoDbEndpointRegistry against DynamoDB Local', () => {
  it('registers an endpoint as its item and a directory entry, and reads it back', async () => {
    // Prepare
    const userId = aUser();

    // Act
    const created = await registry().create({
      userId,
      url: 'https://app.example.com/hooks',
      description: 'shop app',
      headers: { Authorization: 'Bearer t' },
      body: 'raw',
      circuit: { failureThreshold: 3 },
      now: NOW,
    });
    const read = await registry().get(created.endpointId, { consistent: true });

    // Assess
    expect(created).toMatchObject({
      userId,
      url: 'https://app.example.com/hooks',
      description: 'shop app',
      headers: { Authorization: 'Bearer t' },
      body: 'raw',
      enabled: true,
      circuit: { failureThreshold: 3, cooldownSeconds: 30, state: 'closed', consecutiveFailures: 0 },
      counts: { failures: 0, circuitOpens: 0 },
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
      version: 1,
    });
    expect(created.endpointId).toMatch(ENDPOINT_ID_PATTERN);
    expect(created.inboundToken).toMatch(INBOUND_TOKEN_PATTERN);
    expect(created.secrets).toEqual([{ secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]+=*$/) }]);
    expect(read).toEqual(created);
    expect(await rawItem(endpointDirectoryKey(userId, created.endpointId))).toEqual({
      ...endpointDirectoryKey(userId, created.endpointId),
      [A.endpointId]: created.endpointId,
      [A.userId]: userId,
    });
  });

  it('answers undefined for an endpoint that does not exist, and false when removing it', async () => {
    expect(await registry().get('ep_bbbbbbbbbbbbbbbbbbbb')).toBeUndefined();
    expect(await registry().update('ep_bbbbbbbbbbbbbbbbbbbb', { enabled: false }, NOW)).toBeUndefined();
    expect(await registry().rotateSecret('ep_bbbbbbbbbbbbbbbbbbbb', NOW)).toBeUndefined();
    expect(await registry().rotateToken('ep_bbbbbbbbbbbbbbbbbbbb', NOW)).toBeUndefined();
    expect(await registry().remove('ep_bbbbbbbbbbbbbbbbbbbb')).toBe(false);
  });

  it('lists one user\'s endpoints in id order, a page at a time, and the last page has no cursor', async () => {
    // Prepare
    const userId = aUser();
    const ids = [];
    for (let index = 0; index < 5; index += 1) ids.push((await registry().create({ userId, url: `https://app.example.com/${index}`, now: NOW })).endpointId);
    await registry().create({ userId: aUser(), url: 'https://other.example.com/', now: NOW });

    // Act
    const pages = [];
    let cursor: string | undefined;
    do {
      const page = await registry().list({ userId, limit: 2, ...(cursor === undefined ? {} : { cursor }) });
      pages.push(page.endpoints.map((endpoint) => endpoint.endpointId));
      cursor = page.cursor;
    } while (cursor !== undefined);

    // Assess
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual([...ids].sort());
  });

  it('lists every user\'s endpoints in user then id order', async () => {
    // Prepare
    const users = [aUser(), aUser()].sort();
    const created = [];
    for (const userId of [...users, ...users]) created.push(await registry().create({ userId, url: 'https://app.example.com/', now: NOW }));

    // Act
    const everything = await registry().list({ limit: 100 });

    // Assess
    const keys = everything.endpoints.map((endpoint) => `${endpoint.userId}#${endpoint.endpointId}`);
    expect(keys).toEqual([...keys].sort());
    expect(keys).toEqual(expect.arrayContaining(created.map((endpoint) => `${endpoint.userId}#${endpoint.endpointId}`)));
  });

  it('refuses a cursor that is not one the listing gave out, or that belongs to another user', async () => {
    // Prepare
    const userId = aUser();
    for (let index = 0; index < 2; index += 1) await registry().create({ userId, url: 'https://app.example.com/', now: NOW });
    const { cursor } = await registry().list({ userId, limit: 1 });

    // Act / Assess
    await expect(registry().list({ limit: 1, cursor: 'not-a-cursor' })).rejects.toThrow(InvalidRequestError);
    await expect(registry().list({ userId: aUser(), limit: 1, cursor: cursor ?? '' })).rejects.toThrow(InvalidRequestError);
    expect((await registry().list({ limit: 1, cursor: cursor ?? '' })).endpoints).toHaveLength(1);
  });

  it('changes the fields given, stamps and versions the change, and removes a description set empty', async () => {
    // Prepare
    const created = await registry().create({ userId: aUser(), url: 'https://app.example.com/', description: 'old', now: NOW });

    // Act
    const changed = await registry().update(
      created.endpointId,
      { url: 'https://new.example.com/in', headers: { 'X-Key': 'k' }, body: 'raw', circuit: { cooldownSeconds: 90 } },
      later(1000),
    );
    const cleared = await registry().update(created.endpointId, { description: '' }, later(2000));

    // Assess
    expect(changed).toMatchObject({
      url: 'https://new.example.com/in',
      description: 'old',
      headers: { 'X-Key': 'k' },
      body: 'raw',
      circuit: { failureThreshold: 5, cooldownSeconds: 90 },
      secrets: created.secrets,
      inboundToken: created.inboundToken,
      createdAt: NOW.toISOString(),
      updatedAt: later(1000).toISOString(),
      version: 2,
    });
    expect(cleared?.version).toBe(3);
    expect(cleared).not.toHaveProperty('description');
    expect(await registry().get(created.endpointId, { consistent: true })).toEqual(cleared);
  });

  it('keeps the partner allowed to name the endpoint, changes it, and clears it with null', async () => {
    // Prepare
    const created = await registry().create({ userId: aUser(), url: 'https://app.example.com/', partner: 'acme', now: NOW });

    // Act
    const moved = await registry().update(created.endpointId, { partner: 'globex' }, later(1000));
    const cleared = await registry().update(created.endpointId, { partner: null }, later(2000));

    // Assess
    expect(created.partner).toBe('acme');
    expect(moved?.partner).toBe('globex');
    expect(cleared).not.toHaveProperty('partner');
    expect(await registry().get(created.endpointId, { consistent: true })).toEqual(cleared);
  });

  it('disables as the operator; enabling clears the reason and closes the circuit', async () => {
    // Prepare
    const created = await registry().create({ userId: aUser(), url: 'https://app.example.com/', now: NOW });

    // Act
    const disabled = await registry().update(created.endpointId, { enabled: false }, NOW);
    await breakerWrite(created.endpointId, { state: 'open', failures: 7, openedAtMs: NOW.getTime(), probeUntilMs: NOW.getTime() + 5000 });
    const enabled = await registry().update(created.endpointId, { enabled: true }, later(1000));
    const raw = await rawItem(endpointItemKey(created.endpointId));

    // Assess
    expect(disabled).toMatchObject({ enabled: false, disabledReason: 'operator' });
    expect(enabled).toMatchObject({ enabled: true, circuit: { state: 'closed', consecutiveFailures: 0 }, counts: { failures: 7 } });
    expect(enabled).not.toHaveProperty('disabledReason');
    expect(raw).not.toHaveProperty(A.openedAtMs);
    expect(raw).not.toHaveProperty(A.probeUntilMs);
    expect(raw).not.toHaveProperty(A.disabledReason);
  });

  it('keeps the reason of an endpoint the breaker disabled when an operator disables it too', async () => {
    // Prepare
    const created = await registry().create({ userId: aUser(), url: 'https://app.example.com/', now: NOW });
    await breakerWrite(created.endpointId, { state: 'closed', failures: 0, gone: true });

    // Act
    const disabled = await registry().update(created.endpointId, { enabled: false }, NOW);

    // Assess
    expect(disabled).toMatchObject({ enabled: false, disabledReason: 'gone' });
  });

  it('rotates the secret: two sign for 24 hours, and the first write after that drops the old one', async () => {
    // Prepare
    const created = await registry().create({ userId: aUser(), url: 'https://app.example.com/', now: NOW });
    const [original] = created.secrets;

    // Act
    const rotated = await registry().rotateSecret(created.endpointId, later(1000));
    const stillOverlapping = await registry().update(created.endpointId, { body: 'raw' }, later(1000 + SECRET_OVERLAP_MS - 1));
    const afterOverlap = await registry().update(created.endpointId, { body: 'envelope' }, later(1000 + SECRET_OVERLAP_MS));

    // Assess
    expect(rotated?.secrets).toEqual([
      { secret: expect.stringMatching(/^whsec_/) },
      { secret: original?.secret, expiresAt: later(1000 + SECRET_OVERLAP_MS).toISOString() },
    ]);
    expect(rotated?.secrets[0]?.secret).not.toBe(original?.secret);
    expect(stillOverlapping?.secrets).toEqual(rotated?.secrets);
    expect(afterOverlap?.secrets).toEqual([rotated?.secrets[0]]);
  });

  it('rotates the token: the old one is replaced at once', async () => {
    // Prepare
    const created = await registry().create({ userId: aUser(), url: 'https://app.example.com/', now: NOW });

    // Act
    const rotated = await registry().rotateToken(created.endpointId, later(1000));

    // Assess
    expect(rotated?.inboundToken).toMatch(INBOUND_TOKEN_PATTERN);
    expect(rotated?.inboundToken.startsWith(`${created.endpointId}.`)).toBe(true);
    expect(rotated?.inboundToken).not.toBe(created.inboundToken);
    expect((await registry().get(created.endpointId, { consistent: true }))?.inboundToken).toBe(rotated?.inboundToken);
  });

  it('removes the item and its directory entry together, once', async () => {
    // Prepare
    const userId = aUser();
    const created = await registry().create({ userId, url: 'https://app.example.com/', now: NOW });

    // Act
    const first = await registry().remove(created.endpointId);
    const second = await registry().remove(created.endpointId);

    // Assess
    expect([first, second]).toEqual([true, false]);
    expect(await rawItem(endpointItemKey(created.endpointId))).toBeUndefined();
    expect(await rawItem(endpointDirectoryKey(userId, created.endpointId))).toBeUndefined();
    expect((await registry().list({ userId, limit: 10 })).endpoints).toEqual([]);
  });

  describe('version conflicts', () => {
    /** A client that lets the breaker write the endpoint just before each of the registry's next `times` updates. */
    function racedClient(endpointId: string, times: number): DynamoDBClient {
      const client = new DynamoDBClient(localAwsConfig(testEnvironment().dynamoDbEndpoint));
      let left = times;
      client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === 'UpdateItemCommand' && left > 0) {
            left -= 1;
            await breakerWrite(endpointId, { state: 'open', failures: 5, openedAtMs: NOW.getTime() });
          }
          return next(args);
        },
        { step: 'initialize', name: 'breakerRace' },
      );
      return client;
    }

    it('tries again from the winner\'s item and keeps what the breaker wrote', async () => {
      // Prepare
      const created = await registry().create({ userId: aUser(), url: 'https://app.example.com/', now: NOW });

      // Act
      const changed = await registry({ client: racedClient(created.endpointId, 2) }).update(created.endpointId, { url: 'https://new.example.com/' }, NOW);

      // Assess: two breaker writes and the change, each a version
      expect(changed).toMatchObject({ url: 'https://new.example.com/', circuit: { state: 'open', consecutiveFailures: 5, openedAtMs: NOW.getTime() }, version: 4 });
    });

    it('gives up with EndpointWriteConflictError when every try loses, changing nothing', async () => {
      // Prepare
      const created = await registry().create({ userId: aUser(), url: 'https://app.example.com/', now: NOW });

      // Act
      const attempt = registry({ client: racedClient(created.endpointId, 3), maxTries: 3 }).rotateSecret(created.endpointId, NOW);

      // Assess
      await expect(attempt).rejects.toThrow(EndpointWriteConflictError);
      const stored = await registry().get(created.endpointId, { consistent: true });
      expect(stored?.secrets).toEqual(created.secrets);
      expect(stored?.version).toBe(4);
    });

    it('lets concurrent rotations all land, one version each', async () => {
      // Prepare
      const created = await registry().create({ userId: aUser(), url: 'https://app.example.com/', now: NOW });

      // Act
      const rotations = await Promise.all(Array.from({ length: 6 }, () => registry({ maxTries: 40 }).rotateSecret(created.endpointId, NOW)));

      // Assess
      const stored = await registry().get(created.endpointId, { consistent: true });
      expect(stored?.version).toBe(7);
      expect(stored?.secrets).toHaveLength(MAX_SIGNING_SECRETS);
      expect(rotations.map((rotation) => rotation?.secrets[0]?.secret)).toContain(stored?.secrets[0]?.secret);
    });
  });
});
