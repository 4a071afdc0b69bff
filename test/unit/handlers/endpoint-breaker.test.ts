import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import type { EndpointCircuit, EndpointRegistry } from '../../../functions/adapters/endpoint-store';
import type { CircuitStatus, Endpoint, EndpointFailure } from '../../../functions/core/endpoint';
import { endpointBreaker } from '../../../functions/handlers/workflows/endpoint-breaker';
import { aJobMessage, FIXED_NOW } from '../../helpers/factories';
import { anEndpoint } from '../admin/endpoint-fakes';
import { aRecordingLogger } from '../processors/processor-context';
import { ManualClock } from './consumer-fakes';

const ENDPOINT_ID = 'ep_aaaaaaaaaaaaaaaaaaaa';
const NOW_MS = FIXED_NOW.getTime();
const SERVER_FAILURE: EndpointFailure = { at: FIXED_NOW.toISOString(), category: 'server', message: 'target answered 503 Service Unavailable', status: 503 };

const forEndpoint = (jobId: string) => aJobMessage({ jobId, queue: 'webhook-delivery', endpointId: ENDPOINT_ID });

function withCircuit(circuit: CircuitStatus): Endpoint {
  return anEndpoint({ endpointId: ENDPOINT_ID, circuit: { failureThreshold: 3, cooldownSeconds: 30, ...circuit } });
}

/** The consumer's endpoint side over a registry holding `stored` and a breaker of mocks. */
function aBreaker(stored: Endpoint) {
  const get = vi.fn<EndpointRegistry['get']>(async () => stored);
  const circuit = {
    takeProbe: vi.fn<EndpointCircuit['takeProbe']>(async () => true),
    recordFailure: vi.fn<EndpointCircuit['recordFailure']>(),
    recordSuccess: vi.fn<EndpointCircuit['recordSuccess']>(async () => undefined),
    disableGone: vi.fn<EndpointCircuit['disableGone']>(async () => undefined),
  } satisfies EndpointCircuit;
  const metrics = { circuitOpened: vi.fn() };
  const breaker = endpointBreaker({
    registry: { get },
    circuit,
    queue: 'webhook-delivery',
    jobTimeoutMs: 30_000,
    clock: new ManualClock(),
    logger: new Logger({ logLevel: 'SILENT' }),
    metrics,
  });
  return { ...breaker, get, circuit, metrics };
}

describe('endpointBreaker: what a delivery’s outcome writes', () => {
  it('writes nothing for a success on a closed circuit with no failures', async () => {
    // Prepare
    const { directory, circuit } = aBreaker(withCircuit({ state: 'closed', consecutiveFailures: 0 }));
    const endpoint = await directory.endpoint(ENDPOINT_ID);
    if (!endpoint) throw new Error('no endpoint');

    // Act
    await directory.delivered(endpoint, { ok: true }, aRecordingLogger());

    // Assess
    expect(circuit.recordSuccess).not.toHaveBeenCalled();
    expect(circuit.recordFailure).not.toHaveBeenCalled();
  });

  it('closes the circuit after a probe’s success, and the gate lets the next jobs pass at once', async () => {
    // Prepare: the cool-down is over; the gate takes the probe for the first job
    const { directory, gate, circuit } = aBreaker(withCircuit({ state: 'open', consecutiveFailures: 3, openedAtMs: NOW_MS - 31_000 }));
    await expect(gate.check(forEndpoint('job-1'))).resolves.toEqual({ kind: 'pass' });
    const endpoint = await directory.endpoint(ENDPOINT_ID);
    if (!endpoint) throw new Error('no endpoint');
    const logger = aRecordingLogger();

    // Act
    await directory.delivered(endpoint, { ok: true }, logger);

    // Assess
    expect(circuit.recordSuccess).toHaveBeenCalledWith(expect.objectContaining({ circuit: expect.objectContaining({ state: 'half_open' }) }), NOW_MS);
    expect(logger.lines).toContainEqual({ level: 'info', message: 'endpoint circuit closed', extra: { endpoint_id: ENDPOINT_ID } });
    await expect(gate.check(forEndpoint('job-2'))).resolves.toEqual({ kind: 'pass' });
  });

  it('counts a failure, and when it opens the circuit publishes the metric and logs the endpoint', async () => {
    // Prepare
    const { directory, gate, circuit, metrics } = aBreaker(withCircuit({ state: 'closed', consecutiveFailures: 2 }));
    circuit.recordFailure.mockResolvedValue({ state: 'open', consecutiveFailures: 3, openedAtMs: NOW_MS });
    const endpoint = await directory.endpoint(ENDPOINT_ID);
    if (!endpoint) throw new Error('no endpoint');
    const logger = aRecordingLogger();

    // Act
    await directory.delivered(endpoint, { ok: false, failure: SERVER_FAILURE, gone: false }, logger);

    // Assess: the cache holds what the write returned, so the next job waits out the cool-down
    expect(circuit.recordFailure).toHaveBeenCalledWith(endpoint, SERVER_FAILURE, NOW_MS);
    expect(metrics.circuitOpened).toHaveBeenCalledWith('webhook-delivery');
    expect(logger.lines).toContainEqual({
      level: 'warn',
      message: 'endpoint circuit opened',
      extra: { endpoint_id: ENDPOINT_ID, consecutive_failures: 3, cooldown_seconds: 30, category: 'server' },
    });
    await expect(gate.check(forEndpoint('job-2'))).resolves.toEqual({
      kind: 'defer',
      waitMs: 30_000,
    });
  });

  it('keeps an opening when an earlier failure\'s write returns after it, so the next job still waits', async () => {
    // Prepare: two deliveries failed; the second one's write opened the circuit and returned first
    const { directory, gate, circuit } = aBreaker(withCircuit({ state: 'closed', consecutiveFailures: 0 }));
    let releaseFirst: () => void = () => undefined;
    circuit.recordFailure
      .mockImplementationOnce(
        () => new Promise((resolve) => (releaseFirst = () => resolve({ state: 'closed', consecutiveFailures: 1 }))),
      )
      .mockResolvedValueOnce({ state: 'open', consecutiveFailures: 2, openedAtMs: NOW_MS });
    const endpoint = await directory.endpoint(ENDPOINT_ID);
    if (!endpoint) throw new Error('no endpoint');
    const failed = { ok: false, failure: SERVER_FAILURE, gone: false } as const;

    // Act
    const first = directory.delivered(endpoint, failed, aRecordingLogger());
    await directory.delivered(endpoint, failed, aRecordingLogger());
    releaseFirst();
    await first;

    // Assess
    await expect(gate.check(forEndpoint('job-3'))).resolves.toEqual({ kind: 'defer', waitMs: 30_000 });
  });

  it('publishes nothing for a failure that leaves the circuit closed, or one another consumer opened', async () => {
    // Prepare
    const { directory, circuit, metrics } = aBreaker(withCircuit({ state: 'closed', consecutiveFailures: 0 }));
    circuit.recordFailure
      .mockResolvedValueOnce({ state: 'closed', consecutiveFailures: 1 })
      .mockResolvedValueOnce({ state: 'open', consecutiveFailures: 4, openedAtMs: NOW_MS - 5000 });
    const endpoint = await directory.endpoint(ENDPOINT_ID);
    if (!endpoint) throw new Error('no endpoint');

    // Act
    await directory.delivered(endpoint, { ok: false, failure: SERVER_FAILURE, gone: false }, aRecordingLogger());
    await directory.delivered(endpoint, { ok: false, failure: SERVER_FAILURE, gone: false }, aRecordingLogger());

    // Assess
    expect(circuit.recordFailure).toHaveBeenCalledTimes(2);
    expect(metrics.circuitOpened).not.toHaveBeenCalled();
  });

  it('disables an endpoint that answered 410, in the table and in the cache', async () => {
    // Prepare
    const { directory, circuit } = aBreaker(withCircuit({ state: 'closed', consecutiveFailures: 0 }));
    const endpoint = await directory.endpoint(ENDPOINT_ID);
    if (!endpoint) throw new Error('no endpoint');
    const gone: EndpointFailure = { ...SERVER_FAILURE, category: 'client', message: 'target answered 410 Gone', status: 410 };

    // Act
    await directory.delivered(endpoint, { ok: false, failure: gone, gone: true }, aRecordingLogger());

    // Assess
    expect(circuit.disableGone).toHaveBeenCalledWith(endpoint, gone, NOW_MS);
    expect(circuit.recordFailure).not.toHaveBeenCalled();
    await expect(directory.endpoint(ENDPOINT_ID)).resolves.toMatchObject({ enabled: false, disabledReason: 'gone' });
  });

  it('logs a breaker write that failed rather than failing the delivery', async () => {
    // Prepare
    const { directory, circuit } = aBreaker(withCircuit({ state: 'closed', consecutiveFailures: 1 }));
    circuit.recordSuccess.mockRejectedValue(new Error('ProvisionedThroughputExceededException'));
    const endpoint = await directory.endpoint(ENDPOINT_ID);
    if (!endpoint) throw new Error('no endpoint');
    const logger = aRecordingLogger();

    // Act
    const delivered = directory.delivered(endpoint, { ok: true }, logger);

    // Assess
    await expect(delivered).resolves.toBeUndefined();
    expect(logger.lines).toContainEqual({ level: 'warn', message: 'endpoint circuit not updated', extra: { endpoint_id: ENDPOINT_ID, error: expect.any(Error) } });
  });
});
