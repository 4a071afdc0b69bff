import { describe, expect, it } from 'vitest';
import { endpointDirectoryKey, endpointItemKey, endpointOfItem, itemOfEndpoint } from '../../../functions/adapters/endpoint-item';
import { ENDPOINT_ATTRIBUTE as A } from '../../../functions/adapters/endpoint-store';
import { PipelineError } from '../../../functions/core/errors';
import { anEndpoint } from '../admin/endpoint-fakes';

describe('endpoint items', () => {
  it('round-trips an endpoint with every optional field through its item', () => {
    // Prepare
    const endpoint = anEndpoint({
      description: 'shop app',
      headers: { Authorization: 'Bearer t' },
      enabled: false,
      disabledReason: 'gone',
      secrets: [{ secret: 'whsec_new' }, { secret: 'whsec_old', expiresAt: '2026-03-02T12:00:00.000Z' }],
      circuit: { failureThreshold: 3, cooldownSeconds: 60, state: 'half_open', consecutiveFailures: 3, openedAtMs: 1000, probeUntilMs: 2000 },
      lastFailure: { at: '2026-03-01T11:00:00.000Z', category: 'server', message: 'HTTP 503', status: 503 },
      counts: { failures: 9, circuitOpens: 2 },
      version: 12,
    });

    // Act
    const item = itemOfEndpoint(endpoint);

    // Assess
    expect(item).toMatchObject({ ...endpointItemKey(endpoint.endpointId), [A.secrets]: [{ secret: 'whsec_new' }, { secret: 'whsec_old', expires_at: '2026-03-02T12:00:00.000Z' }] });
    expect(endpointOfItem(item)).toEqual(endpoint);
  });

  it('reads an item without breaker attributes as a closed circuit with nothing counted', () => {
    // Prepare
    const item = itemOfEndpoint(anEndpoint());
    for (const attribute of [A.circuitState, A.consecutiveFailures, A.failureCount, A.openCount, A.headers]) delete item[attribute];

    // Act
    const endpoint = endpointOfItem(item);

    // Assess
    expect(endpoint.circuit).toEqual({ failureThreshold: 5, cooldownSeconds: 30, state: 'closed', consecutiveFailures: 0 });
    expect(endpoint.counts).toEqual({ failures: 0, circuitOpens: 0 });
    expect(endpoint.headers).toEqual({});
  });

  it('refuses a malformed item, naming what is wrong and never a secret', () => {
    // Prepare
    const item = { ...itemOfEndpoint(anEndpoint()), [A.body]: 'xml', [A.secrets]: [] };

    // Act
    let thrown: unknown;
    try {
      endpointOfItem(item);
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect(thrown).toBeInstanceOf(PipelineError);
    const context = (thrown as PipelineError).context;
    expect(context.issues).toEqual(expect.arrayContaining([expect.stringContaining('body'), expect.stringContaining('secrets')]));
    expect(JSON.stringify(context)).not.toContain('whsec_');
  });

  it('keys the item by id and the directory entry by user then id', () => {
    expect(endpointItemKey('ep_x')).toEqual({ pk: 'ENDPOINT#ep_x', sk: 'STATE' });
    expect(endpointDirectoryKey('shop-42', 'ep_x')).toEqual({ pk: 'ENDPOINTS', sk: 'shop-42#ep_x' });
  });
});
