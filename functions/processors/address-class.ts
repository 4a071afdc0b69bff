import { isIP } from 'node:net';

/** The kinds of IP address a delivery target may resolve to. */
export const ADDRESS_CLASS = {
  public: 'public',
  loopback: 'loopback',
  private: 'private',
  sharedCgnat: 'cgnat',
  linkLocal: 'link_local',
  metadata: 'metadata',
  unspecified: 'unspecified',
  reserved: 'reserved',
} as const;

/** One of the values of {@link ADDRESS_CLASS}. */
export type AddressClass = (typeof ADDRESS_CLASS)[keyof typeof ADDRESS_CLASS];

/**
 * Checked in this order, so the narrower entry wins: the metadata address is
 * link-local too, `::` and `::1` sit inside the IPv4-compatible `::/96`.
 */
const RANGES: readonly (readonly [AddressClass, readonly string[]])[] = [
  // The instance metadata service, over IPv4 and over IPv6 (the latter inside fc00::/7,
  // so allowing private targets must not let it through).
  [ADDRESS_CLASS.metadata, ['169.254.169.254/32', 'fd00:ec2::254/128']],
  // Connecting to 0.0.0.0 or :: reaches the local host on most systems.
  [ADDRESS_CLASS.unspecified, ['0.0.0.0/32', '::/128']],
  [ADDRESS_CLASS.loopback, ['127.0.0.0/8', '::1/128']],
  [ADDRESS_CLASS.linkLocal, ['169.254.0.0/16', 'fe80::/10']],
  // fec0::/10 is the deprecated site-local range; 64:ff9b:1::/48 is local-use NAT64.
  [ADDRESS_CLASS.private, ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7', 'fec0::/10', '64:ff9b:1::/48']],
  [ADDRESS_CLASS.sharedCgnat, ['100.64.0.0/10']],
  // "This network", multicast, the old class E and broadcast, IPv6 multicast,
  // and the deprecated IPv4-compatible IPv6 addresses: nothing a webhook lives on.
  [ADDRESS_CLASS.reserved, ['0.0.0.0/8', '224.0.0.0/4', '240.0.0.0/4', 'ff00::/8', '::/96']],
];

/** A parsed range: its family, its leading bits as 16-bit words (two for IPv4, eight for IPv6) and its prefix length. */
interface Subnet {
  readonly family: 4 | 6;
  readonly words: readonly number[];
  readonly prefix: number;
}

// Plain prefix comparisons on words, built without touching `node:net` at load: the
// BlockList these were before cost about 10 ms of every cold start that loaded this file.
const SUBNETS: readonly (readonly [AddressClass, readonly Subnet[]])[] = RANGES.map(([addressClass, cidrs]) => [addressClass, cidrs.map(parseSubnet)] as const);

const NAT64 = parseSubnet('64:ff9b::/96');
const SIX_TO_FOUR = parseSubnet('2002::/16');

/**
 * What kind of address `address` is. IPv4-mapped (`::ffff:a.b.c.d`), NAT64
 * (`64:ff9b::/96`) and 6to4 (`2002::/16`) IPv6 addresses are judged by the IPv4
 * address they carry, since that is where a connection ends up.
 *
 * @throws TypeError when `address` is not an IP address
 * @example
 * classifyAddress('169.254.169.254'); // 'metadata'
 * classifyAddress('::ffff:10.0.0.1'); // 'private'
 * classifyAddress('203.0.113.10'); // 'public'
 */
export function classifyAddress(address: string): AddressClass {
  const bare = address.split('%')[0] ?? '';
  const version = isIP(bare);
  if (version === 0) throw new TypeError(`not an IP address: ${address}`);
  if (version === 4) return classifyWords(4, ipv4Words(bare));
  const words = ipv6Words(bare);
  if (isIpv4Mapped(words)) return classifyWords(4, words.slice(6));
  const embedded = embeddedIpv4(words);
  if (embedded !== undefined) {
    const inner = classifyWords(4, embedded);
    if (inner !== ADDRESS_CLASS.public) return inner;
  }
  return classifyWords(6, words);
}

function classifyWords(family: 4 | 6, words: readonly number[]): AddressClass {
  for (const [addressClass, subnets] of SUBNETS) {
    if (subnets.some((subnet) => subnet.family === family && inSubnet(words, subnet))) return addressClass;
  }
  return ADDRESS_CLASS.public;
}

/** Whether the first `subnet.prefix` bits of `words` are the subnet's. */
function inSubnet(words: readonly number[], subnet: Subnet): boolean {
  let bits = subnet.prefix;
  for (let index = 0; bits > 0; index++, bits -= 16) {
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if (((words[index] ?? 0) & mask) !== ((subnet.words[index] ?? 0) & mask)) return false;
  }
  return true;
}

function parseSubnet(cidr: string): Subnet {
  const [network = '', prefix = ''] = cidr.split('/');
  // Not `isIP`: its first IPv6 call compiles Node's IPv6 pattern (about 5 ms), which
  // belongs to the first connection, not to loading this file.
  const family = network.includes(':') ? 6 : 4;
  return { family, words: family === 6 ? ipv6Words(network) : ipv4Words(network), prefix: Number(prefix) };
}

/** `::ffff:a.b.c.d`, however it is written. */
function isIpv4Mapped(words: readonly number[]): boolean {
  return words.slice(0, 5).every((word) => word === 0) && words[5] === 0xffff;
}

/** The IPv4 address (as two words) inside a NAT64 or 6to4 address, else `undefined`. */
function embeddedIpv4(words: readonly number[]): number[] | undefined {
  if (inSubnet(words, NAT64)) return words.slice(6, 8);
  if (inSubnet(words, SIX_TO_FOUR)) return words.slice(1, 3);
  return undefined;
}

/** The two 16-bit words of a valid dotted IPv4 address. */
function ipv4Words(address: string): number[] {
  const [a = 0, b = 0, c = 0, d = 0] = address.split('.').map(Number);
  return [(a << 8) | b, (c << 8) | d];
}

/** The eight 16-bit words of a valid IPv6 address (a dotted IPv4 tail included). */
function ipv6Words(address: string): number[] {
  let text = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) text = `${text.slice(0, dotted.index)}${ipv4Words(dotted[1] ?? '').map((word) => word.toString(16)).join(':')}`;
  const [head = '', tail] = text.split('::');
  const headWords = head === '' ? [] : head.split(':');
  const tailWords = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array<string>(8 - headWords.length - tailWords.length).fill('0');
  return [...headWords, ...zeros, ...tailWords].map((word) => Number.parseInt(word, 16));
}

/** Which otherwise refused address classes a caller lets through. */
export interface AddressAllowance {
  /** Let loopback addresses through. @default false */
  readonly allowLoopback?: boolean;
  /** Let private and shared CGNAT addresses through. @default false */
  readonly allowPrivate?: boolean;
}

/**
 * Whether a delivery may go to an address of class `addressClass`. Public
 * addresses always may; loopback and private (with CGNAT) only when allowed;
 * link-local, metadata, unspecified and reserved never: no webhook receiver
 * lives there, but credentials do.
 *
 * @example
 * isAddressClassAllowed('loopback', { allowLoopback: true }); // true
 * isAddressClassAllowed('metadata', { allowLoopback: true, allowPrivate: true }); // false
 */
export function isAddressClassAllowed(addressClass: AddressClass, allowance: AddressAllowance = {}): boolean {
  switch (addressClass) {
    case ADDRESS_CLASS.public:
      return true;
    case ADDRESS_CLASS.loopback:
      return allowance.allowLoopback === true;
    case ADDRESS_CLASS.private:
    case ADDRESS_CLASS.sharedCgnat:
      return allowance.allowPrivate === true;
    default:
      return false;
  }
}

/**
 * The class of a URL's host when it can be told without resolving it: an IP
 * literal (with or without IPv6 brackets) by its address, `localhost` and names
 * under `.localhost` as loopback (they never leave the machine). `undefined`
 * for any other name, whose addresses only a lookup can tell.
 *
 * @example
 * classifyHostLiteral('[::1]'); // 'loopback'
 * classifyHostLiteral('api.localhost'); // 'loopback'
 * classifyHostLiteral('hooks.example.com'); // undefined
 */
export function classifyHostLiteral(hostname: string): AddressClass | undefined {
  const bare = hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
  if (isIP(bare.split('%')[0] ?? '') !== 0) return classifyAddress(bare);
  if (bare === 'localhost' || bare.endsWith('.localhost')) return ADDRESS_CLASS.loopback;
  return undefined;
}
