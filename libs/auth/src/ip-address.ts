import { isIP } from 'node:net';

/** Why an address is not a plain public unicast address. */
export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'metadata'
  | 'cgnat'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'reserved';

export const ADDRESS_CLASS_DESCRIPTIONS: Readonly<Record<AddressClass, string>> = {
  public: 'a public address',
  loopback: 'a loopback address',
  private: 'a private network address',
  'link-local': 'a link-local address',
  metadata: 'a cloud instance metadata address',
  cgnat: 'a carrier-grade NAT (shared) address',
  unspecified: 'an unspecified ("this network") address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved or documentation address',
};

interface Ipv4Range {
  base: number;
  prefix: number;
  class: AddressClass;
}

function ipv4Range(cidr: string, addressClass: AddressClass): Ipv4Range {
  const [address, prefix] = cidr.split('/');
  return { base: parseIpv4(address) as number, prefix: Number(prefix ?? 32), class: addressClass };
}

// Order matters: the metadata addresses sit inside link-local, CGNAT or public space and must win.
const IPV4_RANGES: readonly Ipv4Range[] = [
  ipv4Range('169.254.169.254/32', 'metadata'), // AWS, GCP, Azure IMDS
  ipv4Range('169.254.170.2/32', 'metadata'), // ECS task metadata / credentials
  ipv4Range('169.254.170.23/32', 'metadata'), // EKS Pod Identity agent
  ipv4Range('100.100.100.200/32', 'metadata'), // Alibaba Cloud
  ipv4Range('168.63.129.16/32', 'metadata'), // Azure WireServer
  ipv4Range('192.0.0.192/32', 'metadata'), // Oracle Cloud
  ipv4Range('0.0.0.0/8', 'unspecified'),
  ipv4Range('127.0.0.0/8', 'loopback'),
  ipv4Range('10.0.0.0/8', 'private'),
  ipv4Range('172.16.0.0/12', 'private'),
  ipv4Range('192.168.0.0/16', 'private'),
  ipv4Range('100.64.0.0/10', 'cgnat'),
  ipv4Range('169.254.0.0/16', 'link-local'),
  ipv4Range('255.255.255.255/32', 'broadcast'),
  ipv4Range('224.0.0.0/4', 'multicast'),
  ipv4Range('240.0.0.0/4', 'reserved'),
  ipv4Range('192.0.0.0/24', 'reserved'), // IETF protocol assignments
  ipv4Range('192.0.2.0/24', 'reserved'), // TEST-NET-1
  ipv4Range('198.51.100.0/24', 'reserved'), // TEST-NET-2
  ipv4Range('203.0.113.0/24', 'reserved'), // TEST-NET-3
  ipv4Range('198.18.0.0/15', 'reserved'), // benchmarking
  ipv4Range('192.88.99.0/24', 'reserved'), // deprecated 6to4 relay anycast
];

/** Dotted-quad IPv4 to an unsigned 32-bit number; undefined if not strictly dotted-quad. */
export function parseIpv4(address: string): number | undefined {
  const parts = address.split('.');
  // Leading zeros are refused: resolvers read them as octal, so only canonical text counts as a literal.
  if (
    parts.length !== 4 ||
    !parts.every((part) => /^(?:0|[1-9]\d{0,2})$/.test(part) && Number(part) <= 255)
  ) {
    return undefined;
  }
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}

/** IPv6 text (with `::`, an embedded IPv4 tail, and/or a `%zone`) to 16 bytes; undefined if invalid. */
export function parseIpv6(input: string): Uint8Array | undefined {
  const address = input.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIP(address) !== 6) {
    return undefined;
  }
  let text = address;
  const bytes = new Uint8Array(16);
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const v4 = parseIpv4(text.slice(lastColon + 1));
  if (v4 !== undefined) {
    tail = [v4 >>> 16, v4 & 0xffff];
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [head, rest] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const restGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  let groups: number[];
  if (rest === undefined) {
    groups = headGroups.map((group) => parseInt(group, 16));
  } else {
    const missing = 8 - headGroups.length - restGroups.length;
    groups = [
      ...headGroups.map((group) => parseInt(group, 16)),
      ...new Array<number>(missing).fill(0),
      ...restGroups.map((group) => parseInt(group, 16)),
    ];
  }
  if (tail.length === 2) {
    groups = [...groups.slice(0, 6), ...tail];
  }
  groups.forEach((group, index) => {
    bytes[index * 2] = group >> 8;
    bytes[index * 2 + 1] = group & 0xff;
  });
  return bytes;
}

export function ipv4InCidr(address: number, base: number, prefix: number): boolean {
  if (prefix === 0) {
    return true;
  }
  const mask = prefix === 32 ? 0xffffffff : (0xffffffff << (32 - prefix)) >>> 0;
  return (address & mask) >>> 0 === (base & mask) >>> 0;
}

export function ipv6InCidr(address: Uint8Array, base: Uint8Array, prefix: number): boolean {
  for (let bit = 0; bit < prefix; bit += 8) {
    const index = bit / 8;
    const bits = Math.min(8, prefix - bit);
    const mask = (0xff << (8 - bits)) & 0xff;
    if ((address[index] & mask) !== (base[index] & mask)) {
      return false;
    }
  }
  return true;
}

function classifyIpv4(address: number): AddressClass {
  return IPV4_RANGES.find((range) => ipv4InCidr(address, range.base, range.prefix))?.class ?? 'public';
}

function v6(text: string): Uint8Array {
  return parseIpv6(text) as Uint8Array;
}

const IPV6_METADATA = v6('fd00:ec2::254');
const IPV6_NAT64 = v6('64:ff9b::');
const IPV6_RANGES: readonly { base: Uint8Array; prefix: number; class: AddressClass }[] = [
  { base: v6('64:ff9b:1::'), prefix: 48, class: 'private' }, // local-use NAT64
  { base: v6('fc00::'), prefix: 7, class: 'private' }, // unique local
  { base: v6('fec0::'), prefix: 10, class: 'private' }, // deprecated site-local
  { base: v6('fe80::'), prefix: 10, class: 'link-local' },
  { base: v6('ff00::'), prefix: 8, class: 'multicast' },
  { base: v6('2001:db8::'), prefix: 32, class: 'reserved' }, // documentation
  { base: v6('2001::'), prefix: 32, class: 'reserved' }, // Teredo tunnels hide the real destination
  { base: v6('100::'), prefix: 64, class: 'reserved' }, // discard-only
];

function embeddedIpv4(bytes: Uint8Array, offset: number): number {
  return (
    ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0
  );
}

function classifyIpv6(bytes: Uint8Array): AddressClass {
  if (ipv6InCidr(bytes, IPV6_METADATA, 128)) {
    return 'metadata';
  }
  const firstTenZero = bytes.subarray(0, 10).every((byte) => byte === 0);
  if (firstTenZero && bytes[10] === 0 && bytes[11] === 0) {
    const tail = embeddedIpv4(bytes, 12);
    if (tail === 0) {
      return 'unspecified';
    }
    if (tail === 1) {
      return 'loopback';
    }
    // Deprecated IPv4-compatible form (::a.b.c.d): judged by the IPv4 address it carries.
    return classifyIpv4(tail);
  }
  // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) reach the embedded IPv4 address.
  if (firstTenZero && bytes[10] === 0xff && bytes[11] === 0xff) {
    return classifyIpv4(embeddedIpv4(bytes, 12));
  }
  if (ipv6InCidr(bytes, IPV6_NAT64, 96)) {
    return classifyIpv4(embeddedIpv4(bytes, 12));
  }
  // 6to4 (2002:a.b.c.d::/48) tunnels to the embedded IPv4 address.
  if (bytes[0] === 0x20 && bytes[1] === 0x02) {
    return classifyIpv4(embeddedIpv4(bytes, 2));
  }
  return IPV6_RANGES.find((range) => ipv6InCidr(bytes, range.base, range.prefix))?.class ?? 'public';
}

/** Classifies an IPv4 or IPv6 address literal; throws on anything that is not one. */
export function classifyAddress(address: string): AddressClass {
  const ipv4 = parseIpv4(address);
  if (ipv4 !== undefined) {
    return classifyIpv4(ipv4);
  }
  const ipv6 = parseIpv6(address);
  if (ipv6 !== undefined) {
    return classifyIpv6(ipv6);
  }
  throw new TypeError(`Not an IP address: ${address}`);
}

export function isIpLiteral(host: string): boolean {
  return parseIpv4(host) !== undefined || parseIpv6(host) !== undefined;
}
