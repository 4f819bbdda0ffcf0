// The three catalogues against every phrase the path can say: driven through computePath over a broad
// set of plain inputs, and found in the source as 'path_…' literals (keys chosen from a table).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BOUNCE_WORDS, LIGHT_WORDS, seeReport } from './light-words.ts';
import { S2S_OUTCOMES, type S2sObservation, type S2sOutcome } from './observation.ts';
import { computePath, E2E_LABELS, type PathResult } from './path.ts';
import {
  type Catalogue,
  catalogueLookup,
  keysOf,
  type Phrase,
  placeholdersOf,
  renderPhrase,
} from './phrase.ts';
import de from './phrases/de.json' with { type: 'json' };
import en from './phrases/en.json' with { type: 'json' };
import fr from './phrases/fr.json' with { type: 'json' };
import type { Reason } from './reason.ts';
import type { ServiceSummary } from './summary.ts';
import { domainSummary, pathInput } from './testing/fixtures.ts';

const CATALOGUES: Record<string, Catalogue> = { en, de, fr };
const NOW = new Date('2026-11-25T12:00:00.000Z');

/** Every service variation the path model distinguishes, each on its own. */
const VARIANTS: Partial<ServiceSummary>[] = [
  {},
  { availability: 'failed', grade: null },
  ...(['nxdomain', 'no-address', 'srv-unavailable', 'refused'] as const).map((noService) => ({
    availability: 'none' as const,
    noService,
    grade: null,
  })),
  { encryption: 'none', tlsVersions: [], suites: [], grade: 'F' },
  { encryption: 'optional' },
  { grade: 'T', gradeIfTrusted: 'F', authentication: [] },
  { grade: 'T', gradeIfTrusted: null, authentication: [] },
  { grade: 'B' },
  { grade: 'E' },
  { tlsVersions: ['TLSv1.0', 'TLSv1.2', 'TLSv1.3'] },
  { tlsVersions: ['TLSv1.0', 'TLSv1.1'], suites: [{ version: 'TLSv1.1', codes: [0xc014] }] },
  { tlsVersions: ['TLSv1.2'], suites: [{ version: 'TLSv1.2', codes: [0xc030] }] },
  { tlsVersions: ['TLSv1.2'], suites: [{ version: 'TLSv1.2', codes: [0x009c] }] },
  { tlsVersions: ['TLSv1.2'], suites: [{ version: 'TLSv1.2', codes: [0xc019] }] },
  { tlsVersions: ['TLSv1.2'], suites: [{ version: 'TLSv1.2', codes: [0x000a] }] },
  ...(['dh.broken', 'dh.small'] as const).map((code) => ({
    tlsVersions: ['TLSv1.2' as const],
    suites: [{ version: 'TLSv1.2' as const, codes: [0x009e] }],
    findings: [{ code, severity: 'high' as const, message: '' }],
  })),
  ...['cert.rsa-broken', 'cert.md5', 'cert.rsa-small', 'cert.sha1', 'tls.compression', 'dane.mismatch'].map(
    (code) => ({ findings: [{ code, severity: 'high' as const, message: '' }] }),
  ),
  { refusesUnauthenticated: true, authentication: [], grade: 'T' },
  { dialback: false, authentication: [], grade: 'T' },
  { authentication: ['dane', 'posh'], grade: 'A' },
  { software: null },
  { software: { name: 'ejabberd', version: '23.01' } },
];

const OUTCOMES: (S2sOutcome | null)[] = [null, ...S2S_OUTCOMES];

function observation(outcome: S2sOutcome, identity = 'server'): S2sObservation {
  return {
    domain: 'other.test',
    outcome,
    condition: null,
    text: outcome === 'ok' ? null : 'Remote server said $1 no',
    by: 'good.test',
    software: null,
    identities: [{ category: identity, type: 'x', name: null }],
    observedAt: NOW.toISOString(),
  };
}

/** A broad sweep of paths: each variant on either side and both c2s, every outcome, every e2e state. */
function paths(): PathResult[] {
  const base = pathInput({ now: NOW });
  const out: PathResult[] = [];
  for (const v of VARIANTS) {
    for (const outcome of OUTCOMES) {
      const seen = outcome === null ? null : observation(outcome);
      out.push(
        computePath({ ...base, contact: domainSummary('other.test', { s2s: v, c2s: v }), observation: seen }),
        computePath({ ...base, user: domainSummary('good.test', { s2s: v, c2s: v }), observation: seen }),
        computePath({ ...base, user: null, contact: null, observation: seen }),
      );
    }
  }
  for (const omemo of [true, false, null]) {
    for (const transportSecure of [true, false, null]) {
      out.push(computePath({ ...base, omemo, transportSecure }));
    }
  }
  out.push(
    computePath({ ...base, contact: { ...domainSummary('other.test'), scannedAt: '2026-01-01T00:00:00Z' } }),
  );
  out.push(computePath({ ...base, contact: { ...domainSummary('other.test'), scannedAt: 'not a date' } }));
  for (const ms of [3_600_000, 5 * 3_600_000]) {
    out.push(computePath({ ...base, freshForMs: 0, now: new Date(Date.parse('2026-11-24T12:00:00Z') + ms) }));
  }
  out.push(computePath({ ...base, freshForMs: 0, now: new Date('2026-11-24T12:30:00Z') }));
  for (const identity of ['conference', 'gateway', 'component']) {
    out.push(computePath({ ...base, observation: observation('ok', identity) }));
  }
  return out;
}

function reasonsOf(result: PathResult): { light: string; onHop: boolean; reason: Reason }[] {
  return [
    ...result.hops.flatMap((hop) => hop.reasons.map((reason) => ({ light: hop.light, onHop: true, reason }))),
    ...result.e2e.reasons.map((reason) => ({ light: result.e2e.light, onHop: false, reason })),
  ];
}

function phrasesOf(reason: Reason): Phrase[] {
  return [reason.says, reason.todo, reason.detail].filter((p): p is Phrase => p !== undefined);
}

/** 'path_…' literals in the source: the keys chosen from tables, which a sweep may not reach. */
function sourceKeys(): Set<string> {
  const keys = new Set<string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const file = join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)) {
        for (const m of readFileSync(file, 'utf8').matchAll(/'(path_[A-Za-z0-9_]+)'/g))
          keys.add(m[1] as string);
      }
    }
  };
  walk(join(import.meta.dirname, '..'));
  return keys;
}

const SWEEP = paths();

/** Each distinct reason of the sweep once, with the light of the hop it stood in. */
const REASONS = (() => {
  const unique = new Map<string, ReturnType<typeof reasonsOf>[number]>();
  for (const result of SWEEP) {
    for (const entry of reasonsOf(result)) unique.set(JSON.stringify(entry), entry);
  }
  return [...unique.values()];
})();

describe('the path phrase catalogues', () => {
  it('hold every key the path model says, and every key the source names, in all three languages', () => {
    const produced = new Set<string>();
    for (const result of SWEEP) {
      for (const { reason } of reasonsOf(result))
        for (const p of phrasesOf(reason)) for (const k of keysOf(p)) produced.add(k);
      for (const k of keysOf(result.e2e.label)) produced.add(k);
    }
    for (const p of [
      ...Object.values(LIGHT_WORDS),
      BOUNCE_WORDS,
      seeReport('x.test'),
      ...Object.values(E2E_LABELS),
    ]) {
      for (const k of keysOf(p)) produced.add(k);
    }
    const named = sourceKeys();
    // The sweep reaches the great majority; the source scan covers the rest.
    expect(produced.size).toBeGreaterThan(90);
    for (const [lang, catalogue] of Object.entries(CATALOGUES)) {
      const missing = [...produced, ...named].filter((k) => !Object.hasOwn(catalogue, k));
      expect({ lang, missing }).toEqual({ lang, missing: [] });
    }
    // No dead weight: every catalogue key is named somewhere in the source.
    expect(Object.keys(en).filter((k) => !named.has(k))).toEqual([]);
  });

  it('agree on their keys, each key is a valid message name with the `path_` prefix, and placeholders match', () => {
    const keys = Object.keys(en).sort();
    for (const [lang, catalogue] of Object.entries(CATALOGUES)) {
      expect({ lang, keys: Object.keys(catalogue).sort() }).toEqual({ lang, keys });
      for (const key of keys) {
        expect(key).toMatch(/^path_[A-Za-z0-9_]+$/);
        const entry = catalogue[key];
        expect(entry?.message.trim(), `${lang} ${key}`).not.toBe('');
        expect(placeholdersOf(entry?.message ?? ''), `${lang} ${key}`).toEqual(
          placeholdersOf(en[key as keyof typeof en].message),
        );
      }
    }
  });

  it('render every reason of the sweep in every language, with no placeholder left', () => {
    for (const [lang, catalogue] of Object.entries(CATALOGUES)) {
      const lookup = catalogueLookup(catalogue);
      for (const { reason } of REASONS) {
        for (const p of phrasesOf(reason)) {
          const text = renderPhrase(p, lookup);
          // The server's own words may hold a "$1" (the sweep's do): it stays as they said it.
          expect(text.replace('Remote server said $1 no', ''), `${lang} ${p.key}`).not.toMatch(/\$[1-9]/);
        }
      }
    }
  });
});

describe('reasons a person can act on', () => {
  // What grey and green verdicts say: they may stand beside red ones in a red hop, without a todo.
  const NOT_RED_OR_YELLOW = new Set([
    'path_not_scanned',
    'path_scan_too_old',
    'path_scan_failed_c2s',
    'path_scan_failed_s2s',
    'path_seen_works_unknown_protection',
    'path_c2s_green',
    'path_s2s_green',
    'path_s2s_green_seen',
    'path_local_encrypted',
  ]);

  it('every red and yellow reason says what the user can do', () => {
    let judged = 0;
    for (const { light, reason } of REASONS) {
      if ((light === 'red' || light === 'yellow') && !NOT_RED_OR_YELLOW.has(reason.says.key)) {
        judged += 1;
        expect(reason.todo, reason.says.key).toBeDefined();
      }
    }
    expect(judged).toBeGreaterThan(50);
  });

  it('keep the jargon out of the plain sentence', () => {
    const english = catalogueLookup(en);
    const jargon =
      /\b(grade [A-FT]|dialback|TLS 1\.[0-3]|SSLv|DANE|POSH|Diffie|cipher suite|TLS_|STARTTLS)\b/;
    for (const { reason } of REASONS) expect(renderPhrase(reason.says, english)).not.toMatch(jargon);
  });

  it('name the domain they are about, on every hop reason about a server', () => {
    for (const { onHop, reason } of REASONS)
      if (onHop) expect(reason.about, reason.says.key).toMatch(/\.test$/);
  });

  it('label e2e by what is known, not by colour', () => {
    const english = catalogueLookup(en);
    const label = (omemo: boolean | null) =>
      renderPhrase(
        computePath({
          userDomain: 'good.test',
          contactDomain: 'other.test',
          user: null,
          contact: null,
          transportSecure: true,
          sameDomain: false,
          omemo,
        }).e2e.label,
        english,
      );
    expect([label(true), label(false), label(null)]).toEqual([
      'OMEMO: available',
      'OMEMO: not set up',
      'OMEMO: unknown',
    ]);
  });
});
