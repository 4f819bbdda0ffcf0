// The one address policy of the scanner: which IP addresses it may connect to. Applied by the
// connection gate (connection-gate.ts) to every address right before a connection is opened, whether
// the address came from DNS, an SRV target, a URL's host or a literal in a POSH delegation, so no
// path reaches loopback, private or other internal networks unless the operator allows it (a lab).
import { isIP } from 'node:net';
import { classifyAddress } from './addresses.ts';

export class AddressRefusedError extends Error {
  readonly address: string;
  constructor(address: string, message: string) {
    super(message);
    this.name = 'AddressRefusedError';
    this.address = address;
  }
}

/**
 * Why `address` may not be connected to, or null when it may. `exempt` lists single addresses allowed
 * even when not public (hosts an operator vouches for; tests' own servers).
 */
export function addressRefusal(
  address: string,
  allowPrivate: boolean,
  exempt: readonly string[] = [],
): string | null {
  if (isIP(address) === 0) return `${JSON.stringify(address)} is not an IP address`;
  if (allowPrivate || exempt.includes(address)) return null;
  const kind = classifyAddress(address);
  return kind === 'public' ? null : `${address} (${kind}), which is not a public address`;
}

/** Throws AddressRefusedError, naming `what` (e.g. "the POSH server x"), when `address` is refused. */
export function admitAddress(
  address: string,
  allowPrivate: boolean,
  what: string,
  exempt: readonly string[] = [],
): void {
  const why = addressRefusal(address, allowPrivate, exempt);
  if (why !== null) throw new AddressRefusedError(address, `refusing to connect to ${what}: ${why}`);
}

/**
 * The IP literal a URL's host names, or null for a DNS name. The WHATWG parser has already turned
 * `2130706433`, `0x7f.1` and `[::ffff:7f00:1]` into their canonical forms; only brackets remain.
 */
export function urlHostLiteral(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(bare) === 0 ? null : bare;
}
