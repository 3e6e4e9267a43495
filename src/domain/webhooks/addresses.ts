// Which addresses a webhook may be sent to (SSRF protection, CONTRACT §11): public unicast only,
// unless WEBHOOK_ALLOW_PRIVATE=true. Checked on every address a host name resolves to, at
// registration and again at every send (on the address actually connected to), so a name that
// resolves to a public address when registered and to 127.0.0.1 later (DNS rebinding) is refused.
// Pure: takes the address text (IPv4 dotted quad or IPv6, as the resolver or URL parser writes it).

export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared (CGNAT)'
  | 'link-local'
  | 'unique-local'
  | 'multicast'
  | 'reserved'
  | 'documentation'
  | 'benchmarking'
  | 'not an IP address';

type Range4 = [base: number, prefix: number, kind: AddressClass];

const v4 = (a: number, b: number, c: number, d: number) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;

// IANA IPv4 special-purpose registry (RFC 6890 and successors), minus nothing: none of these is
// a webhook receiver on the public internet
const IPV4_RANGES: Range4[] = [
  [v4(0, 0, 0, 0), 8, 'unspecified'],
  [v4(10, 0, 0, 0), 8, 'private'],
  [v4(100, 64, 0, 0), 10, 'shared (CGNAT)'],
  [v4(127, 0, 0, 0), 8, 'loopback'],
  [v4(169, 254, 0, 0), 16, 'link-local'],
  [v4(172, 16, 0, 0), 12, 'private'],
  [v4(192, 0, 0, 0), 24, 'reserved'],
  [v4(192, 0, 2, 0), 24, 'documentation'],
  [v4(192, 88, 99, 0), 24, 'reserved'],
  [v4(192, 168, 0, 0), 16, 'private'],
  [v4(198, 18, 0, 0), 15, 'benchmarking'],
  [v4(198, 51, 100, 0), 24, 'documentation'],
  [v4(203, 0, 113, 0), 24, 'documentation'],
  [v4(224, 0, 0, 0), 4, 'multicast'],
  [v4(240, 0, 0, 0), 4, 'reserved'],
];

function parseIpv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255 || (part.length > 1 && part.startsWith('0'))) return null;
    value = value * 256 + Number(part);
  }
  return value;
}

function classifyIpv4(address: number): AddressClass {
  for (const [base, prefix, kind] of IPV4_RANGES) {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    if (((address & mask) >>> 0) === base) return kind;
  }
  return 'public';
}

/** Eight 16-bit groups, or null. Accepts "::" compression and a trailing dotted quad; no zone id. */
function parseIpv6(text: string): number[] | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return null;
  let hex = text;
  if (text.includes('.')) {
    // "::ffff:1.2.3.4" → "::ffff:102:304"
    const lastColon = text.lastIndexOf(':');
    const quad = parseIpv4(text.slice(lastColon + 1));
    if (quad === null) return null;
    hex = `${text.slice(0, lastColon + 1)}${(quad >>> 16).toString(16)}:${(quad & 0xffff).toString(16)}`;
  }
  const halves = hex.split('::');
  if (halves.length > 2) return null;
  const toGroups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = toGroups(halves[0]!);
  const right = halves.length === 2 ? toGroups(halves[1]!) : [];
  if ([...left, ...right].some((group) => !/^[0-9a-fA-F]{1,4}$/.test(group))) return null;
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  return [...left, ...Array.from({ length: halves.length === 2 ? missing : 0 }, () => '0'), ...right].map((g) => parseInt(g, 16));
}

function classifyIpv6(g: number[]): AddressClass {
  const embeddedV4 = (hi: number, lo: number) => classifyIpv4(((hi << 16) | lo) >>> 0);
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 8)) return 'unspecified';
  if (zeros(0, 7) && g[7] === 1) return 'loopback';
  // IPv4-mapped ::ffff:a.b.c.d and IPv4-compatible ::a.b.c.d: the IPv4 address decides
  if (zeros(0, 5) && (g[5] === 0xffff || g[5] === 0)) return embeddedV4(g[6]!, g[7]!);
  // NAT64 64:ff9b::/96 and 64:ff9b:1::/48 reach the embedded IPv4 address
  if (g[0] === 0x64 && g[1] === 0xff9b) return embeddedV4(g[6]!, g[7]!);
  // 6to4 2002:a.b.c.d::/48
  if (g[0] === 0x2002) return embeddedV4(g[1]!, g[2]!);
  const first = g[0]!;
  if ((first & 0xfe00) === 0xfc00) return 'unique-local';
  if ((first & 0xffc0) === 0xfe80) return 'link-local';
  if ((first & 0xffc0) === 0xfec0) return 'private'; // deprecated site-local
  if ((first & 0xff00) === 0xff00) return 'multicast';
  if (first === 0x2001 && g[1] === 0x0db8) return 'documentation';
  if (first === 0x0100 && zeros(1, 4)) return 'reserved'; // discard-only 100::/64
  if (first === 0x2001 && g[1]! < 0x0200) return 'reserved'; // IETF protocol assignments, Teredo
  if ((first & 0xe000) !== 0x2000) return 'reserved'; // outside global unicast 2000::/3
  return 'public';
}

/** The class of an IP address in text form ("203.0.113.7", "::1", "[fe80::1]"). */
export function classifyAddress(text: string): AddressClass {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const ipv4 = parseIpv4(bare);
  if (ipv4 !== null) return classifyIpv4(ipv4);
  const ipv6 = parseIpv6(bare);
  return ipv6 === null ? 'not an IP address' : classifyIpv6(ipv6);
}

/** Whether a webhook may be sent to this address; with allowPrivate every IP address may. */
export function addressAllowed(text: string, allowPrivate: boolean): boolean {
  const kind = classifyAddress(text);
  return kind === 'public' || (allowPrivate && kind !== 'not an IP address');
}

/** Whether a URL host is an IP literal (checked as is) rather than a name (resolved first). */
export const isIpLiteral = (host: string) => classifyAddress(host) !== 'not an IP address';
