import { describe, expect, it } from 'vitest';
import {
  afterFailure,
  afterRejection,
  afterSuccess,
  CLOSED_CIRCUIT,
  gateOf,
  laterAfterFailure,
  openedAt,
  opensCircuit,
  PROBE_MARGIN_MS,
  probeLeaseMs,
  probeTaken,
  successMovesCircuit,
} from '../../../functions/core/circuit-breaker';
import type { CircuitSettings, CircuitStatus } from '../../../functions/core/endpoint';

const SETTINGS: CircuitSettings = { failureThreshold: 3, cooldownSeconds: 30 };
const OPEN: CircuitStatus = { state: 'open', consecutiveFailures: 3, openedAtMs: 100_000 };

/** Runs `count` retryable failures, one a second from `fromMs`. */
function failuresFrom(circuit: CircuitStatus, count: number, fromMs: number): CircuitStatus {
  let state = circuit;
  for (let index = 0; index < count; index += 1) state = afterFailure(state, SETTINGS, fromMs + index * 1000);
  return state;
}

describe('gateOf', () => {
  it('lets every job of a closed circuit pass, failures or not', () => {
    expect(gateOf({ ...CLOSED_CIRCUIT, cooldownSeconds: 30 }, 0)).toEqual({ kind: 'pass' });
    expect(gateOf({ state: 'closed', consecutiveFailures: 2, cooldownSeconds: 30 }, 0)).toEqual({ kind: 'pass' });
  });

  it('makes jobs of an open circuit wait until its cool-down ends, then offers the probe', () => {
    // Prepare
    const open = { ...OPEN, cooldownSeconds: 30 };

    // Act / Assess: the wait is the rest of the cool-down, not a short spin.
    expect(gateOf(open, 100_001)).toEqual({ kind: 'wait', untilMs: 130_000 });
    expect(gateOf(open, 129_999)).toEqual({ kind: 'wait', untilMs: 130_000 });
    expect(gateOf(open, 130_000)).toEqual({ kind: 'probe' });
  });

  it('makes jobs wait for a probe in flight, and offers another once its lease has run out', () => {
    // Prepare
    const halfOpen = { ...probeTaken(OPEN, 130_000, 60_000), cooldownSeconds: 30 };

    // Act / Assess
    expect(halfOpen).toMatchObject({ state: 'half_open', probeUntilMs: 190_000 });
    expect(gateOf(halfOpen, 150_000)).toEqual({ kind: 'wait', untilMs: 190_000 });
    expect(gateOf(halfOpen, 190_000)).toEqual({ kind: 'probe' });
  });

  it('offers the probe of a half-open circuit whose lease was given back', () => {
    expect(gateOf({ state: 'half_open', consecutiveFailures: 3, openedAtMs: 0, cooldownSeconds: 30 }, 1)).toEqual({ kind: 'probe' });
  });
});

describe('afterFailure', () => {
  it('opens a closed circuit at the threshold of failures in a row, not before', () => {
    // Act
    const twice = failuresFrom(CLOSED_CIRCUIT, 2, 0);
    const thrice = afterFailure(twice, SETTINGS, 5000);

    // Assess
    expect(twice).toEqual({ state: 'closed', consecutiveFailures: 2 });
    expect(thrice).toEqual({ state: 'open', consecutiveFailures: 3, openedAtMs: 5000 });
    expect(opensCircuit(twice, thrice)).toBe(true);
    expect(openedAt(thrice, 5000)).toBe(true);
  });

  it('opens again after a failed probe, with a new cool-down from the failure', () => {
    // Prepare
    const probing = probeTaken(OPEN, 130_000, 60_000);

    // Act
    const reopened = afterFailure(probing, SETTINGS, 131_000);

    // Assess
    expect(reopened).toEqual({ state: 'open', consecutiveFailures: 4, openedAtMs: 131_000 });
    expect(opensCircuit(probing, reopened)).toBe(true);
    expect(gateOf({ ...reopened, cooldownSeconds: 30 }, 131_001)).toEqual({ kind: 'wait', untilMs: 161_000 });
  });

  it('keeps an open circuit as it was for a delivery that started before it opened', () => {
    // Act
    const later = afterFailure(OPEN, SETTINGS, 110_000);

    // Assess: its cool-down does not start over, and it did not open now.
    expect(later).toEqual({ ...OPEN, consecutiveFailures: 4 });
    expect(opensCircuit(OPEN, later)).toBe(false);
    expect(openedAt(later, 110_000)).toBe(false);
  });
});

describe('afterRejection', () => {
  it('does not move a closed or open circuit', () => {
    expect(afterRejection({ state: 'closed', consecutiveFailures: 2 })).toEqual({ state: 'closed', consecutiveFailures: 2 });
    expect(afterRejection(OPEN)).toEqual(OPEN);
  });

  it('gives a probe’s lease back, so the next job probes at once', () => {
    // Act
    const released = afterRejection(probeTaken(OPEN, 130_000, 60_000));

    // Assess
    expect(released).toEqual({ state: 'half_open', consecutiveFailures: 3, openedAtMs: 100_000 });
    expect(gateOf({ ...released, cooldownSeconds: 30 }, 130_001)).toEqual({ kind: 'probe' });
  });
});

describe('afterSuccess', () => {
  it('closes the circuit with no failures', () => {
    expect(afterSuccess()).toEqual({ state: 'closed', consecutiveFailures: 0 });
  });

  it('needs a write only when the circuit is not already closed with no failures', () => {
    expect(successMovesCircuit(CLOSED_CIRCUIT)).toBe(false);
    expect(successMovesCircuit({ state: 'closed', consecutiveFailures: 1 })).toBe(true);
    expect(successMovesCircuit(probeTaken(OPEN, 130_000, 60_000))).toBe(true);
    expect(successMovesCircuit(OPEN)).toBe(true);
  });
});

describe('probeLeaseMs', () => {
  it('covers the job’s timeout and the margin', () => {
    expect(probeLeaseMs(30_000)).toBe(30_000 + PROBE_MARGIN_MS);
  });
});

describe('laterAfterFailure', () => {
  const open = (openedAtMs: number): CircuitStatus => ({ state: 'open', consecutiveFailures: 2, openedAtMs });
  it.each<[string, CircuitStatus, CircuitStatus, CircuitStatus]>([
    ['a closed count returned after an opening keeps the opening', open(5), { state: 'closed', consecutiveFailures: 1 }, open(5)],
    ['an opening returned over a closed count is taken', { state: 'closed', consecutiveFailures: 1 }, open(5), open(5)],
    ['a count returned over a count is taken', { state: 'closed', consecutiveFailures: 1 }, { state: 'closed', consecutiveFailures: 2 }, { state: 'closed', consecutiveFailures: 2 }],
    ['of two openings the later stands', open(9), open(5), open(9)],
    ['a reopening after a probe is taken', open(5), open(9), open(9)],
  ])('%s', (_label, known, written, expected) => {
    expect(laterAfterFailure(known, written)).toEqual(expected);
  });
});
