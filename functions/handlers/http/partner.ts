import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { PartnerKey } from '../../core/runtime-config';
import { HttpError } from './http-error';

/** Partner names by API key id, as the stack passes them in `PARTNER_KEYS`. */
export type PartnerDirectory = ReadonlyMap<string, string>;

/**
 * The partner directory of the checked `PARTNER_KEYS` entries.
 *
 * @example
 * const partners = partnerDirectory([{ key_id: 'abc123', partner: 'acme' }]);
 */
export function partnerDirectory(keys: readonly PartnerKey[]): PartnerDirectory {
  return new Map(keys.map((key) => [key.key_id, key.partner]));
}

/**
 * The partner who sent the request: the name its API key's id maps to. The
 * gateway has already checked the key; a request that still carries no key
 * id, or one no partner of this stage owns (a key added outside the stack),
 * is refused with `403 forbidden` rather than served as nobody's.
 *
 * @example
 * const partner = partnerOf(event, deps.partners); // 'acme'
 */
export function partnerOf(event: Pick<APIGatewayProxyEvent, 'requestContext'>, partners: PartnerDirectory): string {
  const keyId = event.requestContext?.identity?.apiKeyId;
  if (keyId === undefined || keyId === null || keyId === '') {
    throw new HttpError(403, 'forbidden', 'the request carries no API key, so it belongs to no partner of this stage');
  }
  const partner = partners.get(keyId);
  if (partner === undefined) throw new HttpError(403, 'forbidden', 'the API key belongs to no partner of this stage');
  return partner;
}
