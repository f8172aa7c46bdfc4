/**
 * Where a webhook may be delivered. Webhook URLs come from businesses (or from whoever holds one of their
 * API keys), so without a check the relay would POST wherever a URL or its DNS answer points: the PIN
 * guard on loopback, cloud metadata on 169.254.169.254, databases' HTTP ports on the private network.
 *
 * `classifyAddress` sorts an IP address into public or one of the non-public kinds; `refusalFor` applies
 * the relay's policy (private destinations allowed or not; link-local never). IPv6 addresses that carry an
 * IPv4 address (IPv4-mapped ::ffff:0:0/96, NAT64 64:ff9b::/96, 6to4 2002::/16) are judged by the IPv4
 * address inside, since that is where the packets end up.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { InvalidArgumentError } from '../../protocol/errors.js';

export type NonPublicKind =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared'
  | 'link-local'
  | 'multicast'
  | 'broadcast'
  | 'documentation'
  | 'reserved';

export type AddressClass =
  | { public: true }
  /** `range` names the block, e.g. "127.0.0.0/8" or "::ffff:0:0/96 → 10.0.0.0/8". */
  | { public: false; kind: NonPublicKind; range: string };

export type NonPublicAddress = Extract<AddressClass, { public: false }>;

interface V4Block {
  base: number;
  bits: number;
  kind: NonPublicKind;
  range: string;
}

const v4 = (cidr: string, kind: NonPublicKind): V4Block => {
  const [address, bits] = cidr.split('/') as [string, string];
  return { base: parseIPv4(address), bits: Number(bits), kind, range: cidr };
};

/** Most specific first: 255.255.255.255 sits inside 240.0.0.0/4. */
const V4_NON_PUBLIC: readonly V4Block[] = [
  v4('255.255.255.255/32', 'broadcast'),
  v4('0.0.0.0/8', 'unspecified'), // "this network"; 0.0.0.0 reaches the local host on Linux
  v4('10.0.0.0/8', 'private'),
  v4('100.64.0.0/10', 'shared'), // carrier-grade NAT (RFC 6598)
  v4('127.0.0.0/8', 'loopback'),
  v4('169.254.0.0/16', 'link-local'), // cloud metadata services live here
  v4('172.16.0.0/12', 'private'),
  v4('192.0.0.0/24', 'reserved'), // IETF protocol assignments (RFC 6890)
  v4('192.0.2.0/24', 'documentation'),
  v4('192.88.99.0/24', 'reserved'), // deprecated 6to4 relay anycast (RFC 7526)
  v4('192.168.0.0/16', 'private'),
  v4('198.18.0.0/15', 'reserved'), // benchmarking (RFC 2544)
  v4('198.51.100.0/24', 'documentation'),
  v4('203.0.113.0/24', 'documentation'),
  v4('224.0.0.0/4', 'multicast'),
  v4('240.0.0.0/4', 'reserved'),
];

/** A strict dotted-quad IPv4 address as an unsigned 32-bit number. */
function parseIPv4(address: string): number {
  if (!isIPv4(address))
    throw new InvalidArgumentError('address', 'a dotted-quad IPv4 address', JSON.stringify(address));
  return address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function inV4Block(n: number, block: V4Block): boolean {
  const size = 2 ** (32 - block.bits);
  return Math.floor(n / size) === Math.floor(block.base / size);
}

function classifyV4Number(n: number): AddressClass {
  const block = V4_NON_PUBLIC.find((b) => inV4Block(n, b));
  return block ? { public: false, kind: block.kind, range: block.range } : { public: true };
}

function v4FromGroups(high: number, low: number): number {
  return high * 65536 + low;
}

/** An IPv6 address (zone id allowed, IPv4 tail allowed) as its eight 16-bit groups. */
function parseIPv6(address: string): number[] {
  const text = address.split('%')[0] as string;
  if (!isIPv6(text)) throw new InvalidArgumentError('address', 'an IPv6 address', JSON.stringify(address));
  let body = text.toLowerCase();
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (tail) {
    const n = parseIPv4(tail[1] as string);
    body = `${body.slice(0, tail.index)}${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`;
  }
  const [head, rest] = body.split('::') as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  const right = rest === undefined || rest === '' ? [] : rest.split(':');
  const zeros = rest === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(zeros).fill('0'), ...right].map((g) => Number.parseInt(g, 16));
}

/** Whether the first `bits` bits of `groups` equal those of `prefix` (given as groups, zero-padded). */
function inV6Prefix(groups: number[], prefix: number[], bits: number): boolean {
  for (let i = 0; i < 8 && bits > 0; i++, bits -= 16) {
    const take = Math.min(16, bits);
    const mask = (0xffff << (16 - take)) & 0xffff;
    if (((groups[i] as number) & mask) !== ((prefix[i] ?? 0) & mask)) return false;
  }
  return true;
}

const embedded = (outer: string, inner: number): AddressClass => {
  const c = classifyV4Number(inner);
  return c.public ? c : { ...c, range: `${outer} → ${c.range}` };
};

function classifyV6(groups: number[]): AddressClass {
  const g = (i: number) => groups[i] as number;
  if (groups.every((x) => x === 0)) return { public: false, kind: 'unspecified', range: '::/128' };
  if (groups.slice(0, 7).every((x) => x === 0) && g(7) === 1) {
    return { public: false, kind: 'loopback', range: '::1/128' };
  }
  if (inV6Prefix(groups, [0, 0, 0, 0, 0, 0xffff], 96)) return embedded('::ffff:0:0/96', v4FromGroups(g(6), g(7)));
  if (inV6Prefix(groups, [0x64, 0xff9b], 96)) return embedded('64:ff9b::/96', v4FromGroups(g(6), g(7)));
  if (inV6Prefix(groups, [0x2002], 16)) return embedded('2002::/16', v4FromGroups(g(1), g(2)));
  const blocks: Array<[number[], number, NonPublicKind, string]> = [
    [[], 96, 'reserved', '::/96'], // deprecated IPv4-compatible addresses
    [[0x64, 0xff9b, 1], 48, 'private', '64:ff9b:1::/48'], // local-use NAT64 (RFC 8215)
    [[0x100], 64, 'reserved', '100::/64'], // discard-only
    [[0x2001, 0xdb8], 32, 'documentation', '2001:db8::/32'],
    [[0x2001], 23, 'reserved', '2001::/23'], // IETF protocol assignments, incl. Teredo 2001::/32
    [[0x3fff], 20, 'documentation', '3fff::/20'],
    [[0xfc00], 7, 'private', 'fc00::/7'], // unique local addresses
    [[0xfe80], 10, 'link-local', 'fe80::/10'],
    [[0xfec0], 10, 'private', 'fec0::/10'], // deprecated site-local
    [[0xff00], 8, 'multicast', 'ff00::/8'],
  ];
  for (const [prefix, bits, kind, range] of blocks) {
    if (inV6Prefix(groups, prefix, bits)) return { public: false, kind, range };
  }
  // Only 2000::/3 is allocated as global unicast; everything else is unassigned or special.
  if (!inV6Prefix(groups, [0x2000], 3)) return { public: false, kind: 'reserved', range: 'outside 2000::/3' };
  return { public: true };
}

/**
 * Classifies an IP address as returned by DNS or written in a URL (brackets around IPv6 are accepted).
 * Throws InvalidArgumentError when `address` is not an IP address.
 */
export function classifyAddress(address: string): AddressClass {
  if (address.startsWith('[') && address.endsWith(']')) return classifyV6(parseIPv6(address.slice(1, -1)));
  if (isIPv4(address)) return classifyV4Number(parseIPv4(address));
  return classifyV6(parseIPv6(address));
}

/** A URL's hostname as an IP address when it is one (`new URL` already turned 0x7f.1 and 2130706433 into dotted form). */
export function literalAddress(hostname: string): string | undefined {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIPv4(bare) || isIPv6(bare) ? bare : undefined;
}

/** `localhost` and names under `.localhost` always mean the local host (RFC 6761 §6.3). */
export function isLocalhostName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

export interface DestinationPolicy {
  /** Private, loopback, shared and reserved addresses are allowed (development); link-local never is. */
  allowPrivate: boolean;
}

/**
 * Why `address` must not be contacted under `policy`, or undefined when it may. Link-local addresses are
 * refused even when private destinations are allowed: nobody runs a webhook receiver there, and cloud
 * metadata services (169.254.169.254, fe80::…) do.
 */
export function refusalFor(address: string, policy: DestinationPolicy): NonPublicAddress | undefined {
  const c = classifyAddress(address);
  if (c.public) return undefined;
  if (policy.allowPrivate && c.kind !== 'link-local') return undefined;
  return c;
}

/** A sentence for a refused address that names its block, not the address itself. */
export function describeRefusal(host: string, c: NonPublicAddress, literal: boolean): string {
  const article = /^[aeiu]/.test(c.kind) ? 'an' : 'a';
  const why =
    c.kind === 'link-local'
      ? 'link-local addresses (cloud metadata) are never allowed'
      : 'private destinations are not allowed on this relay (TANDEM_WEBHOOK_ALLOW_PRIVATE)';
  return `${host} ${literal ? 'is' : 'resolves to'} ${article} ${c.kind} address (${c.range}); ${why}`;
}
