import { CIRCUIT_STATE, type CircuitSettings, type CircuitStatus } from './endpoint';

/**
 * The circuit breaker of a delivery endpoint, as pure state changes. The
 * consumer asks {@link gateOf} before it claims a job for an endpoint, and
 * moves the state with {@link afterFailure}, {@link afterRejection} and
 * {@link afterSuccess} when a delivery ends; the adapter stores the result
 * with a conditional write on the endpoint's item.
 *
 * - closed: jobs pass; `failureThreshold` retryable failures in a row open it.
 * - open: jobs wait until `openedAtMs + cooldownSeconds`; then one probe goes.
 * - half_open: one probe holds the circuit until `probeUntilMs`; the others
 *   wait for it. Its success closes the circuit, its failure opens it again,
 *   and a lease that ran out (the probe's holder stopped) lets another probe go.
 */

/**
 * A probe holds a half-open circuit for its job's timeout and this margin, for
 * the claim before the delivery and the breaker's write after it. Short on
 * purpose: the jobs that did not take the probe wait out its whole lease, even
 * when the probe succeeds at once. A probe held up longer (waiting for a
 * rate-limit slot) may see a second one go beside it, which is harmless.
 */
export const PROBE_MARGIN_MS = 5000;

/** What the gate says about a job for an endpoint. */
export type CircuitGate =
  | { readonly kind: 'pass' }
  /** The cool-down is over (or the last probe's lease ran out): this job may be the one probe. */
  | { readonly kind: 'probe' }
  /** The circuit is open, or a probe is in flight: wait until `untilMs` (epoch ms). */
  | { readonly kind: 'wait'; readonly untilMs: number };

/** A closed circuit with no failures: the state of an endpoint nothing has gone wrong with. */
export const CLOSED_CIRCUIT: CircuitStatus = { state: CIRCUIT_STATE.closed, consecutiveFailures: 0 };

/** A circuit's state with the cool-down it waits out when open (an endpoint's `circuit`). */
export type CircuitWithCooldown = CircuitStatus & Pick<CircuitSettings, 'cooldownSeconds'>;

/**
 * Whether a job for an endpoint in this state may go now, may go as the probe,
 * or must wait (and until when).
 *
 * @example
 * gateOf({ state: 'open', consecutiveFailures: 5, openedAtMs: 0, cooldownSeconds: 30 }, 10_000);
 * // { kind: 'wait', untilMs: 30_000 }
 */
export function gateOf(circuit: CircuitWithCooldown, nowMs: number): CircuitGate {
  switch (circuit.state) {
    case CIRCUIT_STATE.open: {
      const untilMs = cooldownEndMs(circuit);
      return nowMs < untilMs ? { kind: 'wait', untilMs } : { kind: 'probe' };
    }
    case CIRCUIT_STATE.halfOpen: {
      const untilMs = circuit.probeUntilMs ?? 0;
      return nowMs < untilMs ? { kind: 'wait', untilMs } : { kind: 'probe' };
    }
    default:
      return { kind: 'pass' };
  }
}

/** When an open circuit's cool-down ends, epoch ms (an open circuit without `openedAtMs` has none left). */
export function cooldownEndMs(circuit: CircuitWithCooldown): number {
  return (circuit.openedAtMs ?? 0) + circuit.cooldownSeconds * 1000;
}

/**
 * The half-open state a probe taken at `nowMs` holds the circuit in.
 *
 * @example
 * probeTaken({ state: 'open', consecutiveFailures: 5, openedAtMs: 0 }, 40_000, 60_000);
 * // { state: 'half_open', consecutiveFailures: 5, openedAtMs: 0, probeUntilMs: 100_000 }
 */
export function probeTaken(circuit: CircuitStatus, nowMs: number, leaseMs: number): CircuitStatus {
  return { ...circuit, state: CIRCUIT_STATE.halfOpen, probeUntilMs: nowMs + leaseMs };
}

/** How long a probe of a job with this timeout holds the circuit: the timeout and {@link PROBE_MARGIN_MS}. */
export function probeLeaseMs(jobTimeoutMs: number): number {
  return jobTimeoutMs + PROBE_MARGIN_MS;
}

/**
 * The state after a retryable failure (network, timeout, server, rate
 * limited): one more in a row; a closed circuit opens at the threshold, a
 * failed probe opens it again (a new cool-down from now), and an open one
 * stays open as it was (a delivery that started before it opened).
 *
 * @example
 * afterFailure({ state: 'closed', consecutiveFailures: 4 }, { failureThreshold: 5, cooldownSeconds: 30 }, 1000);
 * // { state: 'open', consecutiveFailures: 5, openedAtMs: 1000 }
 */
export function afterFailure(circuit: CircuitStatus, settings: CircuitSettings, nowMs: number): CircuitStatus {
  const consecutiveFailures = circuit.consecutiveFailures + 1;
  switch (circuit.state) {
    case CIRCUIT_STATE.halfOpen:
      return { state: CIRCUIT_STATE.open, consecutiveFailures, openedAtMs: nowMs };
    case CIRCUIT_STATE.open:
      return { ...circuit, consecutiveFailures };
    default:
      return consecutiveFailures >= settings.failureThreshold
        ? { state: CIRCUIT_STATE.open, consecutiveFailures, openedAtMs: nowMs }
        : { state: CIRCUIT_STATE.closed, consecutiveFailures };
  }
}

/**
 * The state after a failure that is not the endpoint being down (client, auth,
 * validation, a refused target): the breaker does not move. A probe that ends
 * so gives its lease back, so the next job probes at once rather than after
 * the lease.
 *
 * @example
 * afterRejection({ state: 'half_open', consecutiveFailures: 5, openedAtMs: 0, probeUntilMs: 90_000 });
 * // { state: 'half_open', consecutiveFailures: 5, openedAtMs: 0 }
 */
export function afterRejection(circuit: CircuitStatus): CircuitStatus {
  if (circuit.state !== CIRCUIT_STATE.halfOpen) return circuit;
  const { probeUntilMs: _released, ...rest } = circuit;
  return rest;
}

/** The state after a success: closed, no failures. */
export function afterSuccess(): CircuitStatus {
  return CLOSED_CIRCUIT;
}

/**
 * Whether a success must be written: not when the circuit is already closed
 * with no failures, so a delivery that goes well costs no write.
 */
export function successMovesCircuit(circuit: CircuitStatus): boolean {
  return circuit.state !== CIRCUIT_STATE.closed || circuit.consecutiveFailures !== 0;
}

/**
 * Whether a breaker write made at `nowMs` left the circuit opened by that
 * write: {@link afterFailure} opens with `openedAtMs` = its `nowMs`, while a
 * circuit another consumer opened carries its own time.
 */
export function openedAt(circuit: CircuitStatus, nowMs: number): boolean {
  return circuit.state === CIRCUIT_STATE.open && circuit.openedAtMs === nowMs;
}

/** Whether the move from `before` to `after` opened the circuit (from closed, or a failed probe). */
export function opensCircuit(before: CircuitStatus, after: CircuitStatus): boolean {
  return after.state === CIRCUIT_STATE.open && (before.state !== CIRCUIT_STATE.open || after.openedAtMs !== before.openedAtMs);
}

/**
 * Which of two states a failure write left is the later one, for a consumer
 * whose writes may return out of order. A failure never closes a circuit: a
 * failure write that returns `closed` ran while the circuit was closed, so an
 * open (or half-open) state known already came after it and stands; of two
 * openings the later one stands; otherwise the state the write returned.
 *
 * @example
 * laterAfterFailure({ state: 'open', consecutiveFailures: 2, openedAtMs: 5 }, { state: 'closed', consecutiveFailures: 1 }).state; // 'open'
 */
export function laterAfterFailure(known: CircuitStatus, written: CircuitStatus): CircuitStatus {
  if (known.state === CIRCUIT_STATE.closed) return written;
  if (written.state === CIRCUIT_STATE.closed) return known;
  return (written.openedAtMs ?? 0) >= (known.openedAtMs ?? 0) ? written : known;
}
