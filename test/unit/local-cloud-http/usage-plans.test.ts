import { describe, expect, it } from 'vitest';
import { quotaPeriodStart } from '../../../local/cloud/http/quota-period';
import { UsagePlanGate } from '../../../local/cloud/http/usage-plans';

const t0 = Date.parse('2024-05-06T10:00:00Z'); // a Monday
const addJob = { resourcePath: '/jobs/{id}', httpMethod: 'POST' };
const getJob = { resourcePath: '/jobs/{id}', httpMethod: 'GET' };
const queueHealth = { resourcePath: '/health/queue', httpMethod: 'GET' };

function admitMany(gate: UsagePlanGate, key: string | undefined, count: number, at: number, method = addJob): string[] {
  return Array.from({ length: count }, () => gate.admit(key, at, method));
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

    expect([gate.admit('acme', t0, addJob), gate.admit('acme', t0, addJob), gate.admit('globex', t0, addJob)]).toEqual(['ok', 'throttled', 'ok']);
  });

  it('refuses past the daily quota until the next UTC day, and counts only admitted requests', () => {
    const gate = new UsagePlanGate([{ apiKeyValues: ['acme'], rateLimit: 1, burstLimit: 1, quota: { limit: 2, period: 'DAY' } }]);

    const first = [gate.admit('acme', t0, addJob), gate.admit('acme', t0, addJob), gate.admit('acme', t0 + 1_000, addJob)];
    const sameDay = gate.admit('acme', t0 + 3_600_000, addJob);
    const nextDay = gate.admit('acme', Date.parse('2024-05-07T00:00:01Z'), addJob);

    // The throttled second request did not use up quota, so the third one still fit.
    expect(first).toEqual(['ok', 'throttled', 'ok']);
    expect(sameDay).toBe('quota');
    expect(nextDay).toBe('ok');
  });

  it('applies a method throttle to every caller of that method together, keys or not', () => {
    const gate = new UsagePlanGate([{ apiKeyValues: ['acme'], rateLimit: 100, burstLimit: 100 }], { default: { rateLimit: 1, burstLimit: 2 } });

    expect([gate.admit('acme', t0, addJob), gate.admit(undefined, t0, addJob), gate.admit('acme', t0, addJob)]).toEqual(['ok', 'ok', 'throttled']);
  });

  it('gives each method its own bucket from the stage default', () => {
    // Prepare
    const gate = new UsagePlanGate([], { default: { rateLimit: 1, burstLimit: 2 } });

    // Act
    const posts = admitMany(gate, undefined, 3, t0, addJob);
    const gets = admitMany(gate, undefined, 3, t0, getJob);

    // Assess: the POSTs using up their burst left the GETs on the same resource untouched.
    expect(posts).toEqual(['ok', 'ok', 'throttled']);
    expect(gets).toEqual(['ok', 'ok', 'throttled']);
  });

  it("lets a method's own settings override the default, field by field", () => {
    // Prepare
    const gate = new UsagePlanGate([], {
      default: { rateLimit: 100, burstLimit: 5 },
      methods: [{ resourcePath: '/health/queue', httpMethod: 'GET', rateLimit: 0.001, burstLimit: 1 }, { resourcePath: '/jobs/{id}', httpMethod: '*', rateLimit: 0.001 }],
    });

    // Act
    const health = admitMany(gate, undefined, 2, t0, queueHealth);
    const posts = admitMany(gate, undefined, 6, t0, addJob);

    // Assess: /jobs/{id} keeps the default burst of 5 with its own rate, so no refill within the test.
    expect(health).toEqual(['ok', 'throttled']);
    expect(posts).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'throttled']);
    expect(admitMany(gate, undefined, 1, t0 + 1_000, addJob)).toEqual(['throttled']);
  });

  it('keeps a usage plan throttle per key across methods', () => {
    const gate = new UsagePlanGate([{ apiKeyValues: ['acme'], rateLimit: 0.001, burstLimit: 2 }]);

    expect([gate.admit('acme', t0, addJob), gate.admit('acme', t0, getJob), gate.admit('acme', t0, queueHealth)]).toEqual(['ok', 'ok', 'throttled']);
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
