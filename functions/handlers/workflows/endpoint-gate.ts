import type { Logger } from '@aws-lambda-powertools/logger';
import type { Clock } from '../../adapters/clock';
import type { EndpointCache } from '../../adapters/endpoint-cache';
import type { EndpointCircuit } from '../../adapters/endpoint-store';
import { gateOf, probeLeaseMs, probeTaken } from '../../core/circuit-breaker';
import type { Endpoint } from '../../core/endpoint';
import type { JobMessage } from '../../core/job';

/** A job may go on to its claim, or waits `waitMs` without spending an attempt. */
export type EndpointGateDecision = { readonly kind: 'pass' } | { readonly kind: 'defer'; readonly waitMs: number };

/**
 * How long a job waits when its consumer lost the race for a probe and the
 * state it then reads still offers one (another consumer's write is on its
 * way): a second, not the whole cool-down.
 */
export const PROBE_RACE_DEFER_MS = 1000;

/** What an {@link EndpointGate} works with. */
export interface EndpointGateOptions {
  readonly cache: EndpointCache;
  readonly circuit: EndpointCircuit;
  /** The queue's job timeout: a probe holds the circuit this long and `PROBE_MARGIN_MS`. */
  readonly jobTimeoutMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
}

const PASS: EndpointGateDecision = { kind: 'pass' };

/**
 * The circuit breaker's check before a job is claimed, so a job for an
 * endpoint whose circuit is open waits without spending an attempt (the
 * consumer defers it: a delayed copy on a standard queue, its visibility on a
 * FIFO one) for the rest of the cool-down, not a short spin.
 *
 * Once the cool-down is over, one job takes the probe (a conditional write on
 * the endpoint's item) and goes; the jobs of the same batch wait for that
 * write rather than race it, and every job that did not take the probe waits
 * until the probe's lease ends (its success closes the circuit sooner for the
 * consumer that ran it). A job whose endpoint is missing or disabled passes:
 * its processor fails it as `endpoint_disabled`.
 *
 * @example
 * const decision = await gate.check(message);
 * if (decision.kind === 'defer') return defer(lane, job, decision.waitMs);
 */
export class EndpointGate {
  private readonly probing = new Map<string, Promise<boolean>>();
  private readonly leaseMs: number;

  public constructor(private readonly options: EndpointGateOptions) {
    this.leaseMs = probeLeaseMs(options.jobTimeoutMs);
  }

  /** Whether the job may go on to its claim now. */
  public async check(message: JobMessage): Promise<EndpointGateDecision> {
    const { endpointId } = message;
    if (endpointId === undefined) return PASS;
    const endpoint = await this.options.cache.get(endpointId);
    if (endpoint?.enabled !== true) return PASS;
    const nowMs = this.options.clock.now().getTime();
    const gate = gateOf(endpoint.circuit, nowMs);
    if (gate.kind === 'pass') return PASS;
    if (gate.kind === 'wait') return this.deferred(message, endpointId, gate.untilMs - nowMs);
    if (await this.probe(endpoint, nowMs)) {
      this.options.logger.info('endpoint circuit half-open: this job is its probe', { job_id: message.jobId, endpoint_id: endpointId });
      return PASS;
    }
    // Another job took the probe (or the state moved on): decide again from what that write left.
    const latest = await this.options.cache.get(endpointId);
    if (latest?.enabled !== true) return PASS;
    const again = gateOf(latest.circuit, this.options.clock.now().getTime());
    if (again.kind === 'pass') return PASS;
    return this.deferred(message, endpointId, again.kind === 'wait' ? again.untilMs - nowMs : PROBE_RACE_DEFER_MS);
  }

  /**
   * Takes the probe for this consumer: one write per endpoint at a time, its
   * result put in the cache; a job that asks while the write is in flight is
   * not the probe. A lost write reads the endpoint again.
   */
  private async probe(endpoint: Endpoint, nowMs: number): Promise<boolean> {
    const { endpointId } = endpoint;
    const running = this.probing.get(endpointId);
    if (running !== undefined) return running.then(() => false);
    const attempt = (async () => {
      const taken = await this.options.circuit.takeProbe(endpoint, nowMs, this.leaseMs);
      if (taken) this.options.cache.updateCircuit(endpointId, probeTaken(endpoint.circuit, nowMs, this.leaseMs));
      else await this.options.cache.refresh(endpointId);
      return taken;
    })().finally(() => this.probing.delete(endpointId));
    this.probing.set(endpointId, attempt);
    return attempt;
  }

  private deferred(message: JobMessage, endpointId: string, waitMs: number): EndpointGateDecision {
    // DEBUG: an open circuit defers every job of its endpoint; the opening itself is logged (and counted) once.
    this.options.logger.debug('endpoint circuit open: job deferred', { job_id: message.jobId, endpoint_id: endpointId, retry_in_ms: waitMs });
    return { kind: 'defer', waitMs: Math.max(waitMs, 1) };
  }
}
