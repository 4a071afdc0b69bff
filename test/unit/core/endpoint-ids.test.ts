import { describe, expect, it } from 'vitest';
import { endpointIdOfToken, ENDPOINT_ID_PATTERN, INBOUND_TOKEN_PATTERN } from '../../../functions/core/endpoint';
import { newEndpointId, newInboundToken, tokensMatch } from '../../../functions/core/endpoint-ids';

describe('newEndpointId', () => {
  it('makes ids of the endpoint id pattern, never the same twice', () => {
    // Act
    const ids = Array.from({ length: 500 }, () => newEndpointId());

    // Assess
    for (const id of ids) expect(id).toMatch(ENDPOINT_ID_PATTERN);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('uses the whole base32 alphabet, not a part of it', () => {
    // Act
    const characters = new Set(Array.from({ length: 500 }, () => newEndpointId().slice(3)).join(''));

    // Assess
    expect([...characters].sort().join('')).toBe('234567abcdefghijklmnopqrstuvwxyz');
  });
});

describe('newInboundToken', () => {
  it('makes tokens of the inbound token pattern that name their endpoint', () => {
    // Prepare
    const endpointId = newEndpointId();

    // Act
    const tokens = Array.from({ length: 100 }, () => newInboundToken(endpointId));

    // Assess
    for (const token of tokens) {
      expect(token).toMatch(INBOUND_TOKEN_PATTERN);
      expect(endpointIdOfToken(token)).toBe(endpointId);
    }
    expect(new Set(tokens).size).toBe(tokens.length);
  });
});

describe('tokensMatch', () => {
  it('matches equal tokens only', () => {
    // Prepare
    const token = newInboundToken(newEndpointId());

    // Act / Assess
    expect(tokensMatch(token, `${token}`)).toBe(true);
    expect(tokensMatch(token, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toBe(false);
    expect(tokensMatch(token, token.slice(0, -1))).toBe(false);
    expect(tokensMatch(token, '')).toBe(false);
    expect(tokensMatch('', '')).toBe(true);
  });
});
