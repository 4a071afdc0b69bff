import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../functions/handlers/http/http-error';
import { partnerDirectory, partnerOf } from '../../../functions/handlers/http/partner';
import { A_PARTNER, A_PARTNER_KEY_ID, OTHER_PARTNER, OTHER_PARTNER_KEY_ID, anApiGatewayEvent } from '../../helpers/factories';

const partners = partnerDirectory([
  { key_id: A_PARTNER_KEY_ID, partner: A_PARTNER },
  { key_id: OTHER_PARTNER_KEY_ID, partner: OTHER_PARTNER },
]);

describe('partnerOf', () => {
  it("names the partner of the request's API key id", () => {
    // Act / Assess
    expect(partnerOf(anApiGatewayEvent(), partners)).toBe(A_PARTNER);
    expect(partnerOf(anApiGatewayEvent({ apiKeyId: OTHER_PARTNER_KEY_ID }), partners)).toBe(OTHER_PARTNER);
  });

  it.each([
    ['a key id no partner owns', 'key-of-nobody', 'the API key belongs to no partner of this stage'],
    ['no key id', null, 'the request carries no API key, so it belongs to no partner of this stage'],
    ['an empty key id', '', 'the request carries no API key, so it belongs to no partner of this stage'],
  ])('refuses %s with 403 forbidden', (_case, apiKeyId, message) => {
    // Act
    const attempt = () => partnerOf(anApiGatewayEvent({ apiKeyId }), partners);

    // Assess
    expect(attempt).toThrow(HttpError);
    expect(attempt).toThrow(expect.objectContaining({ statusCode: 403, code: 'forbidden', message }));
  });
});
