import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import { EndpointCache } from '../../../functions/adapters/endpoint-cache';
import type { EndpointCircuit, EndpointRegistry } from '../../../functions/adapters/endpoint-store';
import { PROBE_MARGIN_MS } from '../../../functions/core/circuit-breaker';
import type { CircuitStatus, Endpoint } from '../../../functions/core/endpoint';
import { EndpointGate } from '../../../functions/handlers/workflows/endpoint-gate';
import { BatchProcessor } from '../../../functions/handlers/workflows/process-batch';
import { aJobMessage, aQueueDefinition, FIXED_NOW } from '../../helpers/factories';
import { anEndpoint } from '../admin/endpoint-fakes';
import { anAwsRecord, consumerDeps, ManualClock } from './consumer-fakes';

const ENDPOINT_ID = 'ep_aaaaaaaaaaaaaaaaaaaa';
const TIMEOUT_MS = 30_000;
const NOW_MS = FIXED_NOW.getTime();

/** An endpoint with a 30 s cool-down whose circuit is as given. */
function withCircuit(circuit: CircuitStatus, overrides: Partial<Endpoint> = {}): Endpoint {
  return anEndpoint({ endpointId: ENDPOINT_ID, circuit: { failureThreshold: 3, cooldownSeconds: 30, ...circuit }, ...overrides });
}

/** A circuit opened `agoMs` before now. */
const openedAgo = (agoMs: number): CircuitStatus => ({ state: 'open', consecutiveFailures: 3, openedAtMs: NOW_MS - agoMs });

/** A gate over a registry that answers `stored` (then `fresh` on consistent reads) and a breaker whose probe writes win unless told. */
function aGate(stored: Endpoint | undefined, fresh: Endpoint | undefined = stored) {
  const get = vi.fn<EndpointRegistry['get']>(async (_id, options) => (options?.consistent === true ? fresh : stored));
  const takeProbe = vi.fn<EndpointCircuit['takeProbe']>(async () => true);
  const circuit: EndpointCircuit = { takeProbe, recordFailure: vi.fn(), recordSuccess: vi.fn(), disableGone: vi.fn() };
  const clock = new ManualClock();
  const cache = new EndpointCache({ registry: { get }, nowMs: () => clock.now().getTime() });
  const gate = new EndpointGate({ cache, circuit, jobTimeoutMs: TIMEOUT_MS, clock, logger: new Logger({ logLevel: 'SILENT' }) });
  return { gate, get, takeProbe, clock, cache };
}

const forEndpoint = (jobId = 'job-1') => aJobMessage({ jobId, queue: 'webhook-delivery', endpointId: ENDPOINT_ID });

describe('EndpointGate', () => {
  it('passes a job that names no endpoint without reading anything', async () => {
    // Prepare
    const { gate, get } = aGate(withCircuit(openedAgo(0)));

    // Act
    const decision = await gate.check(aJobMessage());

    // Assess
    expect(decision).toEqual({ kind: 'pass' });
    expect(get).not.toHaveBeenCalled();
  });

  it('passes jobs of a closed circuit, reading the endpoint once for a few seconds', async () => {
    // Prepare
    const { gate, get, clock } = aGate(withCircuit({ state: 'closed', consecutiveFailures: 2 }));

    // Act
    const first = await gate.check(forEndpoint('job-1'));
    const second = await gate.check(forEndpoint('job-2'));
    await clock.sleep(6000);
    await gate.check(forEndpoint('job-3'));

    // Assess
    expect([first, second]).toEqual([{ kind: 'pass' }, { kind: 'pass' }]);
    expect(get).toHaveBeenCalledTimes(2);
  });

  it('defers a job of an open circuit for the rest of its cool-down, without taking a probe', async () => {
    // Prepare: opened 12 s ago, a 30 s cool-down
    const { gate, takeProbe } = aGate(withCircuit(openedAgo(12_000)));

    // Act
    const decision = await gate.check(forEndpoint());

    // Assess
    expect(decision).toEqual({ kind: 'defer', waitMs: 18_000 });
    expect(takeProbe).not.toHaveBeenCalled();
  });

  it('lets one job probe once the cool-down is over, and defers the others until the probe’s lease ends', async () => {
    // Prepare
    const endpoint = withCircuit(openedAgo(31_000));
    const { gate, takeProbe } = aGate(endpoint);

    // Act: a batch's three jobs at once
    const decisions = await Promise.all([gate.check(forEndpoint('job-1')), gate.check(forEndpoint('job-2')), gate.check(forEndpoint('job-3'))]);
    const later = await gate.check(forEndpoint('job-4'));

    // Assess: one write, one probe; the rest wait for the lease, not a second
    expect(takeProbe).toHaveBeenCalledOnce();
    expect(takeProbe).toHaveBeenCalledWith(endpoint, NOW_MS, TIMEOUT_MS + PROBE_MARGIN_MS);
    const lease = TIMEOUT_MS + PROBE_MARGIN_MS;
    expect(decisions).toEqual([{ kind: 'pass' }, { kind: 'defer', waitMs: lease }, { kind: 'defer', waitMs: lease }]);
    expect(later).toEqual({ kind: 'defer', waitMs: lease });
  });

  it('defers until the winner’s lease ends when another consumer took the probe', async () => {
    // Prepare: this consumer's copy says the cool-down is over; the table says another took the probe 2 s ago
    const probeUntilMs = NOW_MS + 58_000;
    const { gate, takeProbe, get } = aGate(withCircuit(openedAgo(32_000)), withCircuit({ ...openedAgo(32_000), state: 'half_open', probeUntilMs }));
    takeProbe.mockResolvedValue(false);

    // Act
    const decision = await gate.check(forEndpoint());

    // Assess
    expect(decision).toEqual({ kind: 'defer', waitMs: 58_000 });
    expect(get).toHaveBeenLastCalledWith(ENDPOINT_ID, { consistent: true });
  });

  it('passes when the lost probe race was to a consumer that has closed the circuit already', async () => {
    // Prepare
    const { gate, takeProbe } = aGate(withCircuit(openedAgo(40_000)), withCircuit({ state: 'closed', consecutiveFailures: 0 }));
    takeProbe.mockResolvedValue(false);

    // Act / Assess
    await expect(gate.check(forEndpoint())).resolves.toEqual({ kind: 'pass' });
  });

  it.each([
    ['disabled', withCircuit(openedAgo(0), { enabled: false, disabledReason: 'gone' })],
    ['missing', undefined],
  ])('passes a job whose endpoint is %s: its processor fails it', async (_case, endpoint) => {
    // Prepare
    const { gate, takeProbe } = aGate(endpoint);

    // Act / Assess
    await expect(gate.check(forEndpoint())).resolves.toEqual({ kind: 'pass' });
    expect(takeProbe).not.toHaveBeenCalled();
  });
});

describe('BatchProcessor with an endpoint gate', () => {
  it('defers a job of an open circuit before its claim: a delayed copy for the rest of the cool-down, no attempt spent', async () => {
    // Prepare
    const definition = aQueueDefinition({ name: 'webhook-delivery', endpoints: true, timeoutMs: TIMEOUT_MS });
    const { gate } = aGate(withCircuit(openedAgo(10_000)));
    const { deps, store, queues, processor } = consumerDeps(definition, { endpointGate: gate });
    const record = anAwsRecord({ definition, message: forEndpoint() });

    // Act
    const response = await new BatchProcessor(deps).process({ Records: [record] });

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(response.tally).toMatchObject({ deferred: 1 });
    expect(store.claim).not.toHaveBeenCalled();
    expect(processor).not.toHaveBeenCalled();
    expect(queues.send).toHaveBeenCalledWith(deps.lanes[0]?.url, expect.objectContaining({ delaySeconds: 20, message: expect.objectContaining({ endpointId: ENDPOINT_ID }) }));
  });

  it('claims and runs a job of a closed circuit as any other', async () => {
    // Prepare
    const definition = aQueueDefinition({ name: 'webhook-delivery', endpoints: true, timeoutMs: TIMEOUT_MS });
    const { gate } = aGate(withCircuit({ state: 'closed', consecutiveFailures: 0 }));
    const { deps, store, processor } = consumerDeps(definition, { endpointGate: gate });

    // Act
    const response = await new BatchProcessor(deps).process({ Records: [anAwsRecord({ definition, message: forEndpoint() })] });

    // Assess
    expect(response.tally).toMatchObject({ completed: 1 });
    expect(store.claim).toHaveBeenCalledOnce();
    expect(processor).toHaveBeenCalledOnce();
  });
});
