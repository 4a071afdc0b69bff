import type { Endpoint } from '../../../functions/core/endpoint';
import type { EndpointLookup } from '../../../functions/handlers/workflows/job-endpoint';
import { A_PARTNER, FIXED_NOW_ISO } from '../../helpers/factories';

/** The endpoint {@link anEndpoint} makes unless told otherwise. */
export const AN_ENDPOINT_ID = 'ep_abcdefghijklmnopqrst';

/** The user of {@link anEndpoint}. */
export const A_USER_ID = 'shop-42';

/** The inbound token of {@link anEndpoint}: its id, a dot, 32 characters of base64url. */
export const AN_INBOUND_TOKEN = `${AN_ENDPOINT_ID}.${'A'.repeat(31)}B`;

/** A registered endpoint: by default enabled, closed circuit, user {@link A_USER_ID}, for partner {@link A_PARTNER}'s jobs. */
export function anEndpoint(overrides: Partial<Endpoint> = {}): Endpoint {
  return {
    endpointId: AN_ENDPOINT_ID,
    userId: A_USER_ID,
    partner: A_PARTNER,
    url: 'https://shop.example.com/mpesa',
    headers: {},
    body: 'raw',
    enabled: true,
    secrets: [{ secret: 'whsec_dGVzdA==' }],
    inboundToken: AN_INBOUND_TOKEN,
    circuit: { failureThreshold: 5, cooldownSeconds: 30, state: 'closed', consecutiveFailures: 0 },
    counts: { failures: 0, circuitOpens: 0 },
    createdAt: FIXED_NOW_ISO,
    updatedAt: FIXED_NOW_ISO,
    version: 1,
    ...overrides,
  };
}

/** An endpoint lookup over a fixed list, recording the ids it was asked for; `pageSize` splits listings into pages. */
export function endpointLookup(endpoints: readonly Endpoint[] = [], pageSize = 100): EndpointLookup & { readonly reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    get: async (endpointId) => {
      reads.push(endpointId);
      return endpoints.find((endpoint) => endpoint.endpointId === endpointId);
    },
    list: async ({ userId, limit, cursor }) => {
      const matching = endpoints.filter((endpoint) => userId === undefined || endpoint.userId === userId);
      const start = cursor === undefined ? 0 : Number(cursor);
      const size = Math.min(limit, pageSize);
      const next = start + size;
      return { endpoints: matching.slice(start, next), ...(next < matching.length ? { cursor: String(next) } : {}) };
    },
  };
}
