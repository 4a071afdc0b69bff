import { promises as dns, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { JobFailedError, NonRetryableError } from '../core/errors';
import { FAILURE_CATEGORY } from '../core/failure';
import { ADDRESS_CLASS, classifyAddress, type AddressClass } from './address-class';

/** Resolves a host name to every address it has, as `dns.promises.lookup` with `all: true` does. */
export type TargetLookup = (hostname: string, options: { all: true }) => Promise<readonly LookupAddress[]>;

/** Which otherwise refused targets to let through. */
export interface TargetGuardOptions {
  /**
   * Allow loopback addresses (127/8, ::1): the local profile delivers to a receiver
   * on the same machine.
   *
   * @default false
   */
  readonly allowLoopback?: boolean;
  /**
   * Allow private (10/8, 172.16/12, 192.168/16, fc00::/7) and shared CGNAT
   * (100.64/10) addresses, for receivers inside the deployment's own network.
   * Link-local, metadata, unspecified and reserved addresses stay refused: no
   * webhook receiver lives there, but credentials do.
   *
   * @default false
   */
  readonly allowPrivate?: boolean;
  /**
   * How host names are resolved; injected by tests.
   *
   * @default dns.promises.lookup
   */
  readonly lookup?: TargetLookup;
}

const ALLOWED_PROTOCOLS: ReadonlySet<string> = new Set(['http:', 'https:']);

/**
 * Refuses a delivery target unless it is http(s) and every address its host
 * resolves to is public (or of a class `options` allows). Checking every address,
 * not the first, keeps a host with one public and one internal record from
 * getting through on the resolver's whim.
 *
 * The check cannot pin the address the HTTP client then connects to, so a host
 * whose records change between the two lookups (DNS rebinding) could still slip
 * through; running the check on every attempt narrows that window, it does not close it.
 *
 * @throws NonRetryableError when the target is refused (the message names the host, never the path or query)
 * @throws JobFailedError with category `network` when the host cannot be resolved
 * @example
 * await assertTargetAllowed(new URL('https://hooks.example.com/in'));
 * await assertTargetAllowed(new URL('http://127.0.0.1:8080/'), { allowLoopback: true });
 */
export async function assertTargetAllowed(url: URL, options: TargetGuardOptions = {}): Promise<void> {
  const host = url.host;
  if (!ALLOWED_PROTOCOLS.has(url.protocol)) {
    throw new NonRetryableError(`delivery target ${host} uses ${url.protocol.slice(0, -1)}; only http and https are allowed`, {
      context: { host, protocol: url.protocol },
    });
  }
  for (const address of await addressesOf(url, options.lookup ?? dns.lookup)) {
    const addressClass = classifyAddress(address);
    if (!isAllowed(addressClass, options)) {
      throw new NonRetryableError(`delivery target ${host} resolves to ${address}, a ${addressClass} address; refused`, {
        context: { host, address, addressClass },
      });
    }
  }
}

function isAllowed(addressClass: AddressClass, options: TargetGuardOptions): boolean {
  switch (addressClass) {
    case ADDRESS_CLASS.public:
      return true;
    case ADDRESS_CLASS.loopback:
      return options.allowLoopback === true;
    case ADDRESS_CLASS.private:
    case ADDRESS_CLASS.sharedCgnat:
      return options.allowPrivate === true;
    default:
      return false;
  }
}

async function addressesOf(url: URL, lookup: TargetLookup): Promise<readonly string[]> {
  // A URL keeps the brackets of an IPv6 literal in `hostname`.
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(hostname) !== 0) return [hostname];
  let records: readonly LookupAddress[];
  try {
    records = await lookup(hostname, { all: true });
  } catch (error) {
    throw new JobFailedError(`could not resolve delivery target ${url.host}`, FAILURE_CATEGORY.network, {
      cause: error,
      context: { host: url.host },
    });
  }
  if (records.length === 0) {
    throw new JobFailedError(`delivery target ${url.host} resolved to no address`, FAILURE_CATEGORY.network, {
      context: { host: url.host },
    });
  }
  return records.map((record) => record.address);
}
