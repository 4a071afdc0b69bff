import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbEndpointCircuit } from '../../../functions/adapters/dynamodb-endpoint-circuit';
import { DynamoDbEndpointRegistry } from '../../../functions/adapters/dynamodb-endpoint-registry';
import type { Endpoint, EndpointFailure } from '../../../functions/core/endpoint';
import { generateSigningSecret } from '../../../functions/processors/webhook-signature';
import { createJobsTable } from '../../../local/provision';
import { testEnvironment, uniqueName } from '../../helpers/emulators';

let registry: DynamoDbEndpointRegistry;
let circuit: DynamoDbEndpointCircuit;

beforeAll(async () => {
  const tableName = uniqueName('endpoints');
  await createJobsTable(testEnvironment().dynamoDb, tableName);
  registry = new DynamoDbEndpointRegistry({ client: testEnvironment().dynamoDb, tableName, newSecret: generateSigningSecret });
  circuit = new DynamoDbEndpointCircuit({ client: testEnvironment().dynamoDb, tableName, maxTries: 10 });
});

const NOW_MS = Date.parse('2026-05-01T10:00:00.000Z');

/** A failure of a category at `atMs`. */
function aFailure(category: EndpointFailure['category'], status?: number, atMs = NOW_MS): EndpointFailure {
  return { at: new Date(atMs).toISOString(), category, message: status === undefined ? 'could not reach target' : `target answered ${status}`, ...(status === undefined ? {} : { status }) };
}

/** A fresh endpoint with a threshold of 3 and a 30 s cool-down. */
async function anEndpoint(): Promise<Endpoint> {
  return registry.create({ userId: uniqueName('shop'), url: 'https://app.example.com/hooks', circuit: { failureThreshold: 3, cooldownSeconds: 30 }, now: new Date(NOW_MS) });
}

/** The endpoint as stored now. */
async function stored(endpointId: string): Promise<Endpoint> {
  const endpoint = await registry.get(endpointId, { consistent: true });
  if (!endpoint) throw new Error(`endpoint ${endpointId} is gone`);
  return endpoint;
}

/** Records `count` retryable failures one after another, each from the state as stored. */
async function failTimes(endpointId: string, count: number, fromMs = NOW_MS): Promise<void> {
  for (let index = 0; index < count; index += 1) await circuit.recordFailure(await stored(endpointId), aFailure('server', 503), fromMs + index);
}

describe('DynamoDbEndpointCircuit against DynamoDB Local', () => {
  it('opens the circuit at the threshold of retryable failures, counting them and the opening on the item', async () => {
    // Prepare
    const endpoint = await anEndpoint();

    // Act
    await failTimes(endpoint.endpointId, 2);
    const status = await circuit.recordFailure(await stored(endpoint.endpointId), aFailure('timeout', undefined, NOW_MS + 10), NOW_MS + 10);

    // Assess
    expect(status).toEqual({ state: 'open', consecutiveFailures: 3, openedAtMs: NOW_MS + 10 });
    const after = await stored(endpoint.endpointId);
    expect(after.circuit).toMatchObject({ state: 'open', consecutiveFailures: 3, openedAtMs: NOW_MS + 10 });
    expect(after.counts).toEqual({ failures: 3, circuitOpens: 1 });
    expect(after.lastFailure).toEqual({ at: new Date(NOW_MS + 10).toISOString(), category: 'timeout', message: 'could not reach target' });
    expect(after.version).toBe(endpoint.version + 3);
    expect(after.updatedAt).toBe(new Date(NOW_MS + 10).toISOString());
  });

  it('counts a non-retryable failure without moving the breaker', async () => {
    // Prepare
    const endpoint = await anEndpoint();
    await failTimes(endpoint.endpointId, 2);

    // Act
    const status = await circuit.recordFailure(await stored(endpoint.endpointId), aFailure('auth', 401), NOW_MS + 5);

    // Assess
    expect(status).toEqual({ state: 'closed', consecutiveFailures: 2 });
    const after = await stored(endpoint.endpointId);
    expect(after.counts.failures).toBe(3);
    expect(after.lastFailure).toMatchObject({ category: 'auth', status: 401 });
  });

  it('counts every failure of concurrent consumers once, from a stale copy too, and opens once', async () => {
    // Prepare: five consumers hold the same copy, closed with no failures
    const endpoint = await anEndpoint();

    // Act
    const statuses = await Promise.all(Array.from({ length: 5 }, (_, index) => circuit.recordFailure(endpoint, aFailure('server', 503), NOW_MS + index)));

    // Assess
    const after = await stored(endpoint.endpointId);
    expect(after.circuit.consecutiveFailures).toBe(5);
    expect(after.counts).toEqual({ failures: 5, circuitOpens: 1 });
    expect(statuses.filter((status) => status.state === 'open' && status.consecutiveFailures === 3)).toHaveLength(1);
  });

  it('gives the probe to one of two consumers after the cool-down, none before it, and another once its lease ran out', async () => {
    // Prepare
    const endpoint = await anEndpoint();
    await failTimes(endpoint.endpointId, 3);
    const open = await stored(endpoint.endpointId);
    const cooledMs = (open.circuit.openedAtMs ?? 0) + 30_000;

    // Act
    const early = await circuit.takeProbe(open, cooledMs - 1, 60_000);
    const race = await Promise.all([circuit.takeProbe(open, cooledMs, 60_000), circuit.takeProbe(open, cooledMs + 1, 60_000)]);
    const probing = await stored(endpoint.endpointId);
    const whileHeld = await circuit.takeProbe(probing, cooledMs + 1000, 60_000);
    const afterLease = await circuit.takeProbe(probing, (probing.circuit.probeUntilMs ?? 0) + 1, 60_000);

    // Assess
    expect(early).toBe(false);
    expect(race.filter(Boolean)).toHaveLength(1);
    expect(probing.circuit).toMatchObject({ state: 'half_open', openedAtMs: open.circuit.openedAtMs });
    expect(whileHeld).toBe(false);
    expect(afterLease).toBe(true);
  });

  it('opens again when the probe fails, and closes with no failures when it succeeds', async () => {
    // Prepare
    const endpoint = await anEndpoint();
    await failTimes(endpoint.endpointId, 3);
    const cooledMs = NOW_MS + 2 + 30_000;
    await circuit.takeProbe(await stored(endpoint.endpointId), cooledMs, 60_000);

    // Act: the probe fails
    const reopened = await circuit.recordFailure(await stored(endpoint.endpointId), aFailure('network'), cooledMs + 100);

    // Assess
    expect(reopened).toEqual({ state: 'open', consecutiveFailures: 4, openedAtMs: cooledMs + 100 });
    expect((await stored(endpoint.endpointId)).counts.circuitOpens).toBe(2);

    // Act: the next probe succeeds
    const nextCooledMs = cooledMs + 100 + 30_000;
    expect(await circuit.takeProbe(await stored(endpoint.endpointId), nextCooledMs, 60_000)).toBe(true);
    await circuit.recordSuccess(await stored(endpoint.endpointId), nextCooledMs + 50);

    // Assess
    const closed = await stored(endpoint.endpointId);
    expect(closed.circuit).toEqual({ failureThreshold: 3, cooldownSeconds: 30, state: 'closed', consecutiveFailures: 0 });
    expect(closed.counts).toEqual({ failures: 4, circuitOpens: 2 });
  });

  it('disables an endpoint that answered 410, recording why', async () => {
    // Prepare
    const endpoint = await anEndpoint();

    // Act
    await circuit.disableGone(endpoint, aFailure('client', 410), NOW_MS + 1);

    // Assess
    const after = await stored(endpoint.endpointId);
    expect(after).toMatchObject({ enabled: false, disabledReason: 'gone', lastFailure: { category: 'client', status: 410 }, counts: { failures: 1 } });
    expect(after.version).toBe(endpoint.version + 1);
  });

  it('leaves the registry’s own writes working: a change made from a read older than the breaker’s writes applies', async () => {
    // Prepare
    const endpoint = await anEndpoint();
    await failTimes(endpoint.endpointId, 3);

    // Act: the registry writes from its own (older) read; it retries on the version the breaker bumped
    const changed = await registry.update(endpoint.endpointId, { description: 'the shop app' }, new Date(NOW_MS + 20));

    // Assess
    expect(changed).toMatchObject({ description: 'the shop app', circuit: { state: 'open', consecutiveFailures: 3 } });
  });

  it('never brings a removed endpoint back as a fragment', async () => {
    // Prepare
    const endpoint = await anEndpoint();
    await registry.remove(endpoint.endpointId);

    // Act
    const status = await circuit.recordFailure(endpoint, aFailure('server', 503), NOW_MS);
    await circuit.recordSuccess({ ...endpoint, circuit: { ...endpoint.circuit, consecutiveFailures: 1 } }, NOW_MS);
    await circuit.disableGone(endpoint, aFailure('client', 410), NOW_MS);
    const probe = await circuit.takeProbe({ ...endpoint, circuit: { ...endpoint.circuit, state: 'open', openedAtMs: 0 } }, NOW_MS, 60_000);

    // Assess
    expect(status).toEqual({ state: 'closed', consecutiveFailures: 0 });
    expect(probe).toBe(false);
    await expect(registry.get(endpoint.endpointId, { consistent: true })).resolves.toBeUndefined();
  });
});
