import { InvalidArgumentError } from 'commander';
import { ENDPOINT_ID_PATTERN, USER_ID_PATTERN } from '../functions/core/endpoint';
import { PARTNER_NAME_PATTERN } from '../functions/core/partner-name';

/** Job ids as the API takes them. */
const JOB_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A commander parser for a whole number in a range. */
export function wholeNumber(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value.trim()) || parsed < min || parsed > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`);
    return parsed;
  };
}

/** A commander parser for a number of hours, 0 or more (fractions allowed). */
export function hours(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0) throw new InvalidArgumentError('hours must be a number, 0 or more.');
  return parsed;
}

/** A commander parser for a comma-separated list of job ids. */
export function jobIds(value: string): string[] {
  const ids = value.split(',').map((id) => id.trim()).filter((id) => id !== '');
  if (ids.length === 0) throw new InvalidArgumentError('name at least one job id, e.g. --ids a,b');
  const bad = ids.find((id) => !JOB_ID.test(id));
  if (bad !== undefined) throw new InvalidArgumentError(`"${bad}" is not a job id (letters, digits, - and _).`);
  return ids;
}

/** A commander parser for one job id. */
export function jobId(value: string): string {
  if (!JOB_ID.test(value)) throw new InvalidArgumentError(`"${value}" is not a job id (1–64 letters, digits, - and _).`);
  return value;
}

/** A commander parser for an endpoint id (`ep_` and 20 characters). */
export function endpointId(value: string): string {
  if (!ENDPOINT_ID_PATTERN.test(value)) throw new InvalidArgumentError(`"${value}" is not an endpoint id (ep_ and 20 letters a–z or digits 2–7, as \`endpoints\` lists them).`);
  return value;
}

/** A commander parser for a user id of the relay. */
export function userId(value: string): string {
  if (!USER_ID_PATTERN.test(value)) throw new InvalidArgumentError(`"${value}" is not a user id (1–64 letters, digits, - and _).`);
  return value;
}

/** A commander parser for a partner name. */
export function partnerName(value: string): string {
  if (!PARTNER_NAME_PATTERN.test(value)) throw new InvalidArgumentError(`"${value}" is not a partner name (1–40 lowercase letters, digits and dashes).`);
  return value;
}

/** A commander parser for an http or https URL (the API checks the rest, e.g. where it resolves). */
export function httpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`"${value}" is not a URL; give it whole, e.g. https://app.example.com/hooks/mpesa`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InvalidArgumentError(`the URL must be http or https, got ${url.protocol}`);
  return value;
}

/** HTTP header names: token characters (RFC 9110). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * A commander parser for a repeatable `--header 'Name: value'`: adds the
 * header to those given before it. A name given twice (in any case) is refused.
 */
export function header(value: string, previous: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const colon = value.indexOf(':');
  const name = colon < 0 ? '' : value.slice(0, colon).trim();
  const headerValue = colon < 0 ? '' : value.slice(colon + 1).trim();
  if (!HEADER_NAME.test(name)) throw new InvalidArgumentError(`give a header as 'Name: value', e.g. 'Authorization: Bearer abc'; got "${value}"`);
  if (/[\r\n]/.test(headerValue)) throw new InvalidArgumentError(`the value of header ${name} must be one line`);
  const headers = { ...previous };
  if (Object.keys(headers).some((known) => known.toLowerCase() === name.toLowerCase())) throw new InvalidArgumentError(`header ${name} is given twice`);
  headers[name] = headerValue;
  return headers;
}
