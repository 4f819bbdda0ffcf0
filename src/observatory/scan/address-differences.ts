// What differs between the addresses of one target (IPv4 and IPv6, several A records): clients and
// peers land on any of them, so each address is its own entry and a difference is a finding. Pure.
import type { Finding, TargetReport } from '../../core/report.ts';

type Aspect = { name: string; of: (t: TargetReport) => string };

const list = (items: readonly string[]) => (items.length === 0 ? 'none' : items.join(', '));

/** The facts compared, each reduced to a text so equal facts compare equal. */
const ASPECTS: readonly Aspect[] = [
  {
    name: 'reachability',
    of: (t) => (t.status === 'ok' ? 'answers' : `fails (${t.failure ?? 'error'})`),
  },
  { name: 'STARTTLS', of: (t) => (t.directTls || t.status !== 'ok' ? '' : (t.stream?.starttls ?? '')) },
  { name: 'TLS versions', of: (t) => (t.tls ? list(t.tls.versions) : '') },
  {
    name: 'cipher suites',
    of: (t) =>
      t.tls
        ? t.tls.perVersion
            .map((v) => `${v.version}: ${list([...v.suites.map((s) => s.name)].sort())}`)
            .join('; ')
        : '',
  },
  {
    name: 'certificate',
    of: (t) => {
      const leaf = t.certificate?.chain[0];
      return leaf ? `SHA-256 ${leaf.sha256Fingerprint.slice(0, 16)}…` : '';
    },
  },
];

/** One finding per target whose addresses disagree, naming what differs and each address's value. */
export function addressDifferences(targets: readonly TargetReport[]): Finding[] {
  const groups = new Map<string, TargetReport[]>();
  for (const t of targets) {
    if (t.address === null) continue;
    const key = `${t.host}:${t.port}:${t.directTls}`;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  const findings: Finding[] = [];
  for (const entries of groups.values()) {
    const first = entries[0];
    if (first === undefined || entries.length < 2) continue;
    // Versions and suites say nothing about an address that did not answer: compared only when both did.
    const reachable = entries.filter((t) => t.status === 'ok');
    const differing = ASPECTS.flatMap((aspect) => {
      const compared = aspect.name === 'reachability' ? entries : reachable;
      const values = compared.map((t) => ({ address: t.address ?? '', value: aspect.of(t) }));
      if (new Set(values.map((v) => v.value)).size < 2) return [];
      return [`${aspect.name} (${values.map((v) => `${v.address}: ${v.value || 'unknown'}`).join('; ')})`];
    });
    if (differing.length === 0) continue;
    const where = `${first.host}:${first.port}`;
    findings.push({
      code: 'target.addresses-differ',
      severity: 'medium',
      message: `${where} does not answer alike on its ${entries.length} addresses: ${differing.join('; ')}. Each address is graded; the worst counts.`,
      fix: 'Configure every address of the host alike (same server, protocols, suites and certificate): clients and peers connect to any of them, and an attacker picks the weakest.',
      target: where,
    });
  }
  return findings;
}
