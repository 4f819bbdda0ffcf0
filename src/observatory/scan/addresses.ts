// Public vs non-public address classification, so the scanner can refuse internal targets
// (no scanning of private networks through us) unless the operator allows it explicitly.
import { BlockList, isIPv4, isIPv6 } from 'node:net';

export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'unique-local'
  | 'multicast'
  | 'broadcast'
  | 'documentation'
  | 'benchmarking'
  | 'reserved';

type Rule = [AddressClass, string, number];

// IANA special-purpose registries (RFC 6890 and updates), most specific first where ranges nest.
const V4_RULES: Rule[] = [
  ['unspecified', '0.0.0.0', 32],
  ['reserved', '0.0.0.0', 8],
  ['private', '10.0.0.0', 8],
  ['cgnat', '100.64.0.0', 10],
  ['loopback', '127.0.0.0', 8],
  ['link-local', '169.254.0.0', 16],
  ['private', '172.16.0.0', 12],
  ['reserved', '192.0.0.0', 24],
  ['documentation', '192.0.2.0', 24],
  ['reserved', '192.88.99.0', 24],
  ['private', '192.168.0.0', 16],
  ['benchmarking', '198.18.0.0', 15],
  ['documentation', '198.51.100.0', 24],
  ['documentation', '203.0.113.0', 24],
  ['multicast', '224.0.0.0', 4],
  ['broadcast', '255.255.255.255', 32],
  ['reserved', '240.0.0.0', 4],
];

const V6_RULES: Rule[] = [
  ['unspecified', '::', 128],
  ['loopback', '::1', 128],
  ['reserved', '100::', 64],
  // NAT64 local-use prefix (RFC 8215): translates into whatever network the operator chose.
  ['reserved', '64:ff9b:1::', 48],
  ['benchmarking', '2001:2::', 48],
  ['reserved', '2001::', 23],
  ['documentation', '2001:db8::', 32],
  ['documentation', '3fff::', 20],
  ['unique-local', 'fc00::', 7],
  ['link-local', 'fe80::', 10],
  ['reserved', 'fec0::', 10],
  ['multicast', 'ff00::', 8],
];

function compile(rules: Rule[], family: 'ipv4' | 'ipv6'): { cls: AddressClass; list: BlockList }[] {
  return rules.map(([cls, net, prefix]) => {
    const list = new BlockList();
    list.addSubnet(net, prefix, family);
    return { cls, list };
  });
}

const V4 = compile(V4_RULES, 'ipv4');
const V6 = compile(V6_RULES, 'ipv6');

/** Parses an IPv6 address into 8 hextets; input is already known to be valid IPv6. */
export function ipv6Hextets(ip: string): number[] {
  let text = ip.split('%')[0] ?? ip;
  const v4tail = text.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (v4tail?.[1]) {
    const o = v4tail[1].split('.').map(Number);
    text = `${text.slice(0, -v4tail[1].length)}${(((o[0] ?? 0) << 8) | (o[1] ?? 0)).toString(16)}:${(((o[2] ?? 0) << 8) | (o[3] ?? 0)).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const a = head ? head.split(':') : [];
  const b = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : new Array(8 - a.length - b.length).fill('0');
  return [...a, ...fill, ...b].map((h) => Number.parseInt(h, 16));
}

const v4Text = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;

/**
 * The IPv4 address an IPv6 address reaches, where it embeds one: IPv4-mapped (::ffff:0:0/96),
 * IPv4-compatible (::/96, deprecated but still routed by some stacks), NAT64 (64:ff9b::/96) and
 * 6to4 (2002::/16, the address in bits 16–47). Each is judged by the IPv4 address it leads to.
 */
function embeddedV4(h: number[]): string | null {
  const zeros = (from: number, to: number) => h.slice(from, to).every((x) => x === 0);
  const at = (i: number) => h[i] ?? 0;
  if (zeros(0, 5) && at(5) === 0xffff) return v4Text(at(6), at(7));
  // ::/96 except :: and ::1, which the rules below name.
  if (zeros(0, 6) && (at(6) !== 0 || at(7) > 1)) return v4Text(at(6), at(7));
  if (at(0) === 0x64 && at(1) === 0xff9b && zeros(2, 6)) return v4Text(at(6), at(7));
  if (at(0) === 0x2002) return v4Text(at(1), at(2));
  return null;
}

/** Classifies an IP address literal; throws on anything that is not one. */
export function classifyAddress(ip: string): AddressClass {
  if (isIPv4(ip)) return V4.find((r) => r.list.check(ip, 'ipv4'))?.cls ?? 'public';
  if (!isIPv6(ip)) throw new Error(`not an IP address: ${JSON.stringify(ip)}`);
  const bare = ip.split('%')[0] ?? ip;
  const v4 = embeddedV4(ipv6Hextets(bare));
  if (v4 !== null) return classifyAddress(v4);
  const found = V6.find((r) => r.list.check(bare, 'ipv6'))?.cls;
  if (found) return found;
  // Only 2000::/3 is allocated global unicast; everything else is reserved.
  const first = ipv6Hextets(bare)[0] ?? 0;
  return (first & 0xe000) === 0x2000 ? 'public' : 'reserved';
}

export function isPublicAddress(ip: string): boolean {
  return classifyAddress(ip) === 'public';
}
