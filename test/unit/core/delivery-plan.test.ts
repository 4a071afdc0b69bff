import { describe, expect, it } from 'vitest';
import { MAX_SQS_DELAY_MS, planDelivery } from '../../../functions/core/delivery-plan';
import { FIXED_NOW } from '../../helpers/factories';

const now = FIXED_NOW;
const at = (offsetMs: number) => new Date(now.getTime() + offsetMs);

describe('planDelivery', () => {
  it('sends a job without delay at once, as waiting', () => {
    // Act
    const plan = planDelivery(false, {}, now);

    // Assess
    expect(plan).toEqual({ via: 'queue', status: 'waiting', delaySeconds: 0, dueAt: now });
  });

  it('treats a delay of 0 as none, on FIFO too', () => {
    // Act / Assess
    expect(planDelivery(false, { delayMs: 0 }, now)).toMatchObject({ via: 'queue', status: 'waiting', delaySeconds: 0 });
    expect(planDelivery(true, { delayMs: 0 }, now)).toMatchObject({ via: 'queue', status: 'waiting', delaySeconds: 0 });
  });

  it('delays 5 s on a standard queue with SQS DelaySeconds 5', () => {
    // Act
    const plan = planDelivery(false, { delayMs: 5000 }, now);

    // Assess
    expect(plan).toEqual({ via: 'queue', status: 'delayed', delaySeconds: 5, dueAt: at(5000) });
  });

  it('rounds a part second up, so the job is never early', () => {
    // Act / Assess
    expect(planDelivery(false, { delayMs: 1 }, now)).toMatchObject({ via: 'queue', delaySeconds: 1 });
    expect(planDelivery(false, { delayMs: 1500 }, now)).toMatchObject({ via: 'queue', delaySeconds: 2 });
  });

  it('uses the queue for exactly 15 minutes', () => {
    // Act
    const plan = planDelivery(false, { delayMs: MAX_SQS_DELAY_MS }, now);

    // Assess
    expect(plan).toEqual({ via: 'queue', status: 'delayed', delaySeconds: 900, dueAt: at(MAX_SQS_DELAY_MS) });
  });

  it('uses the sweeper for 15 minutes and 1 ms', () => {
    // Act
    const plan = planDelivery(false, { delayMs: MAX_SQS_DELAY_MS + 1 }, now);

    // Assess
    expect(plan).toEqual({ via: 'sweeper', status: 'delayed', dueAt: at(MAX_SQS_DELAY_MS + 1) });
  });

  it.each([1, 5000, MAX_SQS_DELAY_MS])('uses the sweeper for any delay (%i ms) on a FIFO queue', (delayMs) => {
    // Act
    const plan = planDelivery(true, { delayMs }, now);

    // Assess
    expect(plan).toEqual({ via: 'sweeper', status: 'delayed', dueAt: at(delayMs) });
  });

  it('uses the sweeper for a run_at in the future, however near', () => {
    // Prepare
    const runAt = at(5000);

    // Act
    const plan = planDelivery(false, { runAt }, now);

    // Assess
    expect(plan).toEqual({ via: 'sweeper', status: 'delayed', dueAt: runAt });
  });

  it.each([
    ['in the past', -60_000],
    ['now', 0],
  ])('sends a job with run_at %s at once', (_label, offset) => {
    // Act
    const plan = planDelivery(false, { runAt: at(offset) }, now);

    // Assess
    expect(plan).toEqual({ via: 'queue', status: 'waiting', delaySeconds: 0, dueAt: now });
  });

  it('sends a FIFO job with a past run_at at once', () => {
    // Act / Assess
    expect(planDelivery(true, { runAt: at(-1) }, now)).toMatchObject({ via: 'queue', status: 'waiting' });
  });
});
