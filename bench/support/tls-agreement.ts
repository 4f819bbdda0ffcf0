// Does our TLS prober see what testssl sees? Versions and cipher suite codes per version, compared as
// sets, with a readable account of each side when they differ. Pure: no I/O.
import { TLS_VERSIONS, type TlsResult, type TlsVersion } from '../../src/core/report.ts';
import type { TestsslProtocols } from '../../test/support/testssl.ts';

/** The comparable part of a scan: offered versions and suite codes per version. */
export interface TlsSighting {
  versions: TlsVersion[];
  suites: Partial<Record<TlsVersion, number[]>>;
}

export interface TlsAgreement {
  agree: boolean;
  /** One line per version where the sides differ, naming what each side saw. */
  differences: string[];
}

/** Our prober's result (or null: no TLS handshake) in the comparable shape. */
export function sightingFromProbe(result: TlsResult | null): TlsSighting {
  if (result === null) return { versions: [], suites: {} };
  const suites: Partial<Record<TlsVersion, number[]>> = {};
  for (const { version, suites: list } of result.perVersion) suites[version] = list.map((s) => s.code);
  return { versions: [...result.versions], suites };
}

export function sightingFromTestssl(protocols: TestsslProtocols): TlsSighting {
  return { versions: [...protocols.versions], suites: protocols.suites };
}

const hex = (code: number) => `0x${code.toString(16).padStart(4, '0')}`;
const list = (codes: number[]) => (codes.length === 0 ? 'none' : codes.map(hex).join(' '));
const sorted = (codes: readonly number[] | undefined) => [...new Set(codes ?? [])].sort((a, b) => a - b);

/** Set equality of versions and, per version, of suite codes; `ourName`/`theirName` label the sides. */
export function compareSightings(
  ours: TlsSighting,
  theirs: TlsSighting,
  ourName = 'ours',
  theirName = 'testssl',
): TlsAgreement {
  const differences: string[] = [];
  for (const version of TLS_VERSIONS) {
    const weOffer = ours.versions.includes(version);
    const theyOffer = theirs.versions.includes(version);
    const a = sorted(ours.suites[version]);
    const b = sorted(theirs.suites[version]);
    const onlyOurs = a.filter((c) => !b.includes(c));
    const onlyTheirs = b.filter((c) => !a.includes(c));
    if (weOffer === theyOffer && onlyOurs.length === 0 && onlyTheirs.length === 0) continue;
    const offered = (yes: boolean) => (yes ? 'offered' : 'not offered');
    differences.push(
      `${version}: ${ourName} ${offered(weOffer)} [${list(a)}], ${theirName} ${offered(theyOffer)} [${list(b)}]` +
        `; only ${ourName}: [${list(onlyOurs)}]; only ${theirName}: [${list(onlyTheirs)}]`,
    );
  }
  return { agree: differences.length === 0, differences };
}

/** A one-line summary for tables: `TLSv1.2 3, TLSv1.3 3`. */
export function describeSighting(sighting: TlsSighting): string {
  if (sighting.versions.length === 0) return 'no TLS';
  return sighting.versions.map((v) => `${v} ${sighting.suites[v]?.length ?? 0}`).join(', ');
}
