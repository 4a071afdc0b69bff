import { promises as dns, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { JobFailedError, NonRetryableError } from '../core/errors';
import { FAILURE_CATEGORY } from '../core/failure';
import { classifyAddress, isAddressClassAllowed, type AddressAllowance } from './address-class';

/** Resolves a host name to every address it has, as `dns.promises.lookup` with `all: true` does. */
export type TargetLookup = (hostname: string, options: { all: true }) => Promise<readonly LookupAddress[]>;

/** Which otherwise refused targets to let through, and how names are resolved. */
export interface TargetGuardOptions extends AddressAllowance {
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
 * The checks that need no lookup: the scheme is http(s), and a host given as
 * an IP literal is an address of an allowed class. A socket connects to a
 * literal without any lookup, so this is the only check such a target gets;
 * a host name is checked when the socket resolves it ({@link guardedLookup}).
 *
 * @throws NonRetryableError when the target is refused (the message names the host, never the path or query)
 * @example
 * assertLiteralTargetAllowed(new URL('http://127.0.0.1:8080/'), { allowLoopback: true });
 */
export function assertLiteralTargetAllowed(url: URL, options: AddressAllowance = {}): void {
  if (!ALLOWED_PROTOCOLS.has(url.protocol)) {
    throw new NonRetryableError(`delivery target ${url.host} uses ${url.protocol.slice(0, -1)}; only http and https are allowed`, {
      context: { host: url.host, protocol: url.protocol },
    });
  }
  const hostname = hostnameOf(url);
  if (isIP(hostname) !== 0) assertAddressAllowed(url.host, hostname, options);
}

/**
 * Every address a delivery to `url` may connect to: the literal address, or
 * all the addresses its host resolves to. A host is refused when any one of its
 * addresses is (not only when all are), so a name with one public and one
 * internal record is refused outright rather than left to the resolver's order.
 *
 * @throws NonRetryableError when the target is refused (the message names the host, never the path or query)
 * @throws JobFailedError with category `network` when the host cannot be resolved
 * @example
 * await allowedAddressesOf(new URL('https://hooks.example.com/in')); // [{ address: '203.0.113.10', family: 4 }]
 */
export async function allowedAddressesOf(url: URL, options: TargetGuardOptions = {}): Promise<readonly LookupAddress[]> {
  assertLiteralTargetAllowed(url, options);
  const hostname = hostnameOf(url);
  const family = isIP(hostname);
  if (family !== 0) return [{ address: hostname, family }];
  return resolveAllowed(hostname, url.host, options);
}

/**
 * A `lookup` for `net`, `http` and `https` that resolves the host, checks every
 * address as {@link allowedAddressesOf} does, and hands the socket only checked
 * addresses. The check and the connection share one answer, so a DNS record
 * that changes between a check and a connect (DNS rebinding) cannot slip an
 * internal address through: each new connection resolves and checks again.
 * A refusal reaches the request as its error: the same `NonRetryableError`
 * (or network `JobFailedError`) {@link allowedAddressesOf} throws.
 *
 * `url` names the target in messages; the host looked up is the one the socket asks for.
 *
 * @example
 * http.request({ hostname: 'hooks.example.com', lookup: guardedLookup(url, { allowPrivate: true }) });
 */
export function guardedLookup(url: URL, options: TargetGuardOptions = {}): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    const family = familyOf(lookupOptions);
    resolveAllowed(hostname, url.host, options).then(
      (records) => {
        const usable = family === 0 ? records : records.filter((record) => record.family === family);
        // Called outside the promise chain: an exception in the socket's callback must not become a stray rejection.
        process.nextTick(() => {
          const [first] = usable;
          if (first === undefined) callback(noAddressError(url.host), '');
          else if (lookupOptions.all === true) callback(null, [...usable]);
          else callback(null, first.address, first.family);
        });
      },
      (error: Error) => process.nextTick(() => callback(error, '')),
    );
  };
}

async function resolveAllowed(hostname: string, host: string, options: TargetGuardOptions): Promise<readonly LookupAddress[]> {
  const lookup: TargetLookup = options.lookup ?? ((name, all) => dns.lookup(name, all));
  let records: readonly LookupAddress[];
  try {
    records = await lookup(hostname, { all: true });
  } catch (error) {
    throw new JobFailedError(`could not resolve delivery target ${host}`, FAILURE_CATEGORY.network, {
      cause: error,
      context: { host },
    });
  }
  if (records.length === 0) throw noAddressError(host);
  for (const record of records) assertAddressAllowed(host, record.address, options);
  return records;
}

function assertAddressAllowed(host: string, address: string, allowance: AddressAllowance): void {
  const addressClass = classifyAddress(address);
  if (!isAddressClassAllowed(addressClass, allowance)) {
    throw new NonRetryableError(`delivery target ${host} resolves to ${address}, a ${addressClass} address; refused`, {
      context: { host, address, addressClass },
    });
  }
}

function noAddressError(host: string): JobFailedError {
  return new JobFailedError(`delivery target ${host} resolved to no address`, FAILURE_CATEGORY.network, { context: { host } });
}

/** The host of a URL without the brackets a URL keeps around an IPv6 literal. */
function hostnameOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** The address family a socket asks for: 4, 6, or 0 for either. */
function familyOf(options: LookupOptions): number {
  const { family } = options;
  if (family === 4 || family === 'IPv4') return 4;
  if (family === 6 || family === 'IPv6') return 6;
  return 0;
}
