// Which addresses of a target a scan probes (the cap is the connection gate's `addressesPerTarget`),
// and the finding that names them when a host has more. Pure.
import type { Finding } from '../../core/report.ts';
import type { DiscoveredTarget } from './types.ts';

/**
 * Up to `cap` addresses, IPv4 and IPv6 taken in turn, so a host with many A records still has its
 * IPv6 side scanned (clients prefer IPv6 where they have it, RFC 8305).
 */
export function bothFamilies(addresses: readonly string[], cap: number): string[] {
  const v4 = addresses.filter((a) => !a.includes(':'));
  const v6 = addresses.filter((a) => a.includes(':'));
  const picked: string[] = [];
  for (let i = 0; picked.length < cap && (i < v4.length || i < v6.length); i++) {
    for (const family of [v4, v6]) {
      const address = family[i];
      if (address !== undefined && picked.length < cap) picked.push(address);
    }
  }
  return picked;
}

/** A host with more addresses than the cap: the ones scanned (both families) are named. */
export function cappedAddresses(
  located: { target: DiscoveredTarget; addresses: string[]; uncapped?: number }[],
): Finding[] {
  return located.flatMap(({ target, addresses, uncapped }) => {
    if (uncapped === undefined || uncapped <= addresses.length) return [];
    const where = `${target.host}:${target.port}`;
    return [
      {
        code: 'target.too-many-addresses',
        severity: 'info',
        message: `${target.host} has ${uncapped} addresses; the first ${addresses.length} were scanned at ${where} (${addresses.join(', ')}).`,
        fix: 'Nothing to fix if every address serves the same configuration; the unscanned ones were not checked.',
        target: where,
      } satisfies Finding,
    ];
  });
}
