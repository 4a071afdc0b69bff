import type { Logger } from '@aws-lambda-powertools/logger';
import type { Clock } from '../../adapters/clock';
import { EndpointCache } from '../../adapters/endpoint-cache';
import type { CircuitMetrics } from '../../adapters/emf-metrics';
import type { EndpointCircuit, EndpointRegistry } from '../../adapters/endpoint-store';
import { CLOSED_CIRCUIT, laterAfterFailure, openedAt, successMovesCircuit } from '../../core/circuit-breaker';
import { CIRCUIT_STATE, type Endpoint } from '../../core/endpoint';
import type { EndpointDirectory, EndpointOutcome } from '../../processors/endpoint-processor';
import type { ProcessorLogger } from '../../processors/processor';
import { EndpointGate } from './endpoint-gate';

/** What a consumer delivering to endpoints needs. */
export interface EndpointBreakerOptions {
  readonly registry: Pick<EndpointRegistry, 'get'>;
  readonly circuit: EndpointCircuit;
  /** The consumer's queue: the dimension of the breaker's metric. */
  readonly queue: string;
  /** The queue's job timeout (a probe's lease is derived from it). */
  readonly jobTimeoutMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where circuit openings are counted; left out, they are only logged. */
  readonly metrics?: CircuitMetrics;
}

/**
 * The endpoint side of a consumer: one cache of endpoints (per warm
 * instance), the gate that defers a job before its claim while its
 * endpoint's circuit is open, and the directory the endpoint processor reads
 * endpoints from and reports each delivery to. The gate's and the
 * directory's breaker writes both update the cache with what they wrote.
 *
 * @example
 * const { gate, directory } = endpointBreaker({ registry, circuit, queue: 'webhook-delivery', jobTimeoutMs: 30_000, clock, logger });
 * const processor = createEndpointProcessor({ ...httpOptions, endpoints: directory });
 */
export function endpointBreaker(options: EndpointBreakerOptions): { readonly gate: EndpointGate; readonly directory: EndpointDirectory } {
  const cache = new EndpointCache({ registry: options.registry, nowMs: () => options.clock.now().getTime() });
  const gate = new EndpointGate({ cache, circuit: options.circuit, jobTimeoutMs: options.jobTimeoutMs, clock: options.clock, logger: options.logger });
  const directory: EndpointDirectory = {
    endpoint: async (endpointId, read) => (read?.fresh === true ? cache.refresh(endpointId) : cache.get(endpointId)),
    delivered: async (endpoint, outcome, logger) => {
      try {
        // The latest state this consumer knows: the gate may have moved it since the delivery read it.
        const latest = (await cache.peek(endpoint.endpointId)) ?? endpoint;
        await recordOutcome({ ...options, cache }, latest, outcome, logger);
      } catch (error) {
        logger.warn('endpoint circuit not updated', { endpoint_id: endpoint.endpointId, error: error as Error });
      }
    },
  };
  return { gate, directory };
}

/** One delivery's outcome, written to the endpoint's breaker (nothing for a success on a closed circuit with no failures). */
async function recordOutcome(
  options: EndpointBreakerOptions & { readonly cache: EndpointCache },
  endpoint: Endpoint,
  outcome: EndpointOutcome,
  logger: ProcessorLogger,
): Promise<void> {
  const { circuit, cache, clock } = options;
  const { endpointId } = endpoint;
  const nowMs = clock.now().getTime();
  if (outcome.ok) {
    if (!successMovesCircuit(endpoint.circuit)) return;
    await circuit.recordSuccess(endpoint, nowMs);
    cache.updateCircuit(endpointId, CLOSED_CIRCUIT);
    if (endpoint.circuit.state !== CIRCUIT_STATE.closed) logger.info('endpoint circuit closed', { endpoint_id: endpointId });
    return;
  }
  if (outcome.gone) {
    await circuit.disableGone(endpoint, outcome.failure, nowMs);
    cache.update(endpointId, (cached) => ({ ...cached, enabled: false, disabledReason: 'gone', lastFailure: outcome.failure }));
    logger.warn('endpoint disabled: it answered 410 Gone', { endpoint_id: endpointId });
    return;
  }
  const status = await circuit.recordFailure(endpoint, outcome.failure, nowMs);
  // Two failures' writes may return out of order: an opening already known is not undone by the earlier count.
  cache.updateCircuit(endpointId, status, laterAfterFailure);
  if (openedAt(status, nowMs)) {
    options.metrics?.circuitOpened(options.queue);
    logger.warn('endpoint circuit opened', {
      endpoint_id: endpointId,
      consecutive_failures: status.consecutiveFailures,
      cooldown_seconds: endpoint.circuit.cooldownSeconds,
      category: outcome.failure.category,
    });
  }
}
