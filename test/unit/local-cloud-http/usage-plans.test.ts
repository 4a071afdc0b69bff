import { describe, expect, it } from 'vitest';
import { quotaPeriodStart } from '../../../local/cloud/http/quota-period';
import { UsagePlanGate } from '../../../local/cloud/http/usage-plans';

const t0 = Date.parse('2024-05-06T10:00:00Z'); // a Monday

function admitMany(gate: UsagePlanGate, key: string | undefined, count: number, at: number): string[] {
  return Array.from({ length: count }, () => gate.admit(key, at));
}

describe('UsagePlanGate', () => {
  it('lets a burst through, throttles the next request, and refills at the rate', () => {
    const gate = new UsagePlanGate([{ apiKeyValues: ['acme'], rateLimit: 2, burstLimit: 3 }]);

    const burst = admitMany(gate, 'acme', 4, t0);
    const afterHalfSecond = admitMany(gate, 'acme', 2, t0 + 500);
    const afterTwoSeconds = admitMany(gate, 'acme', 4, t0 + 2_500);

    expect(burst).toEqual(['ok', 'ok', 'ok', 'throttled']);
    expect(afterHalfSecond).toEqual(['ok', 'throttled']);
    // Refill stops at the burst size, however long the pause.
    expect(afterTwoSeconds).toEqual(['ok', 'ok', 'ok', 'throttled']);
  });

  it('gives each key its own bucket, even in the same plan', () => {
    const gate = new UsagePlanGate([{ apiKeyValues: ['acme', 'globex'], rateLimit: 1, burstLimit: 1 }]);

    expect([gate.admit('acme', t0), gate.admit('acme', t0), gate.admit('globex', t0)]).toEqual(['ok', 'throttled', 'ok']);
  });

  it('refuses past the daily quota until the next UTC day, and counts only admitted requests', () => {
    const gate = new UsagePlanGate([{ apiKeyValues: ['acme'], rateLimit: 1, burstLimit: 1, quota: { limit: 2, period: 'DAY' } }]);

    const first = [gate.admit('acme', t0), gate.admit('acme', t0), gate.admit('acme', t0 + 1_000)];
    const sameDay = gate.admit('acme', t0 + 3_600_000);
    const nextDay = gate.admit('acme', Date.parse('2024-05-07T00:00:01Z'));

    // The throttled second request did not use up quota, so the third one still fit.
    expect(first).toEqual(['ok', 'throttled', 'ok']);
    expect(sameDay).toBe('quota');
    expect(nextDay).toBe('ok');
  });

  it('applies the stage throttle to every caller together, keys or not', () => {
    const gate = new UsagePlanGate([{ apiKeyValues: ['acme'], rateLimit: 100, burstLimit: 100 }], { rateLimit: 1, burstLimit: 2 });

    expect([gate.admit('acme', t0), gate.admit(undefined, t0), gate.admit('acme', t0)]).toEqual(['ok', 'ok', 'throttled']);
  });

  it('puts no limit of its own on a key in no plan, or a plan with no rate', () => {
    const gate = new UsagePlanGate([{ apiKeyValues: ['free'] }]);

    expect(admitMany(gate, 'free', 50, t0).every((verdict) => verdict === 'ok')).toBe(true);
    expect(admitMany(gate, 'stranger', 50, t0).every((verdict) => verdict === 'ok')).toBe(true);
  });
});

describe('quotaPeriodStart', () => {
  it('starts days at UTC midnight, weeks on the offset weekday, months on the offset day', () => {
    expect(new Date(quotaPeriodStart('DAY', t0)).toISOString()).toBe('2024-05-06T00:00:00.000Z');
    expect(new Date(quotaPeriodStart('WEEK', t0)).toISOString()).toBe('2024-05-05T00:00:00.000Z'); // Sunday
    expect(new Date(quotaPeriodStart('WEEK', t0, 1)).toISOString()).toBe('2024-05-06T00:00:00.000Z'); // Monday
    expect(new Date(quotaPeriodStart('MONTH', t0)).toISOString()).toBe('2024-05-01T00:00:00.000Z');
    expect(new Date(quotaPeriodStart('MONTH', t0, 9)).toISOString()).toBe('2024-04-10T00:00:00.000Z');
  });
});
