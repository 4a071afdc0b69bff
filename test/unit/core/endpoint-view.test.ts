import { describe, expect, it } from 'vitest';
import { endpointView, endpointViewWithSecret } from '../../../functions/core/endpoint-view';
import { anEndpoint } from '../admin/endpoint-fakes';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const context = { inboundBase: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod', now: NOW };

describe('endpointView', () => {
  it('shows a fresh endpoint in snake_case, with its inbound URL and no secret', () => {
    // Act
    const view = endpointView(anEndpoint(), context);

    // Assess
    expect(view).toEqual({
      endpoint_id: 'ep_aaaaaaaaaaaaaaaaaaaa',
      user_id: 'shop-42',
      url: 'https://app.example.com/hooks',
      headers: {},
      body: 'envelope',
      enabled: true,
      inbound_url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/webhook/shop-42/ep_aaaaaaaaaaaaaaaaaaaa.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      circuit: { state: 'closed', failure_threshold: 5, cooldown_seconds: 30, consecutive_failures: 0 },
      counts: { failures: 0, circuit_opens: 0 },
      secrets_signing: 1,
      created_at: '2026-03-01T12:00:00.000Z',
      updated_at: '2026-03-01T12:00:00.000Z',
    });
    expect(JSON.stringify(view)).not.toContain('whsec_');
  });

  it('shows an open circuit with when it opened and when its cool-down ends, the last failure, counts and the reason it is disabled', () => {
    // Prepare
    const openedAtMs = NOW.getTime() - 10_000;
    const endpoint = anEndpoint({
      description: 'shop app',
      headers: { Authorization: 'Bearer t' },
      body: 'raw',
      enabled: false,
      disabledReason: 'gone',
      circuit: { failureThreshold: 3, cooldownSeconds: 60, state: 'open', consecutiveFailures: 3, openedAtMs },
      lastFailure: { at: '2026-03-01T11:59:50.000Z', category: 'server', message: 'HTTP 503', status: 503 },
      counts: { failures: 7, circuitOpens: 2 },
    });

    // Act
    const view = endpointView(endpoint, context);

    // Assess
    expect(view).toMatchObject({
      description: 'shop app',
      headers: { Authorization: 'Bearer t' },
      body: 'raw',
      enabled: false,
      disabled_reason: 'gone',
      circuit: {
        state: 'open',
        failure_threshold: 3,
        cooldown_seconds: 60,
        consecutive_failures: 3,
        opened_at: new Date(openedAtMs).toISOString(),
        retry_after: new Date(openedAtMs + 60_000).toISOString(),
      },
      last_failure: { at: '2026-03-01T11:59:50.000Z', category: 'server', message: 'HTTP 503', status: 503 },
      counts: { failures: 7, circuit_opens: 2 },
    });
  });

  it('gives no retry_after for a half-open circuit', () => {
    const view = endpointView(anEndpoint({ circuit: { failureThreshold: 5, cooldownSeconds: 30, state: 'half_open', consecutiveFailures: 5, openedAtMs: 1, probeUntilMs: 2 } }), context);
    expect(view.circuit).toEqual({ state: 'half_open', failure_threshold: 5, cooldown_seconds: 30, consecutive_failures: 5, opened_at: new Date(1).toISOString() });
  });

  it('counts a rotated-out secret while it overlaps, and says when it stops', () => {
    // Prepare
    const endpoint = anEndpoint({
      secrets: [
        { secret: 'whsec_new' },
        { secret: 'whsec_old', expiresAt: '2026-03-02T12:00:00.000Z' },
        { secret: 'whsec_older', expiresAt: '2026-03-02T06:00:00.000Z' },
        { secret: 'whsec_gone', expiresAt: '2026-03-01T11:00:00.000Z' },
      ],
    });

    // Act
    const view = endpointView(endpoint, context);
    const withSecret = endpointViewWithSecret(endpoint, context);

    // Assess
    expect(view).toMatchObject({ secrets_signing: 3, previous_secret_expires_at: '2026-03-02T12:00:00.000Z' });
    expect(withSecret.secret).toBe('whsec_new');
    expect(JSON.stringify(withSecret).match(/whsec_/g)).toHaveLength(1);
  });

  it('builds the inbound URL from the base the request came in on', () => {
    const view = endpointView(anEndpoint(), { inboundBase: 'http://127.0.0.1:4010', now: NOW });
    expect(view.inbound_url).toBe('http://127.0.0.1:4010/webhook/shop-42/ep_aaaaaaaaaaaaaaaaaaaa.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
  });
});
