// Who a request counts against, for the rate limit and the per-client share of the scan queue: the
// client's IPv4 address, or its IPv6 /64 (one subscriber usually holds a whole /64 and can rotate
// addresses inside it at will). `request.ip` already honours X-Forwarded-For when trustProxy is set.
import { isIPv6 } from 'node:net';
import { ipv6Hextets } from '../scan/addresses.ts';

export function clientKey(ip: string): string {
  if (!isIPv6(ip)) return ip;
  const h = ipv6Hextets(ip);
  // An IPv4-mapped address is the IPv4 client itself (a dual-stack socket reports it so).
  if (h.slice(0, 5).every((x) => x === 0) && h[5] === 0xffff)
    return [(h[6] ?? 0) >> 8, (h[6] ?? 0) & 0xff, (h[7] ?? 0) >> 8, (h[7] ?? 0) & 0xff].join('.');
  return `${h
    .slice(0, 4)
    .map((x) => x.toString(16))
    .join(':')}::/64`;
}
