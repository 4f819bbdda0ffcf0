// Synthetic but realistic domains for the API benchmark: each domain's c2s and s2s get one of a dozen
// server profiles seen in the wild (modern, legacy TLS, 3DES, self-signed, expired, no TLS, ...), with
// weights, names and scan times drawn from a seeded generator, then graded by the real rubric so the
// summaries carry real grades, versions and findings.
import { summarize } from '../src/core/grade-report.ts';
import type { ServiceKind, ServiceReport, TargetReport } from '../src/core/report.ts';
import type { DomainSummary } from '../src/core/summary.ts';
import {
  cert,
  dane,
  modernTls,
  report,
  rsaCert,
  SUITES,
  service,
  target,
  tls,
  unreachableTarget,
} from '../src/core/testing/fixtures.ts';

/** mulberry32: a tiny seeded generator, so every run benchmarks the same data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Profile = (t: TargetReport, domain: string) => Partial<TargetReport>;

const legacyTls = () =>
  tls({
    'TLSv1.0': [SUITES.ecdheAes128Cbc, SUITES.rsaAes128Gcm],
    'TLSv1.1': [SUITES.ecdheAes128Cbc, SUITES.rsaAes128Gcm],
    'TLSv1.2': [SUITES.ecdheAes256Gcm, SUITES.ecdheAes128Gcm, SUITES.ecdheAes128Cbc, SUITES.rsaAes128Gcm],
  });

/** Profiles with their share of servers (weights sum to 100). */
const PROFILES: { weight: number; apply: Profile }[] = [
  { weight: 30, apply: () => ({}) },
  { weight: 8, apply: () => ({ tls: tls({ 'TLSv1.3': [SUITES.tls13Aes256, SUITES.tls13Aes128] }) }) },
  { weight: 5, apply: (t, d) => ({ dane: dane({ name: `_${t.port}._tcp.${d}` }), dnssec: true }) },
  { weight: 12, apply: () => ({ tls: legacyTls() }) },
  {
    weight: 4,
    apply: () => ({
      tls: tls({ 'TLSv1.0': [SUITES.rsa3des, SUITES.ecdheAes128Cbc], 'TLSv1.2': [SUITES.ecdheAes128Gcm] }),
    }),
  },
  {
    weight: 8,
    apply: () => ({ certificate: cert({ trusted: false, selfSigned: true, trustError: 'self-signed' }) }),
  },
  {
    weight: 4,
    apply: () => ({ certificate: cert({ expired: true, trusted: false, trustError: 'expired' }) }),
  },
  {
    weight: 4,
    apply: () => ({ certificate: cert({ identity: { matches: false, matchedBy: [] } }) }),
  },
  { weight: 5, apply: () => ({ certificate: rsaCert(2048), tls: modernTls({ dhBits: 1024 }) }) },
  { weight: 3, apply: () => ({ certificate: rsaCert(1024) }) },
  {
    weight: 7,
    apply: (t) => ({
      tls: null,
      certificate: null,
      stream: t.stream && { ...t.stream, starttls: 'none', saslBeforeTls: ['PLAIN', 'SCRAM-SHA-1'] },
    }),
  },
  { weight: 6, apply: (t, d) => unreachableTarget({ host: d, port: t.port }) },
  { weight: 4, apply: () => ({ tls: tls({ 'TLSv1.2': [SUITES.ecdheAes128Gcm, SUITES.anonEcdh] }) }) },
];

function pick<T extends { weight: number }>(items: readonly T[], random: () => number): T {
  let r = random() * 100;
  for (const item of items) {
    r -= item.weight;
    if (r < 0) return item;
  }
  return items[items.length - 1] as T;
}

function syntheticService(kind: ServiceKind, domain: string, random: () => number): ServiceReport {
  const port = kind === 'c2s' ? 5222 : 5269;
  const profile = pick(PROFILES, random);
  const base = target({ host: domain, port, addresses: [`198.51.100.${Math.floor(random() * 250) + 1}`] });
  const t = { ...base, ...profile.apply(base, domain) };
  const optional = random() < 0.15 && t.stream !== null && t.tls !== null;
  const stream = t.stream && optional ? { ...t.stream, starttls: 'offered' as const } : t.stream;
  return service(kind, {
    encryption: t.tls === null && t.status === 'ok' ? 'none' : optional ? 'optional' : 'required',
    dialback: kind === 's2s' && random() < 0.9,
    targets: [{ ...t, stream }],
  });
}

const WORDS = [
  'jabber',
  'chat',
  'xmpp',
  'talk',
  'im',
  'home',
  'mail',
  'conversations',
  'snikket',
  'ejabberd',
];
const TLDS = ['org', 'net', 'de', 'fr', 'io', 'eu', 'nl', 'im', 'social', 'se'];

/** The i-th synthetic domain's summary; the same i always gives the same summary. */
export function syntheticSummary(i: number): DomainSummary {
  const random = seededRandom(i + 1);
  const word = WORDS[Math.floor(random() * WORDS.length)];
  const tld = TLDS[Math.floor(random() * TLDS.length)];
  const domain = `${word}${i}.${tld}`;
  // Scanned over the last 30 days, to the second.
  const scannedAt = new Date(
    Date.UTC(2026, 10, 24) - Math.floor(random() * 30 * 86_400) * 1000,
  ).toISOString();
  return summarize(
    report({
      domain,
      scannedAt,
      c2s: syntheticService('c2s', domain, random),
      s2s: syntheticService('s2s', domain, random),
    }),
  );
}

/**
 * A summary's row of the `domains` table, as the store would write it, without a full report behind it
 * (100,000 reports are gigabytes; the benchmarked routes read only the domain rows and scan history).
 */
export function syntheticDomainRow(s: DomainSummary, lastScanId: string | null = null) {
  return {
    domain: s.domain,
    report_id: null,
    scanned_at: s.scannedAt,
    rubric_version: s.rubricVersion,
    c2s_grade: s.services.c2s.grade,
    s2s_grade: s.services.s2s.grade,
    summary: JSON.stringify(s),
    last_scan_id: lastScanId,
    last_requested_at: s.scannedAt,
    // As migration 0004 fills it: retention keeps domains that ever had a server.
    reachable_at:
      s.services.c2s.availability === 'served' || s.services.s2s.availability === 'served'
        ? s.scannedAt
        : null,
  };
}
